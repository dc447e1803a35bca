/**
 * Worker-thread entry: receives `{ id, model, options }`, solves in this thread (HiGHS stays
 * loaded between solves) and posts `{ id, result }` back. Loaded through worker-bootstrap.mjs.
 */
import { parentPort } from 'node:worker_threads';
import type { LpModel, SolveResult } from '../core/lp.ts';
import { errorMessage, makeStats } from './common.ts';
import { solveModelInProcess, type SolveModelOptions } from './inProcess.ts';

export interface WorkerRequest {
  readonly id: number;
  readonly model: LpModel;
  readonly options: SolveModelOptions;
}
export interface WorkerResponse {
  readonly id: number;
  readonly result: SolveResult;
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (req: WorkerRequest) => {
    void (async () => {
      let result: SolveResult;
      try {
        result = await solveModelInProcess(req.model, req.options);
      } catch (e) {
        result = { status: 'error', message: `worker failed: ${errorMessage(e)}`, stats: makeStats(req.model, 'highs', 'unknown', 0) };
      }
      port.postMessage({ id: req.id, result } satisfies WorkerResponse);
    })();
  });
  port.postMessage({ ready: true });
}
