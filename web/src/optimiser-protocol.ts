/**
 * Messages between the page and the optimiser worker (web/src/optimiser.worker.ts). The network is
 * sent once per network (it is large); each solve sends its scenario and an id, and the answer
 * carries the same id so the page can tell a stale answer from the newest.
 */
import type { Plan } from '../../server/core/plan-schema.ts';
import type { InBrowserOptions } from '../../server/core/optimise-browser.ts';
import type { Network, Scenario } from '../../server/core/schema.ts';

export type ToWorker = { kind: 'network'; networkId: number; network: Network } | { kind: 'solve'; id: number; networkId: number; scenario: Scenario; options: InBrowserOptions };

export type FromWorker = { id: number; ok: true; plan: Plan } | { id: number; ok: false; message: string };
