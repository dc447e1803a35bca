/**
 * A large body to POST /optimise is read in the pool thread that plans it, never parsed or validated
 * on the event loop, and answers exactly as a small body does: the same plan, the same 400s and
 * 422s, the same stopped plan at the time limit (read by the thread, or, for a request stopped while
 * still queued, on the event loop). A body is made large by padding it with whitespace, which JSON
 * ignores, so each large body has a small twin to compare with.
 */
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFERRED_BODY_CHARS, topLevelNumber, valueAt } from '../../server/api/body-text.ts';
import { ANALYSIS_BODIES } from '../../server/api/analysis-requests.ts';
import { Scenario } from '../../server/core/schema.ts';
import { stoppedPlan } from '../../server/core/pipeline.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise, optimiseBodyWithJson } from '../../server/optimise.ts';
import { closePool, poolThreads } from '../../server/pool/pool.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';
import { asPlanner, testApp } from './helpers.ts';

let app: FastifyInstance;
let capped: FastifyInstance;

beforeAll(async () => {
  app = await testApp();
  // A cap the default network's annual model is over: the size refusal.
  capped = await testApp({ maxModelVariables: 50 });
});

afterAll(async () => {
  await app.close();
  await capped.close();
  await closePool();
});

/** The same JSON with whitespace before its last character: past the deferral threshold. */
const padded = (json: string) => `${json.slice(0, -1)}${' '.repeat(DEFERRED_BODY_CHARS)}${json.slice(-1)}`;

const post = (target: FastifyInstance, payload: string, headers: Record<string, string> = {}) =>
  target.inject({ method: 'POST', url: '/api/v1/optimise', headers: { ...asPlanner, 'content-type': 'application/json', ...headers }, payload });

/** A large body refused exactly as its small twin: the same 4xx, the same error body. */
function expectSameRefusal(small: { statusCode: number; json(): unknown }, large: { statusCode: number; json(): unknown }): void {
  expect(small.statusCode).toBeGreaterThanOrEqual(400);
  expect(small.statusCode).toBeLessThan(500);
  expect(large.statusCode).toBe(small.statusCode);
  expect(large.json()).toEqual(small.json());
}

/** A plan without its timings (they differ from run to run). */
const withoutTimings = (body: string) => {
  const { solver, ...rest } = JSON.parse(body) as { solver: Record<string, unknown> };
  return { ...rest, solver: { ...solver, buildMs: 0, solveMs: 0, totalMs: 0 } };
};

describe('a large body is read in the pool', () => {
  it('plans the same as its small twin, and the event loop never validates it', async () => {
    const json = JSON.stringify({ name: 'Padded', phase: 1, policy: { domesticShare: 0.6, basis: 'sales' } });
    const small = await post(app, json);
    expect(small.statusCode).toBe(200);
    const validate = vi.spyOn(Scenario, 'safeParse');
    try {
      const large = await post(app, padded(json));
      expect(large.statusCode).toBe(200);
      expect(withoutTimings(large.body)).toEqual(withoutTimings(small.body));
      // The route's validator (Scenario.safeParse on the event loop) was not asked.
      expect(validate).not.toHaveBeenCalled();
    } finally {
      validate.mockRestore();
    }
  });

  const refused = [
    ['not JSON', '{"name": '],
    ['a forbidden key', '{"name": "x", "__proto__": {"polluted": 1}}'],
    ['a NUL in a string', '{"name": "x\\u0000y"}'],
    ['a lone surrogate in a key', '{"name": "x", "overrides": {"\\ud800": 1}}'],
    ['a schema error', '{"name": "x", "phase": "two", "policy": {"domesticShare": 1.5}}'],
    ['an unknown key', '{"name": "x", "overrides": {"marketPrices": {"nowhere": 1}}}'],
    ['a scenario that cannot be a model', '{"name": "x", "overrides": {"markets": {"nowhere": {"priceMultiplier": 1.1}}}}'],
    ['only whitespace', ' '],
    ['a time limit below the minimum', '{"name": "x", "timeLimitMs": 5}'],
    ['a key whose escape does not decode', '{"name": "x", "a\\q": 1}'],
    ['a time limit that is no integer', '{"name": "x", "timeLimitMs": 12.5}'],
  ] as const;

  it.each(refused)('refuses %s with the answer its small twin gets', async (_what, json) => {
    expectSameRefusal(await post(app, json), await post(app, padded(json)));
  });

  it('refuses a model over the size cap (422) as its small twin is refused', async () => {
    const json = JSON.stringify({ name: 'Over the cap', phase: 1 });
    const small = await post(capped, json);
    const large = await post(capped, padded(json));
    expect(small.statusCode).toBe(422);
    expect(large.statusCode).toBe(422);
    expect(large.json()).toEqual(small.json());
  });

  it('an Idempotency-Key replays a large body and refuses other text under the same key', async () => {
    const json = padded(JSON.stringify({ name: 'Idempotent', phase: 1 }));
    const first = await post(app, json, { 'idempotency-key': 'deferred-1' });
    const again = await post(app, json, { 'idempotency-key': 'deferred-1' });
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    const other = await post(app, `${json} `, { 'idempotency-key': 'deferred-1' });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
  });
});

