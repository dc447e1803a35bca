/**
 * An Idempotency-Key across a database outage: the database goes away while a keyed request is
 * being served, so its claim can be neither released (the request failed) nor completed (it
 * succeeded). The answer is still the API's own (a 503 `store_unavailable` in the documented shape,
 * nothing of the connection in it; or the request's 2xx), and once the database is back a retry with
 * the same key runs again or is replayed, instead of a 409 "still running" until the claim goes stale.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openSqliteStore } from '../../server/store/sqlite.ts';
import { StoreUnavailableError, type Store } from '../../server/store/store.ts';
import type { ModelServices } from '../../server/api/solve.ts';
import { until } from '../jobs/helpers.ts';
import { asPlanner, fakePlan, loadRealModel, SCENARIO, testApp } from './helpers.ts';

/** A store that can be switched off: then every call fails as the PostgreSQL store's do when it cannot connect. */
function switchableStore(): Store & { down: boolean } {
  const inner = openSqliteStore({ path: ':memory:' });
  const state = { down: false };
  return new Proxy(inner as unknown as Store & { down: boolean }, {
    get(target, name, receiver) {
      if (name === 'down') return state.down;
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || name === 'close') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        if (state.down) throw new StoreUnavailableError('the database is not reachable: connect ECONNREFUSED 127.0.0.1:55431');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
    set(_target, name, value) {
      if (name !== 'down') return false;
      state.down = value as boolean;
      return true;
    },
  });
}

/** A model whose solves wait until the test lets them answer; `started` counts the solves begun. */
async function heldModel(): Promise<ModelServices & { started: number; release(): void }> {
  const real = await loadRealModel();
  let release!: () => void;
  let held = new Promise<void>((resolve) => (release = resolve));
  const model = {
    ...real,
    started: 0,
    release() {
      release();
      held = new Promise<void>((resolve) => (release = resolve));
    },
    optimise: async (scenario: { name: string }) => {
      model.started++;
      await held;
      return fakePlan(scenario);
    },
  };
  return model as unknown as ModelServices & { started: number; release(): void };
}

const expectStoreUnavailable = (res: { statusCode: number; headers: Record<string, unknown>; body: string; json(): unknown }) => {
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('1');
  expect(res.json()).toEqual({ error: { code: 'store_unavailable', message: 'The database is not reachable right now; retry shortly' } });
  expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|55431/);
};

describe('an Idempotency-Key across a database outage', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('a run whose store write failed: a 503 in the API shape, and its retry runs once the database is back', async () => {
    const store = switchableStore();
    const model = await heldModel();
    app = await testApp({ store, model });
    const created = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO });
    expect(created.statusCode).toBe(201);
    const url = `/api/v1/scenarios/${created.json().id}/runs`;
    const headers = { ...asPlanner, 'idempotency-key': 'run-across-outage' };

    const first = app.inject({ method: 'POST', url, headers });
    await until('the solve to start', () => model.started === 1, 30_000);
    store.down = true; // the database goes away while the run is solved
    model.release();
    expectStoreUnavailable(await first);

    // Still down: the retry is the same 503, not a 409.
    expectStoreUnavailable(await app.inject({ method: 'POST', url, headers }));

    store.down = false;
    const retry = app.inject({ method: 'POST', url, headers });
    await until('the retry to solve', () => model.started === 2, 30_000);
    model.release();
    const res = await retry;
    expect(res.statusCode).toBe(201);
    const runs = await app.inject({ method: 'GET', url, headers: asPlanner });
    expect(runs.json().total).toBe(1);
    // And a repeat now replays the stored run.
    const again = await app.inject({ method: 'POST', url, headers });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(res.json().id);
  });

  it('a one-off solve whose answer could not be kept: the 200 is sent, and kept once the database is back', async () => {
    const store = switchableStore();
    const model = await heldModel();
    app = await testApp({ store, model });
    const headers = { ...asPlanner, 'idempotency-key': 'solve-across-outage' };

    const first = app.inject({ method: 'POST', url: '/api/v1/optimise', headers, payload: SCENARIO });
    await until('the solve to start', () => model.started === 1, 30_000);
    store.down = true;
    model.release();
    const res = await first;
    expect(res.statusCode).toBe(200);
    expect(res.json().scenarioName).toBe(SCENARIO.name);

    store.down = false;
    // Kept in the background within a second or two, or else before the retry's own claim: replayed either way.
    const again = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers, payload: SCENARIO });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(res.body);
    expect(model.started).toBe(1);
  });

  it('a claim left behind is released in the background once the database is back', async () => {
    const store = switchableStore();
    const model = await heldModel();
    app = await testApp({ store, model });
    const created = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO });
    const url = `/api/v1/scenarios/${created.json().id}/runs`;
    const first = app.inject({ method: 'POST', url, headers: { ...asPlanner, 'idempotency-key': 'left-behind' } });
    await until('the solve to start', () => model.started === 1, 30_000);
    store.down = true;
    model.release();
    expectStoreUnavailable(await first);
    store.down = false;
    // Another process sees the store only: the claim must go from there without this process being asked.
    const claim = () => store.claimIdempotencyKey('key_planner', 'left-behind', 'another request', { ttlMs: 60_000, staleAfterMs: 60_000 });
    await until('the claim to be released', async () => (await claim()).state !== 'in_progress', 30_000);
  });
});
