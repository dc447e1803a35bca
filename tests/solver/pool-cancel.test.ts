/**
 * Cooperative cancellation of plans in the pool (server/pool/cancel.ts, runTask's `cancel`): the
 * caller whose client went away is answered at once, and a running plan ends at its next step rather
 * than having its thread stopped and replaced by a cold one. Waits are polls with a deadline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cancelTask, claimTask, isCancelled, newCancelFlag, taskState } from '../../server/pool/cancel.ts';
import { poolStats, runTask } from '../../server/pool/pool.ts';
import { optimise } from '../../server/optimise.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { until } from '../jobs/helpers.ts';

afterAll(() => shutdownSolverPool());

describe('the flag', () => {
  it('a task claimed by its thread, then cancelled, reads cancelled and was running', () => {
    const flag = newCancelFlag();
    expect(taskState(flag)).toBe('queued');
    expect(claimTask(flag)).toBe(true);
    expect(taskState(flag)).toBe('running');
    expect(isCancelled(flag)).toBe(false);
    expect(cancelTask(flag)).toBe(true);
    expect(isCancelled(flag)).toBe(true);
  });

  it('a task cancelled before a thread starts it cannot be claimed', () => {
    const flag = newCancelFlag();
    expect(cancelTask(flag)).toBe(false);
    expect(claimTask(flag)).toBe(false);
    expect(taskState(flag)).toBe('cancelled');
  });
});

describe('a plan whose caller goes away while it runs', () => {
  it('answers the caller at once and ends on its own: its thread is kept, and the next plans run', async () => {
    const base = loadDefaultNetwork();
    const small = Scenario.parse({ name: 'after a cancel' });
    await optimise(small, base);
    const threadsBefore = poolStats().threadIds;
    expect(threadsBefore.length).toBeGreaterThan(0);

    // A model large enough that its build is still under way when the caller goes away.
    const large = generateNetwork(60_000, 5, { plants: 20 });
    const scenario = Scenario.parse({ name: 'cancelled', horizon: { kind: large.horizon }, timeLimitMs: 120_000 });
    const cancel = newCancelFlag();
    const controller = new AbortController();
    const task = { scenario, network: { id: 'cancelled-plan', network: large.network, keep: false }, options: {}, deadline: Date.now() + 120_000, json: true, cancel };
    // A grace longer than any plan here: the thread is kept only if the plan ends by itself.
    const asked = runTask('plan', task, { signal: controller.signal, cancel, cancelGraceMs: 300_000 });
    await until('a thread to start the plan', () => taskState(cancel) === 'running', 60_000);
    controller.abort();
    await expect(asked).rejects.toMatchObject({ name: 'AbortError' });

    // Two plans at once: one waits for the cancelled plan's thread, which frees once that plan ends.
    const plans = await Promise.all([optimise(small, base), optimise(small, base)]);
    expect(plans.map((p) => p.status)).toEqual(['optimal', 'optimal']);
    expect(poolStats().threadIds).toEqual(threadsBefore);
  });
});