const large = generateNetwork(200_000, 5, { plants: 40 });

describe('the time limit of a body read in the pool', () => {
  const text = (timeLimitMs: number) => JSON.stringify({ name: 'Large, read in the pool', horizon: { kind: large.horizon }, network: large.network, timeLimitMs });
  const expectedHash = (timeLimitMs: number) =>
    stoppedPlan(Scenario.parse(JSON.parse(text(timeLimitMs))), large.network, 'timedout', '', 0).inputsHash;

  it('stops a run past the limit its body gives: a timedout plan with the inputs hash of that body', async () => {
    const res = await post(app, text(50));
    expect(res.statusCode).toBe(200);
    const plan = res.json();
    expect(plan.status).toBe('timedout');
    expect(plan.scenarioName).toBe('Large, read in the pool');
    expect(plan.inputsHash).toBe(expectedHash(50));
  });

  it('stops a request still queued at its limit, and answers the same stopped plan', async () => {
    // Every thread given a long run first (posted to the pool as each call starts), so the body's
    // task waits in the queue, behind them, past its limit.
    const busy = new AbortController();
    const long = Scenario.parse({ name: 'Busy', horizon: { kind: large.horizon }, timeLimitMs: 60_000 });
    // A network object of its own for each, so that each task carries its network (networks.ts: a
    // network already sent goes by its id, and a thread without it sends the task back to the queue).
    const runs = Array.from({ length: poolThreads() }, () => optimise(long, structuredClone(large.network), { signal: busy.signal }).catch(() => null));
    try {
      const answer = await optimiseBodyWithJson({ text: text(100), maxSolveMs: 20_000, maxModelVariables: 250_000 }, loadDefaultNetwork(), { provisionalLimitMs: 100 });
      // Stopped in the queue: no thread read it, so no thread's timing came back with it.
      expect(answer.timing).toBeUndefined();
      expect(answer.plan.status).toBe('timedout');
      expect(answer.plan.scenarioName).toBe('Large, read in the pool');
      expect(answer.plan.inputsHash).toBe(expectedHash(100));
    } finally {
      busy.abort();
      await Promise.all(runs);
    }
  });
});

