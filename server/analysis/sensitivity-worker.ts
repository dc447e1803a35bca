/**
 * Sensitivity worker thread: runs `sensitivity` (ranging, re-solves, the share curve — many
 * solves in a row) for the request it is sent and posts the report back, so the API's event loop
 * stays free meanwhile. Loaded through sensitivity-worker-bootstrap.mjs.
 */
import { parentPort } from 'node:worker_threads';
import type { Network, Scenario } from '../core/schema.ts';
import type { Problem } from '../core/consistency.ts';
import { ScenarioProblemsError } from './common.ts';
import { sensitivity, type SensitivityOptions, type SensitivityReport } from './sensitivity.ts';

export interface SensitivityRequest {
  readonly id: number;
  readonly scenario: Scenario;
  readonly network: Network;
  readonly options: SensitivityOptions;
}

export type SensitivityResponse =
  | { readonly id: number; readonly ok: true; readonly report: SensitivityReport }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly problems: readonly Problem[] | null };

if (parentPort) {
  const port = parentPort;
  port.on('message', (req: SensitivityRequest) => {
    void (async () => {
      try {
        const report = await sensitivity(req.scenario, req.network, req.options);
        port.postMessage({ id: req.id, ok: true, report } satisfies SensitivityResponse);
      } catch (e) {
        port.postMessage({
          id: req.id,
          ok: false,
          message: e instanceof Error ? e.message : String(e),
          problems: e instanceof ScenarioProblemsError ? e.problems : null,
        } satisfies SensitivityResponse);
      }
    })();
  });
  port.postMessage({ ready: true });
}
