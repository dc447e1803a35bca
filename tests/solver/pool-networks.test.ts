/**
 * Networks sent to the pool's threads once (server/pool/networks.ts): the protocol, and plans through
 * the pool that stay the in-process plans of their own network however networks are interleaved.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { optimise } from '../../server/optimise.ts';
import { KEPT_NETWORKS, networkOf, withNetwork, type NetworkRef } from '../../server/pool/networks.ts';
import { Scenario, type Network } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { FrontLaneQueue, poolThreads, runTask, type QueuePlace } from '../../server/pool/pool.ts';
import { queueOptionsSymbol } from 'piscina';

afterAll(() => shutdownSolverPool());

const base = loadDefaultNetwork();
/** The default network with every plant's variable cost moved: another network, another plan. */
const costlier = (usdPerTonne: number): Network => ({ ...base, plants: base.plants.map((p) => ({ ...p, variableCostUsdPerTonne: p.variableCostUsdPerTonne + usdPerTonne })) });

describe('the protocol', () => {
  it('sends a network along the first time, then its id, and again with the network when a thread lacks it', async () => {
    const network = costlier(1);
    const seen: NetworkRef[] = [];
    const places: QueuePlace[] = [];
    let holds = false;
    const run = async (ref: NetworkRef, place: QueuePlace) => {
      seen.push(ref);
      places.push(place);
      // A thread that is told to keep it holds it from then on.
      if (ref.keep) holds = true;
      return ref.network || holds ? { ok: true } : { missingNetwork: true as const };
    };
    expect(await withNetwork(network, run)).toEqual({ ok: true });
    expect(seen[0]).toEqual({ id: seen[0]!.id, network, keep: false });
    expect(await withNetwork(network, run)).toEqual({ ok: true });
    expect(seen.slice(1)).toEqual([{ id: seen[0]!.id }, { id: seen[0]!.id, network, keep: true }]);
    expect(await withNetwork(network, run)).toEqual({ ok: true });
    expect(seen.slice(3)).toEqual([{ id: seen[0]!.id }]);
    // Only the task sent again, which has waited its turn once, goes to the front of the queue.
    expect(places).toEqual([{}, {}, { first: true }, {}]);
    // Another network object has another id.
    await withNetwork(costlier(1), run);
    expect(seen[4]!.id).not.toBe(seen[0]!.id);
  });

  it('a thread keeps the networks it is told to keep, the most recently used, and no others', () => {
    const networks = Array.from({ length: KEPT_NETWORKS + 1 }, (_, i) => costlier(i + 10));
    expect(networkOf({ id: 'once', network: networks[0]!, keep: false })).toBe(networks[0]);
    expect(networkOf({ id: 'once' })).toBeNull();
    for (const [i, n] of networks.entries()) expect(networkOf({ id: `kept-${i}`, network: n, keep: true })).toBe(n);
    // The oldest went when one too many came.
    expect(networkOf({ id: 'kept-0' })).toBeNull();
    for (let i = 1; i <= KEPT_NETWORKS; i++) expect(networkOf({ id: `kept-${i}` })).toBe(networks[i]);
  });
});

