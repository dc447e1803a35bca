/**
 * Admission control for heavy work (every route that solves: optimise, runs, alternatives,
 * sensitivity, phasing, contracts, sweeps, Monte Carlo).
 *
 * - One solve budget per caller (API key, or address when anonymous) shared by every solving route:
 *   at most `max` per `timeWindowMs`, 429 with Retry-After past it. A request refused with a 4xx
 *   (a bad body, a model that cannot be built) or turned away as overloaded (a full queue, every job
 *   slot taken: 503) gives its solve back; one stopped at its time limit (422 time_limit) does not.
 * - A bounded queue: at most `perKey` requests of one caller and `total` in all may be running or
 *   waiting for the CPU pool at once; past that, 503 with Retry-After at once, never an unbounded wait.
 */
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

export interface RateLimit {
  /** Requests per window per API key (per address for anonymous callers). */
  readonly max: number;
  readonly timeWindowMs: number;
}

export interface QueueLimits {
  /** Heavy requests of one caller running or waiting at once. */
  readonly perKey: number;
  /** Heavy requests of everyone running or waiting at once. */
  readonly total: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { perKey: 4, total: 16 };

/** Who is asking: the API key's id, or the address of an anonymous caller. */
export function callerOf(request: FastifyRequest): string {
  const p = request.principal;
  return p && p.role !== 'anonymous' ? `key:${p.keyId}` : `ip:${request.ip}`;
}

export class WorkQueue {
  readonly limits: QueueLimits;
  #total = 0;
  readonly #byKey = new Map<string, number>();

  constructor(limits: QueueLimits = DEFAULT_QUEUE_LIMITS) {
    this.limits = limits;
  }

  /** The 503 `enter(key)` would throw now, or null. */
  refusal(key: string): ApiError | null {
    if ((this.#byKey.get(key) ?? 0) >= this.limits.perKey) {
      return new ApiError('overloaded', `At most ${this.limits.perKey} requests of one caller that need the CPU pool (solves, workbooks, answers made from stored runs) run or wait at once; retry when one has finished`, undefined, { 'retry-after': '1' });
    }
    if (this.#total >= this.limits.total) {
      return new ApiError('overloaded', `The server is busy (${this.limits.total} requests running or waiting for the CPU pool); retry shortly`, undefined, { 'retry-after': '2' });
    }
    return null;
  }

  /** Takes a place for `key`, or throws 503 (Retry-After). Call the returned function when done. */
  enter(key: string): () => void {
    const refused = this.refusal(key);
    if (refused) throw refused;
    const mine = this.#byKey.get(key) ?? 0;
    this.#total++;
    this.#byKey.set(key, mine + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#total--;
      const n = (this.#byKey.get(key) ?? 1) - 1;
      if (n <= 0) this.#byKey.delete(key);
      else this.#byKey.set(key, n);
    };
  }

  /** Requests running or waiting (health, tests). */
  get size(): number {
    return this.#total;
  }
}

export class SolveBudget {
  readonly limit: RateLimit;
  readonly #taken = new Map<string, number[]>();
  readonly #now: () => number;

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.limit = limit;
    this.#now = now;
  }

  /** The 429 `take(key)` would throw now, or null. */
  refusal(key: string): ApiError | null {
    const now = this.#now();
    return this.#refusal(now, this.#recent(key, now));
  }

  /** Uses one solve of `key`'s budget, or throws 429 (Retry-After). Returns the function that gives it back. */
  take(key: string): () => void {
    const now = this.#now();
    const times = this.#recent(key, now);
    const refused = this.#refusal(now, times);
    if (refused) throw refused;
    times.push(now);
    this.#taken.set(key, times);
    if (this.#taken.size > 10_000) this.#prune(now - this.limit.timeWindowMs);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const list = this.#taken.get(key);
      const i = list?.lastIndexOf(now) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
    };
  }

  /** `key`'s solves within the window ending at `now` (kept, pruned). */
  #recent(key: string, now: number): number[] {
    const since = now - this.limit.timeWindowMs;
    const times = (this.#taken.get(key) ?? []).filter((t) => t > since);
    if (times.length > 0 || this.#taken.has(key)) this.#taken.set(key, times);
    return times;
  }

  #refusal(now: number, times: readonly number[]): ApiError | null {
    if (times.length < this.limit.max) return null;
    const retryS = Math.max(1, Math.ceil((times[0]! + this.limit.timeWindowMs - now) / 1000));
    return new ApiError('rate_limited', `Too many solves: at most ${this.limit.max} per ${windowWords(this.limit.timeWindowMs)}; retry later`, undefined, { 'retry-after': String(retryS) });
  }

  #prune(since: number): void {
    for (const [key, times] of this.#taken) if (!times.some((t) => t > since)) this.#taken.delete(key);
  }
}

function windowWords(ms: number): string {
  if (ms % 60_000 === 0) return ms === 60_000 ? '1 minute' : `${ms / 60_000} minutes`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export interface Admission {
  readonly queue: WorkQueue;
  readonly budget: SolveBudget | null;
}

/**
 * Whether an answer refused the work rather than doing it: a 4xx (a bad body, a model that cannot be
 * built) or an `overloaded` 503 (a full queue, every job slot taken). A `time_limit` 422 is not: the
 * work ran to its limit, and the solve stays spent, so the budget bounds the CPU a caller takes.
 */
function refusedWithoutWork(e: ApiError): boolean {
  if (e.code === 'time_limit') return false;
  return (e.statusCode >= 400 && e.statusCode < 500) || e.code === 'overloaded';
}

/**
 * The refusal `admitted` would give the caller of `request` now (429 for a spent budget, 503 for a
 * full queue), or null. A route whose body is large and read on the event loop asks this before the
 * body is read, so a flood of refused requests costs no parsing; `admitted` still decides.
 */
export function admissionRefusal(admission: Admission, request: FastifyRequest): ApiError | null {
  const key = callerOf(request);
  return admission.budget?.refusal(key) ?? admission.queue.refusal(key);
}

/**
 * Runs heavy `work` for the caller of `request`: takes a solve from the budget and a place in the
 * queue first (429 / 503 otherwise); a refusal without work gives the solve back (refusedWithoutWork).
 */
export async function admitted<T>(admission: Admission, request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  const key = callerOf(request);
  const giveBack = admission.budget?.take(key);
  let leave: () => void;
  try {
    leave = admission.queue.enter(key);
  } catch (e) {
    giveBack?.();
    throw e;
  }
  try {
    return await work();
  } catch (e) {
    if (e instanceof ApiError && refusedWithoutWork(e)) giveBack?.();
    throw e;
  } finally {
    leave();
  }
}
