/**
 * Bounded work with the real CPU pool: a time limit stops the whole run (model build included) and
 * the plan reads `timedout`; an aborted signal stops the run and the pool carries on; DELETE of an
 * in-process job reads cancelled at once and its pool work stops. Waits are on events or polls with
 * a deadline, never sleep-then-act; no wall-clock assertions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { optimise } from '../../server/optimise.ts';
import { stoppedPlan } from '../../server/core/pipeline.ts';
import { Scenario } from '../../server/core/schema.ts';
import { closePool, poolStats } from '../../server/pool/pool.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { asPlanner, loadRealModel, testApp } from './helpers.ts';
import { until } from '../jobs/helpers.ts';

afterAll(closePool);

const large = generateNetwork(200_000, 4, { plants: 40 });
const largeScenario = (timeLimitMs: number) => Scenario.parse({ name: 'large', horizon: { kind: large.horizon }, timeLimitMs });
const small = Scenario.parse({ name: 'Phase 1', phase: 1 });

describe('the pool bounds every run', () => {
  it('a run past its time limit (building a 200k-variable model) comes back timedout, and the pool carries on', async () => {
    const plan = await optimise(largeScenario(50), large.network);
    expect(plan.status).toBe('timedout');
    expect(plan.message).toMatch(/time limit/);
    // The hash the thread told before it built the model is the one of the inputs.
    expect(plan.inputsHash).toBe(stoppedPlan(largeScenario(50), large.network, 'timedout', '', 0).inputsHash);
    expect((await optimise(small, loadDefaultNetwork())).status).toBe('optimal');
  });

  it('an aborted signal stops a run in flight (AbortError) and the pool carries on', async () => {
    const controller = new AbortController();
    const run = optimise(largeScenario(60_000), large.network, { signal: controller.signal });
    await until('the run to reach a thread', () => poolStats().threads > 0 && poolStats().queued === 0, 60_000);
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect((await optimise(small, loadDefaultNetwork())).status).toBe('optimal');
  });
});

describe('the check of a plan runs in its pool thread', () => {
  it('a route never checks on the event loop: a scenario with problems is a 422 listing them, a sound one a plan', async () => {
    const real = await loadRealModel();
    // The real optimiser, with the event loop's check made to fail if it were called.
    const app = await testApp({
      model: {
        ...real,
        checkScenario: () => {
          throw new Error('checked on the event loop');
        },
      },
    });
    const broken = structuredClone(loadDefaultNetwork());
    broken.legs[0]!.to = 'atlantis';
    for (const body of [{ name: 'broken', network: broken }, { name: 'broken by id', overrides: { markets: { atlantis: { priceMultiplier: 2 } } } }]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: body });
      expect(res.statusCode).toBe(422);
      const expected = real.checkScenario(Scenario.parse(body), body.network ?? loadDefaultNetwork());
      expect(expected.length).toBeGreaterThan(0);
      expect(res.json().error).toMatchObject({ code: 'unprocessable_model', message: `The scenario cannot be a model: ${expected.length} problem${expected.length === 1 ? '' : 's'}` });
      expect(res.json().error.details).toEqual(expected.map((p) => ({ path: [...p.path], message: p.message })));
    }
    // A stored scenario's run: refused the same way, and nothing stored.
    const stored = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: { name: 'broken', network: broken } });
    expect(stored.statusCode).toBe(201);
    const run = await app.inject({ method: 'POST', url: `/api/v1/scenarios/${stored.json().id}/runs`, headers: asPlanner });
    expect(run.statusCode).toBe(422);
    expect((await app.inject({ method: 'GET', url: `/api/v1/scenarios/${stored.json().id}/runs`, headers: asPlanner })).json().total).toBe(0);
    expect((await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: { name: 'sound' } })).json().status).toBe('optimal');
    await app.close();
  });
});

describe('jobs', () => {
  it('DELETE of a running Monte Carlo job reads cancelled at once and its pool work stops', async () => {
    const app = await testApp();
    const body = { scenario: { name: 'Phase 2', phase: 2 }, draws: 200_000, seed: 3, uncertainties: [{ parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: 0.1 } }] };
    const started = await app.inject({ method: 'POST', url: '/api/v1/analysis/montecarlo', headers: asPlanner, payload: body });
    expect(started.statusCode).toBe(202);
    const self = started.json().links.self as string;
    await until('draws under way', async () => (await app.inject({ method: 'GET', url: self, headers: asPlanner })).json().progress.done > 0, 30_000);
    const cancelled = await app.inject({ method: 'DELETE', url: self, headers: asPlanner });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', error: 'the job was cancelled' });
    const done = cancelled.json().progress.done as number;
    // Its chunks leave the pool (queued ones dropped, running ones' threads stopped) ...
    await until('the pool to empty', () => poolStats().queued === 0, 1_000);
    // ... and the job stays cancelled with the progress it had.
    const later = (await app.inject({ method: 'GET', url: self, headers: asPlanner })).json();
    expect(later).toMatchObject({ status: 'cancelled' });
    expect(later.progress.done).toBe(done);
    await app.close();
  });
});
