/**
 * Admission control: a bounded queue of heavy work per caller and in all (503 with Retry-After),
 * one solve budget per caller across every solving route that refused requests do not use up, a
 * model-size cap checked from the body before anything is built, and the client-gone signal
 * reaching the optimiser. Every wait is on an event, never a sleep.
 */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ModelServices } from '../../server/api/solve.ts';
import { asPlanner, asViewer, fakePlan, loadRealModel, SCENARIO, testApp } from './helpers.ts';

/** A model whose solves wait until released; `entered` resolves once `n` solves are waiting. */
async function gatedModel() {
  const real = await loadRealModel();
  const waiting: { release: () => void; signal?: AbortSignal }[] = [];
  const watchers: { n: number; resolve: () => void }[] = [];
  let calls = 0;
  const model: ModelServices = {
    ...real,
    optimise: (scenario, _network, options) =>
      new Promise((resolve, reject) => {
        calls++;
        waiting.push({ release: () => resolve(fakePlan(scenario)), signal: options?.signal });
        options?.signal?.addEventListener('abort', () => reject(Object.assign(new Error('cancelled'), { name: 'AbortError' })));
        for (const w of watchers.filter((w) => waiting.length >= w.n)) w.resolve();
      }),
  };
  return {
    model,
    calls: () => calls,
    waiting,
    entered: (n: number) => new Promise<void>((resolve) => (waiting.length >= n ? resolve() : watchers.push({ n, resolve }))),
    releaseAll: () => {
      for (const w of waiting.splice(0)) w.release();
    },
  };
}

const post = (url: string, headers: Record<string, string>, payload: unknown = SCENARIO) => ({ method: 'POST' as const, url, headers, payload: payload as object });

describe('bounded queue of heavy work', () => {
  it('503 with Retry-After past the per-caller and the total limits, never a wait; places come back', async () => {
    const gate = await gatedModel();
    const app = await testApp({ model: gate.model, queueLimits: { perKey: 2, total: 3 } });
    const first = [app.inject(post('/api/v1/optimise', asPlanner)), app.inject(post('/api/v1/optimise', asPlanner))];
    await gate.entered(2);
    const mine = await app.inject(post('/api/v1/optimise', asPlanner));
    expect(mine.statusCode).toBe(503);
    expect(mine.json().error.code).toBe('overloaded');
    expect(Number(mine.headers['retry-after'])).toBeGreaterThan(0);
    // Another caller still has room, up to the total.
    const other = app.inject(post('/api/v1/optimise', asViewer));
    await gate.entered(3);
    const anonymous = await app.inject(post('/api/v1/optimise', {}));
    expect([401, 503]).toContain(anonymous.statusCode);
    const full = await app.inject(post('/api/v1/optimise', asViewer));
    expect(full.statusCode).toBe(503);
    expect(full.headers['retry-after']).toBeDefined();
    gate.releaseAll();
    expect((await Promise.all([...first, other])).map((r) => r.statusCode)).toEqual([200, 200, 200]);
    // Places given back: the planner may solve again.
    const again = app.inject(post('/api/v1/optimise', asPlanner));
    await gate.entered(1);
    gate.releaseAll();
    expect((await again).statusCode).toBe(200);
    await app.close();
  });
});

describe('one solve budget per caller', () => {
  it('is shared by every solving route; bodies refused with 400 or 422 do not use it', async () => {
    const app = await testApp({ rateLimit: { max: 2, timeWindowMs: 60_000 } });
    // Refused: not counted.
    expect((await app.inject(post('/api/v1/optimise', asPlanner, { name: 1 }))).statusCode).toBe(400);
    const unknownLeg = { ...SCENARIO, overrides: { legs: { 'no-such-leg': { usdPerTonneKm: 0.01 } } } };
    expect((await app.inject(post('/api/v1/optimise', asPlanner, unknownLeg))).statusCode).toBe(422);
    expect((await app.inject(post('/api/v1/analysis/sensitivity', asPlanner, { scenario: unknownLeg }))).statusCode).toBe(422);
    // Two solves on two routes use the budget up ...
    expect((await app.inject(post('/api/v1/optimise', asPlanner))).statusCode).toBe(200);
    expect((await app.inject(post('/api/v1/analysis/contracts', asPlanner, { scenario: SCENARIO }))).statusCode).toBe(200);
    // ... and a third route is refused.
    const limited = await app.inject(post('/api/v1/analysis/sensitivity', asPlanner, { scenario: SCENARIO }));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key has its own budget.
    expect((await app.inject(post('/api/v1/optimise', asViewer))).statusCode).toBe(200);
    await app.close();
  });
});

describe('model-size cap', () => {
  it('a model over the cap is 422 before anything is built or solved', async () => {
    const gate = await gatedModel();
    const app = await testApp({ model: gate.model, maxModelVariables: 100 });
    const res = await app.inject(post('/api/v1/optimise', asPlanner));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/more than 100 variables/);
    expect(gate.calls()).toBe(0);
    for (const url of ['/api/v1/analysis/sensitivity', '/api/v1/analysis/contracts', '/api/v1/analysis/alternatives', '/api/v1/analysis/sweeps']) {
      const body = url.endsWith('sweeps') ? { scenario: SCENARIO, axes: [{ parameter: 'exportPriceMultiplier', from: 0.9, to: 1.1, steps: 3 }] } : { scenario: SCENARIO };
      const r = await app.inject(post(url, asPlanner, body));
      expect([url, r.statusCode]).toEqual([url, 422]);
    }
    await app.close();
  });

  it("phasing is sized as the multi-year model it builds: refused at the route, before the pool, when the years take it over the cap", async () => {
    // The default network's annual model has 171 variables: each year of a phasing plan adds as many.
    const app = await testApp({ maxModelVariables: 1_000 });
    const over = await app.inject(post('/api/v1/analysis/phasing', asPlanner, { scenario: SCENARIO, fromYear: 2027, toYear: 2056 }));
    expect(over.statusCode).toBe(422);
    // The route's own refusal (counted from the body), not the model check a pool thread would make.
    expect(over.json().error.message).toMatch(/more than 1,000 variables \(the service's limit\)/);
    expect(over.json().error.details).toEqual([{ path: ['horizon'], message: expect.stringMatching(/more than 1,000 variables/) }]);
    const under = await app.inject(post('/api/v1/analysis/phasing', asPlanner, { scenario: SCENARIO, fromYear: 2027, toYear: 2031 }));
    expect(under.statusCode).toBe(200);
    expect(under.json().years).toEqual([2027, 2028, 2029, 2030, 2031]);
    await app.close();
  });
});

describe('a client that goes away', () => {
  it('aborts its solve (real socket)', async () => {
    const gate = await gatedModel();
    const app = await testApp({ model: gate.model });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const controller = new AbortController();
    const request = fetch(`http://127.0.0.1:${port}/api/v1/optimise`, {
      method: 'POST',
      headers: { ...asPlanner, 'content-type': 'application/json' },
      body: JSON.stringify(SCENARIO),
      signal: controller.signal,
    }).catch((e: unknown) => e);
    await gate.entered(1);
    const signal = gate.waiting[0]!.signal!;
    const aborted = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve())));
    controller.abort();
    await aborted;
    expect(signal.aborted).toBe(true);
    await request;
    await app.close();
  });
});
