/**
 * The analyses the pool's `analysis` task runs (tasks.ts), as the event loop or a thread that read a
 * body asks for them (server/api/analysis-requests.ts).
 */
import type { PhasingRequest } from '../analysis/phasing.ts';
import type { SensitivityOptions } from '../analysis/sensitivity.ts';
import type { DrawTable, FastModel, SummaryRequest } from '../analysis/montecarlo.ts';
import type { Network, Scenario } from '../core/schema.ts';

export type AnalysisTask =
  | { readonly kind: 'sensitivity'; readonly scenario: Scenario; readonly network: Network; readonly options: SensitivityOptions }
  | { readonly kind: 'alternatives'; readonly scenario: Scenario; readonly network: Network; readonly tolerance?: number }
  | { readonly kind: 'contracts'; readonly scenario: Scenario; readonly network: Network }
  | { readonly kind: 'phasing'; readonly request: PhasingRequest; readonly network: Network }
  | { readonly kind: 'fast-model'; readonly scenario: Scenario; readonly network: Network }
  | { readonly kind: 'mc-summary'; readonly markets: FastModel['markets']; readonly request: SummaryRequest; readonly table: DrawTable };