describe('the queue', () => {
  const task = (name: string, first?: boolean) => ({ name, [queueOptionsSymbol]: first === undefined ? null : { first } });
  type Queued = ReturnType<typeof task>;

  it('is first in, first out, with tasks sent first ahead of the rest in their own order', () => {
    const queue = new FrontLaneQueue();
    for (const t of [task('a'), task('b', false), task('again-1', true), task('c'), task('again-2', true)]) queue.push(t);
    expect(queue.size).toBe(5);
    const order: string[] = [];
    for (let t = queue.shift() as Queued | null; t; t = queue.shift() as Queued | null) order.push(t.name);
    expect(order).toEqual(['again-1', 'again-2', 'a', 'b', 'c']);
    expect(queue.size).toBe(0);
    expect(queue.shift()).toBeNull();
  });

  it('removes an aborted task from either lane', () => {
    const queue = new FrontLaneQueue();
    const tasks = [task('a'), task('again', true), task('b'), task('again-2', true)];
    for (const t of tasks) queue.push(t);
    queue.remove(tasks[1]!);
    queue.remove(tasks[2]!);
    expect(queue.size).toBe(2);
    expect((queue.shift() as Queued).name).toBe('again-2');
    expect((queue.shift() as Queued).name).toBe('a');
  });

  it('in the pool, a task sent first is the next to start of all the tasks waiting', async () => {
    // The order the pool takes tasks from its queue, by scenario name.
    const taken: string[] = [];
    const original = FrontLaneQueue.prototype.shift;
    const spy = vi.spyOn(FrontLaneQueue.prototype, 'shift').mockImplementation(function (this: FrontLaneQueue) {
      const t = original.call(this) as { task?: { scenario?: { name: string } } } | null;
      if (t?.task?.scenario) taken.push(t.task.scenario.name);
      return t as never;
    });
    try {
      const deadline = Date.now() + 60_000;
      const plan = (name: string, first: boolean) =>
        runTask('plan', { scenario: Scenario.parse({ name }), network: { id: `queue-${name}`, network: base, keep: false }, options: {}, deadline, json: true }, { first });
      // Every thread busy and four more waiting, then one sent first.
      const waiting = Array.from({ length: poolThreads() + 4 }, (_, i) => plan(`waiting-${i}`, false));
      const front = plan('front', true);
      for (const r of await Promise.all([...waiting, front])) expect('timing' in r).toBe(true);
      const waited = taken.filter((n) => n.startsWith('waiting-'));
      // Whatever the threads had not taken yet when it came, it went before all of it.
      expect(taken[0]).toBe('front');
      expect(waited.length).toBeGreaterThanOrEqual(4);
      expect(waited).toEqual([...waited].sort((a, b) => Number(a.slice(8)) - Number(b.slice(8))));
    } finally {
      spy.mockRestore();
    }
  });
});

describe('answers that cross an abort', () => {
  it('an answer for a task already aborted is dropped, not an uncaught error; other pool errors become warnings', async () => {
    const { onPoolError } = await import('../../server/pool/pool.ts');
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      expect(() => onPoolError(new Error('Unexpected message from Worker: { taskId: 2, result: { missingNetwork: true }, error: null }'))).not.toThrow();
      expect(() => onPoolError(new Error('something else'))).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual(['CPU pool: something else']);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('many tasks on one pool add no listeners to it (no leak warning)', async () => {
    const { runTask } = await import('../../server/pool/pool.ts');
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      // A fresh pool: the leak warning comes once per pool, at its eleventh listener.
      await shutdownSolverPool();
      const scenario = Scenario.parse({ name: 'listeners' });
      for (let i = 0; i < 15; i++) {
        expect(await runTask('plan', { scenario, network: { id: `nowhere-listeners-${i}` }, options: {}, deadline: Date.now() + 30_000, json: true })).toEqual({ missingNetwork: true });
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('tasks aborted while their thread answers leave the pool working', async () => {
    const { runTask, TaskAbortedError } = await import('../../server/pool/pool.ts');
    const scenario = Scenario.parse({ name: 'abort race' });
    let aborted = 0;
    for (let i = 0; i < 20; i++) {
      const controller = new AbortController();
      const asked = runTask('plan', { scenario, network: { id: `nowhere-${i}` }, options: {}, deadline: Date.now() + 10_000, json: true }, { signal: controller.signal });
      if (i % 2 === 0) queueMicrotask(() => controller.abort());
      else setImmediate(() => controller.abort());
      const outcome = await asked.then(
        (r) => r,
        (e: unknown) => e,
      );
      if (outcome instanceof TaskAbortedError) aborted += 1;
      else expect(outcome).toEqual({ missingNetwork: true });
    }
    expect(aborted).toBeGreaterThan(0);
    const plan = await optimise(scenario, base);
    expect(plan.status).toBe('optimal');
  });
});

describe('plans through the pool', () => {
  it('are the in-process plans of their own network, with networks interleaved past what a thread keeps', async () => {
    const scenario = Scenario.parse({ name: 'pool networks', engine: 'highs' });
    const networks = [base, ...Array.from({ length: KEPT_NETWORKS + 1 }, (_, i) => costlier(2 * (i + 1)))];
    const expected = await Promise.all(networks.map((n) => optimise(scenario, n, { inProcess: true })));
    // Distinct networks give distinct plans, so a stale network would show.
    expect(new Set(expected.map((p) => p.objectiveValue)).size).toBe(networks.length);
    for (let round = 0; round < 3; round++) {
      const plans = await Promise.all(networks.map((n) => optimise(scenario, n)));
      plans.forEach((plan, i) => {
        expect(plan.status).toBe('optimal');
        expect(plan.objectiveValue).toBeCloseTo(expected[i]!.objectiveValue!, 6);
        expect(plan.inputsHash).toBe(expected[i]!.inputsHash);
      });
    }
  });
});
