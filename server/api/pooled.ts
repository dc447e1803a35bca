/**
 * Request work in the CPU pool that is not a plan (workbooks read and written, answers made from
 * stored runs): a place in the bounded queue first (503 past it, at once), and the service's time
 * ceiling on it (422 `time_limit` past it, its thread stopped).
 */
import type { FastifyRequest } from 'fastify';
import { TaskTimeoutError } from '../pool/pool.ts';
import { callerOf } from './admission.ts';
import type { ApiContext } from './context.ts';
import { ApiError } from './errors.ts';

/** Runs `run` (given the time limit in ms) with a queue place; `what` names the work in a time-limit error. */
export async function inPoolQueued<T>(ctx: ApiContext, request: FastifyRequest, what: string, run: (timeoutMs: number) => Promise<T>): Promise<T> {
  const leave = ctx.admission.queue.enter(callerOf(request));
  try {
    return await run(ctx.maxSolveMs);
  } catch (e) {
    if (e instanceof TaskTimeoutError) throw new ApiError('time_limit', `The ${what} was not done within the service's limit of ${ctx.maxSolveMs} ms; its work was stopped`);
    throw e;
  } finally {
    leave();
  }
}

/** Bytes from the pool as a Buffer over the same memory (no copy), for a route to send as they are. */
export function bytesOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
