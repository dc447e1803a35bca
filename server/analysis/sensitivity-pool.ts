/**
 * Sensitivity off the event loop: `sensitivityInThread` runs the report in a worker thread
 * (0.15–0.4 s of solves on the default network, all of it in one thread), so /health and every
 * other request are answered meanwhile. A small pool of persistent threads (the solver pool's
 * size), kept warm between requests and not holding the process open when idle; a thread that dies
 * fails its request and is replaced. Same bootstrap pattern as server/solver/solve.ts.
 */
import { Worker } from 'node:worker_threads';
import type { Network, Scenario } from '../core/schema.ts';
import { POOL_SIZE } from '../solver/solve.ts';
import { ScenarioProblemsError } from './common.ts';
import type { SensitivityOptions, SensitivityReport } from './sensitivity.ts';
import type { SensitivityRequest, SensitivityResponse } from './sensitivity-worker.ts';

interface Task {
  readonly id: number;
  readonly scenario: Scenario;
  readonly network: Network;
  readonly options: SensitivityOptions;
  readonly resolve: (report: SensitivityReport) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  task: Task | null;
}

const slots: Slot[] = [];
const queue: Task[] = [];
let nextId = 1;
let startupFailures = 0;

function spawn(): Slot {
  const worker = new Worker(new URL('./sensitivity-worker-bootstrap.mjs', import.meta.url));
  worker.unref();
  const slot: Slot = { worker, ready: false, task: null };
  worker.on('message', (msg: SensitivityResponse | { ready: true }) => {
    if ('ready' in msg) {
      slot.ready = true;
      startupFailures = 0;
      pump();
      return;
    }
    const task = slot.task;
    if (!task || task.id !== msg.id) return;
    slot.task = null;
    slot.worker.unref();
    if (msg.ok) task.resolve(msg.report);
    else task.reject(msg.problems ? new ScenarioProblemsError(msg.problems) : new Error(msg.message));
    pump();
  });
  const retire = (message: string) => {
    const i = slots.indexOf(slot);
    if (i < 0) return;
    slots.splice(i, 1);
    if (!slot.ready) startupFailures++;
    const task = slot.task;
    slot.task = null;
    task?.reject(new Error(message));
    if (startupFailures >= 3) {
      startupFailures = 0;
      for (const q of queue.splice(0)) q.reject(new Error(`${message}; sensitivity threads cannot start`));
      return;
    }
    pump();
  };
  worker.on('error', (e) => retire(`the sensitivity thread failed: ${e.message}`));
  worker.on('exit', (code) => retire(`the sensitivity thread exited (code ${code})`));
  slots.push(slot);
  return slot;
}

function pump(): void {
  if (queue.length > 0) while (slots.length < POOL_SIZE) spawn();
  for (const slot of slots) {
    if (queue.length === 0) break;
    if (!slot.ready || slot.task) continue;
    const task = queue.shift()!;
    slot.task = task;
    slot.worker.ref();
    const req: SensitivityRequest = { id: task.id, scenario: task.scenario, network: task.network, options: task.options };
    slot.worker.postMessage(req);
  }
  for (const s of slots) if (!s.task && !(queue.length > 0 && !s.ready)) s.worker.unref();
}

/** `sensitivity(scenario, network, options)` in a worker thread. Rejects as `sensitivity` does (ScenarioProblemsError, Error). */
export function sensitivityInThread(scenario: Scenario, network: Network, options: SensitivityOptions = {}): Promise<SensitivityReport> {
  return new Promise<SensitivityReport>((resolve, reject) => {
    queue.push({ id: nextId++, scenario, network, options, resolve, reject });
    pump();
  });
}

/** Terminates the threads (tests, shutdown); waiting requests fail. */
export async function shutdownSensitivityThreads(): Promise<void> {
  const all = slots.splice(0);
  for (const q of queue.splice(0)) q.reject(new Error('the sensitivity threads were shut down'));
  await Promise.all(
    all.map(async (s) => {
      s.worker.removeAllListeners('exit');
      s.worker.removeAllListeners('message');
      s.worker.on('error', () => {});
      s.task?.reject(new Error('the sensitivity threads were shut down'));
      s.task = null;
      await s.worker.terminate();
    }),
  );
}
