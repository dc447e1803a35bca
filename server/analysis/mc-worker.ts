/**
 * Monte Carlo worker: keeps the fast model of the current job, solves the chunks of draws it is
 * sent and posts their figures back (typed arrays, transferred). Loaded through
 * mc-worker-bootstrap.mjs.
 */
import { parentPort } from 'node:worker_threads';
import { emptyTable, runDraws, type DrawSpec, type DrawTable, type FastModel } from './montecarlo.ts';

export interface ChunkRequest {
  readonly jobKey: number;
  /** Sent with the first chunk of a job this worker sees; later chunks reuse it. */
  readonly fast?: FastModel;
  readonly spec?: DrawSpec;
  readonly from: number;
  readonly to: number;
}

export type ChunkResponse =
  | { readonly ok: true; readonly jobKey: number; readonly from: number; readonly to: number; readonly table: DrawTable }
  | { readonly ok: false; readonly jobKey: number; readonly from: number; readonly to: number; readonly message: string };

if (parentPort) {
  const port = parentPort;
  let current: { key: number; fast: FastModel; spec: DrawSpec } | null = null;
  port.on('message', (req: ChunkRequest) => {
    void (async () => {
      try {
        if (req.fast && req.spec) current = { key: req.jobKey, fast: req.fast, spec: req.spec };
        if (!current || current.key !== req.jobKey) throw new Error('the worker has no model for this job');
        const table = emptyTable(req.to - req.from, current.fast.markets.length);
        await runDraws(current.fast, current.spec, req.from, req.to, table, req.from);
        const transfer = [table.margin, table.exportTonnes, table.domesticTonnes, table.domesticShare, table.ruleBinds, table.status, table.served].map((a) => a.buffer as ArrayBuffer);
        port.postMessage({ ok: true, jobKey: req.jobKey, from: req.from, to: req.to, table } satisfies ChunkResponse, transfer);
      } catch (e) {
        port.postMessage({ ok: false, jobKey: req.jobKey, from: req.from, to: req.to, message: e instanceof Error ? e.message : String(e) } satisfies ChunkResponse);
      }
    })();
  });
  port.postMessage({ ready: true });
}