describe('topLevelNumber, the time-limit hint read before the body is parsed', () => {
  const key = 'timeLimitMs';
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.oneof(fc.string(), fc.constant(key)), tie('value'), { maxKeys: 4 }),
  }));

  it('gives what JSON.parse gives the top-level key when it is a number, else nothing', () => {
    fc.assert(
      fc.property(json.object, fc.option(fc.integer({ min: 10, max: 600_000 })), fc.boolean(), (object, limit, pretty) => {
        const body = limit === null ? object : { ...object, [key]: limit };
        const text = JSON.stringify(body, null, pretty ? 2 : undefined);
        const parsed = (JSON.parse(text) as Record<string, unknown>)[key];
        expect(topLevelNumber(text, key)).toBe(typeof parsed === 'number' ? parsed : undefined);
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads escaped keys, skips strings that look like keys, and keeps the last of duplicates', () => {
    expect(topLevelNumber('{"time\\u004cimitMs": 12}', key)).toBe(12);
    expect(topLevelNumber('{"name": "\\"timeLimitMs\\": 4", "b": 1}', key)).toBeUndefined();
    expect(topLevelNumber('{"a": {"timeLimitMs": 5}, "timeLimitMs": 7}', key)).toBe(7);
    expect(topLevelNumber('{"timeLimitMs": 1, "timeLimitMs": 2}', key)).toBe(2);
    expect(topLevelNumber('[{"timeLimitMs": 1}]', key)).toBeUndefined();
    expect(topLevelNumber('{"x": "a\\\\", "timeLimitMs": 9}', key)).toBe(9);
  });
});

describe('a large body to an analysis answered in the request is read in the pool', () => {
  const scenario = { name: 'Analysed', phase: 1 };
  const routes = [
    ['sensitivity', { scenario, curvePoints: 3 }],
    ['alternatives', { scenario, tolerance: 0.02 }],
    ['contracts', { scenario }],
    ['phasing', { scenario, fromYear: 2027, toYear: 2029, phase2FromYear: 2028 }],
    ['phasing', { fromYear: 2027, toYear: 2028 }],
  ] as const;
  const postTo = (route: string, payload: string) =>
    app.inject({ method: 'POST', url: `/api/v1/analysis/${route}`, headers: { ...asPlanner, 'content-type': 'application/json' }, payload });

  it.each(routes)('%s: answers its small twin’s report, the event loop never validating it', async (route, body) => {
    const json = JSON.stringify(body);
    const small = await postTo(route, json);
    expect(small.statusCode).toBe(200);
    // The route's validator asks its body schema (the scenario's is nested in it).
    const validate = vi.spyOn(ANALYSIS_BODIES[route], 'safeParse');
    try {
      const large = await postTo(route, padded(json));
      expect(large.statusCode).toBe(200);
      expect(large.json()).toEqual(small.json());
      expect(validate).not.toHaveBeenCalled();
    } finally {
      validate.mockRestore();
    }
  });

  const refused = [
    ['sensitivity', '{"scenario": {"name": "x"}, "curvePoints": 99}'],
    ['sensitivity', '{"scenario": {"name": "x\\u0000"}}'],
    ['alternatives', '{"scenario": {"name": "x"}, "tolerance": "lots"}'],
    ['alternatives', '{"scenario": {"name": "x", "__proto__": {}}}'],
    ['contracts', '{"scenario": {"name": "x"}, "extra": 1}'],
    ['contracts', '{"scenario": {"name": "x", "overrides": {"markets": {"nowhere": {"priceMultiplier": 1.1}}}}}'],
    ['phasing', '{"fromYear": 2031, "toYear": 2027}'],
    ['phasing', '{"scenario": '],
    // A time limit the schema refuses is a 400 naming it, not a 422 time_limit for that limit.
    ['sensitivity', '{"scenario": {"name": "x", "timeLimitMs": -1000000}}'],
    ['alternatives', '{"scenario": {"name": "x", "timeLimitMs": 0}}'],
    ['contracts', '{"scenario": {"name": "x", "timeLimitMs": 2.5}}'],
    ['phasing', '{"scenario": {"name": "x", "timeLimitMs": -1}, "fromYear": 2027, "toYear": 2028}'],
    // A key whose escape does not decode: the body's parse says so, at the body's position.
    ['sensitivity', '{"scenario": {"name": "x", "a\\q": 1}}'],
  ] as const;

  it.each(refused)('%s refuses %s as its small twin is refused', async (route, json) => {
    expectSameRefusal(await postTo(route, json), await postTo(route, padded(json)));
  });

  it('refuses a multi-year plan over the size cap (422) as its small twin is refused', async () => {
    const json = JSON.stringify({ scenario: { name: 'Over the cap' }, fromYear: 2027, toYear: 2056 });
    const small = await capped.inject({ method: 'POST', url: '/api/v1/analysis/phasing', headers: { ...asPlanner, 'content-type': 'application/json' }, payload: json });
    const large = await capped.inject({ method: 'POST', url: '/api/v1/analysis/phasing', headers: { ...asPlanner, 'content-type': 'application/json' }, payload: padded(json) });
    expect(small.statusCode).toBe(422);
    expect(large.json()).toEqual(small.json());
  });

  it('stops an analysis at the limit its body gives (422 time_limit)', async () => {
    const res = await postTo('sensitivity', JSON.stringify({ scenario: { name: 'Large', horizon: { kind: large.horizon }, network: large.network, timeLimitMs: 50 }, curvePoints: 51 }));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('time_limit');
    expect(res.json().error.message).toMatch(/50 ms/);
    expect(res.json().error.message).toMatch(/raise the scenario's timeLimitMs/);
  });

  it("names the service's ceiling, not the scenario's limit, when MAX_SOLVE_MS set it", async () => {
    const ceiling = await testApp({ maxSolveMs: 50 });
    try {
      for (const body of [JSON.stringify({ scenario: { name: 'Large', horizon: { kind: large.horizon }, network: large.network, timeLimitMs: 30_000 }, curvePoints: 51 })]) {
        const res = await ceiling.inject({ method: 'POST', url: '/api/v1/analysis/sensitivity', headers: { ...asPlanner, 'content-type': 'application/json' }, payload: body });
        expect(res.statusCode).toBe(422);
        expect(res.json().error.code).toBe('time_limit');
        expect(res.json().error.message).toMatch(/ceiling of 50 ms \(MAX_SOLVE_MS\)/);
        expect(res.json().error.message).not.toMatch(/raise/);
      }
    } finally {
      await ceiling.close();
    }
  });
});

describe('valueAt, the nested time-limit hint', () => {
  it('finds a key under a key, not under an array or elsewhere', () => {
    expect(valueAt('{"scenario": {"timeLimitMs": 40, "network": {"timeLimitMs": 1}}}', ['scenario', 'timeLimitMs'])).toEqual({ found: true, number: 40 });
    expect(valueAt('{"other": {"timeLimitMs": 40}}', ['scenario', 'timeLimitMs'])).toEqual({ found: false });
    expect(valueAt('{"scenario": [{"timeLimitMs": 40}]}', ['scenario', 'timeLimitMs'])).toEqual({ found: false });
    expect(valueAt('{"scenario": {"name": "x"}}', ['scenario'])).toEqual({ found: true });
    expect(valueAt('{"scenario": {"timeLimitMs": "soon"}}', ['scenario', 'timeLimitMs'])).toEqual({ found: true });
  });
});
