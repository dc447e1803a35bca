/**
 * The in-page optimiser as the page calls it: in a web worker (a Vite module worker), so a solve never
 * blocks the main thread; on the main thread only where workers are unavailable (no `Worker`, or the
 * module worker fails to start). Same pipeline and engine either way, so the same plan.
 */
import type { Plan } from '../../server/core/plan-schema.ts';
import type { InBrowserOptions } from '../../server/core/optimise-browser.ts';
import type { Network, Scenario } from '../../server/core/schema.ts';
import type { FromWorker, ToWorker } from './optimiser-protocol.ts';

export type BrowserOptimiser = (scenario: Scenario, network: Network, options?: InBrowserOptions) => Promise<Plan>;

export interface InPageOptimiser {
  solve: BrowserOptimiser;
  /** Where the next solve runs. */
  readonly where: 'worker' | 'main';
}

/** The main-thread optimiser, loaded on first use (it is most of the page's JavaScript). */
let mainThread: Promise<BrowserOptimiser> | null = null;
function loadMainThread(): Promise<BrowserOptimiser> {
  mainThread ??= import('../../server/core/optimise-browser.ts').then((m) => m.createLiveOptimiser());
  return mainThread;
}

/** Thrown inside the client when the worker could not start: the solve is retried on the main thread. */
class WorkerUnavailable extends Error {}

export function createInPageOptimiser(): InPageOptimiser {
  let worker: Worker | null = null;
  if (typeof Worker !== 'undefined') {
    try {
      worker = new Worker(new URL('./optimiser.worker.ts', import.meta.url), { type: 'module', name: 'caspian-optimiser' });
    } catch {
      worker = null;
    }
  }
  if (!worker) void loadMainThread();
  const pending = new Map<number, { resolve(plan: Plan): void; reject(err: Error): void }>();
  let nextId = 1;
  let sentNetwork: Network | null = null;
  let networkId = 0;

  function giveUpOnWorker(): void {
    worker?.terminate();
    worker = null;
    for (const p of pending.values()) p.reject(new WorkerUnavailable('the optimiser worker could not start'));
    pending.clear();
  }

  if (worker) {
    worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
      const answer = event.data;
      const p = pending.get(answer.id);
      if (!p) return;
      pending.delete(answer.id);
      if (answer.ok) p.resolve(answer.plan);
      else p.reject(new Error(answer.message));
    });
    // A module worker that fails to load or throws outside a solve: fall back to the main thread.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      giveUpOnWorker();
    });
    worker.addEventListener('messageerror', () => giveUpOnWorker());
  }

  function solveInWorker(w: Worker, scenario: Scenario, network: Network, options: InBrowserOptions): Promise<Plan> {
    if (network !== sentNetwork) {
      networkId += 1;
      sentNetwork = network;
      w.postMessage({ kind: 'network', networkId, network } satisfies ToWorker);
    }
    const id = nextId++;
    return new Promise<Plan>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage({ kind: 'solve', id, networkId, scenario, options } satisfies ToWorker);
    });
  }

  return {
    get where() {
      return worker ? 'worker' : 'main';
    },
    async solve(scenario, network, options = {}) {
      if (worker) {
        try {
          return await solveInWorker(worker, scenario, network, options);
        } catch (err) {
          if (!(err instanceof WorkerUnavailable)) throw err;
        }
      }
      const optimise = await loadMainThread();
      return optimise(scenario, network, options);
    },
  };
}
