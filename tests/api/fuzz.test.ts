/**
 * Hostile bodies, ids and query strings against every route: wrong types, huge numbers, NaN
 * strings, deep nesting, prototype keys, unknown ids, giant arrays, invalid JSON. The service
 * must answer every one with a 2xx/4xx (never a 5xx) and quickly (never a hang). 10,000 requests in
 * all: 1,000 plan and scenario bodies, 1,200 scenario writes and runs, 3,000 reads, 3,000 analysis
 * bodies (FUZZ_ANALYSIS_RUNS for a longer run) and 1,800 raw URLs. Workbook uploads, the jobs' routes
 * and the other GET routes: tests/api/fuzz-routes.test.ts.
 */
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Network } from '../../server/core/schema.ts';
import { asPlanner, injectWithin, loadRealModel, SCENARIO, testApp } from './helpers.ts';

let app: FastifyInstance;
let network: Network;
let scenarioId: string;
let runId: string;

beforeAll(async () => {
  app = await testApp({ maxSolveMs: 2_000, publicRead: true });
  network = (await loadRealModel()).loadDefaultNetwork();
  scenarioId = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id;
  runId = (await app.inject({ method: 'POST', url: `/api/v1/scenarios/${scenarioId}/runs`, headers: asPlanner })).json().id;
});
afterAll(async () => {
  await app.close();
  if (process.env.FUZZ_STATS) console.log(Object.fromEntries([...statusCounts].sort()));
});

const PER_REQUEST_MS = 5_000;
/**
 * Each test sends thousands of requests one after another, so its time grows with the machine's
 * load: at load 15 (two spinning processes and other work beside the suite) the 3,000 analysis
 * bodies took over 300 s. The no-hang check is PER_REQUEST_MS per request; this is only a backstop.
 */
const FUZZ_TEST_TIMEOUT_MS = 1_200_000;
let solved = 0;
/** Status codes seen, per route pattern; FUZZ_STATS=1 prints them. */
const statusCounts = new Map<string, number>();

/**
 * Sends one request; fails on a 5xx or when no answer comes within PER_REQUEST_MS. A text body goes
 * as its UTF-8 bytes (the same bytes and headers inject would send): encoded once here, where inject would walk
 * a text built by concatenation (the deep bodies) once to measure it and again to send it.
 */
async function expectNo5xx(options: InjectOptions): Promise<void> {
  const { payload } = options;
  const res = await injectWithin(app, typeof payload === 'string' && payload !== '' ? { ...options, payload: Buffer.from(payload, 'utf8') } : options, PER_REQUEST_MS);
  if (res.statusCode >= 500) {
    throw new Error(`${options.method} ${options.url} → ${res.statusCode} ${res.body.slice(0, 300)}\nbody: ${String(options.payload).slice(0, 300)}`);
  }
  if (res.statusCode === 200 && options.url === '/api/v1/optimise') solved++;
  const key = `${options.method} ${String(options.url).split('?')[0]!.replace(/^\/api\/v1\/(scenarios|runs)\/[^/]+/, '/api/v1/$1/:id').replace(/^\/api\/v1\/(?!(scenarios|runs|optimise|compare|network)).*/, '/api/v1/(junk)')} ${res.statusCode}`;
  statusCounts.set(key, (statusCounts.get(key) ?? 0) + 1);
  expect(res.headers['content-type']).toBeDefined();
}

const hostileNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 5e-324, -0, 0.1, 1e21),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '0x10', '', ' 1 '),
);
const hostileValue = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true }) },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 50 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i)) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, [], {}, [[[[[]]]]]) },
);
const someId = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/),
  fc.constantFrom(...['plant_baiganin', 'aktau', 'baku', '__proto__', 'constructor', 'toString']),
);

/** A scenario with a few fields replaced by hostile values or references to unknown ids. */
const scenarioLike = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 300 }), hostileValue),
    phase: fc.oneof(fc.integer({ min: -3, max: 12 }), hostileValue),
    horizon: fc.oneof(
      fc.record({ kind: fc.constantFrom('annual', 'monthly', 'multi-year', 'weekly'), year: fc.integer({ min: 1990, max: 2200 }) }),
      fc.record({ kind: fc.constant('multi-year'), fromYear: fc.integer({ min: 1990, max: 2200 }), toYear: fc.integer({ min: 1990, max: 2200 }) }),
      hostileValue,
    ),
    policy: fc.oneof(fc.record({ domesticShare: hostileNumber, basis: fc.constantFrom('sales', 'production', 'x') }, { requiredKeys: [] }), hostileValue),
    objective: fc.oneof(fc.constantFrom('margin', 'min-cost', 'max-domestic', 'chaos'), hostileValue),
    overrides: fc.oneof(
      fc.record(
        {
          freightMultiplier: hostileNumber,
          legs: fc.dictionary(someId, fc.record({ capacityTonnesPerYear: fc.oneof(hostileNumber, fc.constant(null)), closedMonths: fc.array(fc.integer({ min: -1, max: 13 })) }, { requiredKeys: [] })),
          markets: fc.dictionary(someId, fc.record({ priceMultiplier: hostileNumber, minTonnesPerYear: hostileNumber }, { requiredKeys: [] })),
          plants: fc.dictionary(someId, fc.record({ capacityTonnesPerYearByPhase: fc.array(hostileNumber, { maxLength: 12 }) }, { requiredKeys: [] })),
        },
        { requiredKeys: [] },
      ),
      hostileValue,
    ),
    engine: fc.oneof(fc.constantFrom('auto', 'jsLpSolver', 'highs', 'glpk'), hostileValue),
    timeLimitMs: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), hostileValue),
    mip: fc.oneof(fc.record({ contracts: fc.boolean(), seaLots: fc.boolean() }), hostileValue),
    extra: hostileValue,
  },
  { requiredKeys: [] },
);

/**
 * The default network with one thing broken: unknown ids, negative or huge figures, giant arrays.
 * Only what is broken is copied; the rest is shared with the default network, which is never
 * written to (a deep copy per body cost more than the rest of its making).
 */
const brokenNetwork = fc
  .tuple(
    fc.constantFrom('legTo', 'legFrom', 'duplicateIds', 'hugeCapacity', 'negative', 'manyLegs', 'noMarkets', 'badGeometry', 'hostileField'),
    someId,
    hostileValue,
    fc.nat(),
  )
  .map(([how, id, value, n]) => {
    // biome-ignore lint/suspicious/noExplicitAny: the fuzzer writes wrong shapes into the network on purpose
    const net = network as unknown as Record<string, any>;
    const at = n % net.legs.length;
    const leg = net.legs[at];
    const withLeg = (changed: Record<string, unknown>) => ({ ...net, legs: net.legs.map((l: unknown, i: number) => (i === at ? changed : l)) });
    switch (how) {
      case 'legTo': return withLeg({ ...leg, to: id });
      case 'legFrom': return withLeg({ ...leg, from: id });
      case 'duplicateIds': return { ...net, markets: [...net.markets, { ...net.markets[0] }] };
      case 'hugeCapacity': return { ...withLeg({ ...leg, capacityTonnesPerYear: 1e300 }), plants: [{ ...net.plants[0], capacityTonnesPerYearByPhase: [1e300, 1e300] }, ...net.plants.slice(1)] };
      case 'negative': return withLeg({ ...leg, usdPerTonneKm: -1 });
      case 'manyLegs': return { ...net, legs: Array.from({ length: 3000 }, (_, i) => ({ ...leg, id: `l${i}` })) };
      case 'noMarkets': return { ...net, markets: [] };
      case 'badGeometry': return withLeg({ ...leg, geometry: { type: 'LineString', coordinates: [[999, 999]] } });
      default: {
        // 'hostileField'
        const m = n % net.markets.length;
        return { ...net, markets: net.markets.map((x: unknown, i: number) => (i === m ? { ...net.markets[m], tiers: value } : x)) };
      }
    }
  });

/** A valid scenario with exactly one field made hostile: these get furthest into the service. */
const oneBadField = fc
  .tuple(scenarioLike, fc.nat())
  .map(([s, n]) => {
    const keys = Object.keys(s) as (keyof typeof s)[];
    const key = keys[n % Math.max(1, keys.length)];
    return key === undefined ? SCENARIO : { ...SCENARIO, [key]: s[key] };
  });

/**
 * A nesting depth from 1 to `max` (the deepest bodies just fit the 1 MB body limit), spread evenly
 * over its orders of magnitude (1–10, 10–100, … come up about as often as each other), reaching
 * `max` itself at least as often as a uniform depth did. Parsing a deep body costs the service
 * about 1 µs of CPU per level (0.35 s at 300,000): uniform depths were over 100,000 levels in most
 * deep bodies, and a thousand levels or fewer hardly ever came up.
 */
const nestingDepth = (max: number) => fc.integer({ min: 0, max: 1000 }).map((k) => Math.max(1, Math.round(max ** (k / 1000))));

const jsonText = fc.oneof(
  { weight: 3, arbitrary: oneBadField.map((s) => JSON.stringify(s)) },
  { weight: 4, arbitrary: scenarioLike.map((s) => JSON.stringify({ ...SCENARIO, ...s })) },
  { weight: 2, arbitrary: fc.tuple(scenarioLike, brokenNetwork).map(([s, net]) => JSON.stringify({ ...SCENARIO, ...s, network: net })) },
  { weight: 1, arbitrary: brokenNetwork.map((net) => JSON.stringify({ ...SCENARIO, network: net })) },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? '') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: nestingDepth(300_000).map((n) => '['.repeat(n) + ']'.repeat(n)) },
  { weight: 1, arbitrary: nestingDepth(100_000).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) },
  { weight: 1, arbitrary: nestingDepth(300_000).map((n) => '['.repeat(n)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '1e999',
      'NaN',
      '"NaN"',
      'null',
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"name":"\\ud800"}',
      '{"name":"x","name":"y"}',
      `{"name":"x","phase":${'9'.repeat(400)}}`,
      '\u0000',
      '{"name":"x",}',
    ),
  },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', '') },
);

describe('fuzz: no body, id or query string makes a 5xx or a hang', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('POST /api/v1/optimise and POST /api/v1/scenarios', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/v1/optimise', '/api/v1/scenarios'), jsonText, contentType, async (url, body, type) => {
        await expectNo5xx({ method: 'POST', url, payload: body, headers: { ...asPlanner, ...(type ? { 'content-type': type } : {}) } });
      }),
      { numRuns: 1000 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('PUT and DELETE /api/v1/scenarios/:id, POST /api/v1/scenarios/:id/runs', async () => {
    const idArb = fc.oneof(fc.constant(scenarioId), fc.string({ maxLength: 120 }).map(encodeURIComponent), someId);
    const ifMatch = fc.oneof(fc.constant(undefined), fc.constantFrom('1', '"1"', 'W/"1"', '*', '-1', '99999999999', ''), fc.string({ maxLength: 20 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('PUT', 'DELETE', 'RUN'), idArb, ifMatch, jsonText, async (method, id, match, body) => {
        const headers: Record<string, string> = { ...asPlanner, 'content-type': 'application/json' };
        if (match !== undefined && /^[\x20-\x7e]*$/.test(match)) headers['if-match'] = match;
        // DELETE only on throw-away ids, so the PUT and run cases keep a scenario to hit.
        if (method === 'DELETE' && id === scenarioId) return;
        const url = method === 'RUN' ? `/api/v1/scenarios/${id}/runs` : `/api/v1/scenarios/${id}`;
        await expectNo5xx({ method: method === 'RUN' ? 'POST' : method, url, payload: method === 'DELETE' ? undefined : body, headers });
      }),
      { numRuns: 1200 },
    );
  });

  it('GET routes with hostile ids and query strings', async () => {
    const queryValue = fc.oneof(
      fc.string({ maxLength: 50 }),
      fc.constantFrom('-1', '0', '1e9', 'NaN', '1.5', '', '%00', '%ZZ', 'a,b,c', `${runId},${runId}`, `${runId},`, ','),
    );
    const request = fc.oneof(
      fc.tuple(fc.constant('/api/v1/scenarios'), fc.record({ limit: queryValue, cursor: queryValue, offset: queryValue, junk: queryValue }, { requiredKeys: [] })),
      fc.tuple(fc.constant('/api/v1/compare'), fc.record({ runs: queryValue }, { requiredKeys: [] })),
      fc.tuple(
        fc.oneof(fc.string({ maxLength: 100 }), someId, fc.constant(runId)).chain((id) =>
          fc.constantFrom(
            `/api/v1/runs/${encodeURIComponent(id)}`,
            `/api/v1/runs/${encodeURIComponent(id)}/flows.geojson`,
            `/api/v1/runs/${encodeURIComponent(id)}/allocation.csv`,
            `/api/v1/scenarios/${encodeURIComponent(id)}`,
            `/api/v1/scenarios/${encodeURIComponent(id)}/runs`,
          ),
        ),
        fc.record({ limit: queryValue }, { requiredKeys: [] }),
      ),
      fc.tuple(fc.constantFrom('/api/v1/network', '/api/v1/network.geojson', '/health', '/openapi.json'), fc.constant({})),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([path, query]) => {
        const qs = new URLSearchParams(query as Record<string, string>).toString();
        await expectNo5xx({ method: 'GET', url: qs ? `${path}?${qs}` : path, headers: asPlanner });
      }),
      { numRuns: 3000 },
    );
  });

  it('analysis routes: hostile bodies give no 5xx, and failed requests store nothing', async () => {
    const scenarioBody = fc.oneof({ weight: 3, arbitrary: oneBadField }, { weight: 1, arbitrary: scenarioLike.map((x) => ({ ...SCENARIO, ...x })) }, { weight: 1, arbitrary: hostileValue });
    const axis = fc.oneof(
      fc.record({ parameter: fc.constantFrom('exportPriceMultiplier', 'freightMultiplier', 'fxKztPerUsd', 'domesticShare', 'nodeThroughput', 'x'), node: fc.oneof(someId, fc.constant(undefined)), from: hostileNumber, to: hostileNumber, steps: fc.oneof(fc.integer({ min: -1, max: 300 }), hostileValue) }, { requiredKeys: ['parameter'] }),
      hostileValue,
    );
    const distribution = fc.oneof(
      fc.record({ type: fc.constantFrom('normal', 'uniform', 'triangular', 'empirical', 'x'), mean: hostileNumber, sd: hostileNumber, min: hostileNumber, max: hostileNumber, mode: hostileNumber, values: fc.array(hostileNumber, { maxLength: 5 }) }, { requiredKeys: ['type'] }),
      hostileValue,
    );
    const body = fc.oneof(
      fc.tuple(fc.constant('sensitivity'), fc.record({ scenario: scenarioBody, curvePoints: fc.oneof(fc.integer({ min: -1, max: 60 }), hostileValue) }, { requiredKeys: ['scenario'] })),
      fc.tuple(fc.constant('alternatives'), fc.record({ scenario: scenarioBody, tolerance: hostileNumber }, { requiredKeys: ['scenario'] })),
      fc.tuple(fc.constant('contracts'), fc.record({ scenario: scenarioBody, extra: hostileValue }, { requiredKeys: ['scenario'] })),
      fc.tuple(fc.constant('phasing'), fc.record({ scenario: scenarioBody, fromYear: fc.oneof(fc.integer({ min: 1990, max: 2200 }), hostileValue), toYear: fc.oneof(fc.integer({ min: 1990, max: 2200 }), hostileValue), growthPctPerYear: fc.dictionary(someId, hostileNumber) }, { requiredKeys: [] })),
      fc.tuple(fc.constant('sweeps'), fc.record({ scenario: scenarioBody, axes: fc.oneof(fc.array(axis, { maxLength: 3 }), hostileValue) }, { requiredKeys: ['scenario'] })),
      fc.tuple(
        fc.constant('montecarlo'),
        fc.record(
          {
            scenario: scenarioBody,
            draws: fc.oneof(fc.integer({ min: -1, max: 200 }), hostileValue),
            seed: fc.oneof(fc.integer(), hostileValue),
            uncertainties: fc.oneof(fc.array(fc.record({ parameter: fc.constantFrom('price', 'freight', 'demand', 'x'), group: fc.constantFrom('export', 'domestic', 'x'), market: someId, distribution }, { requiredKeys: ['parameter', 'distribution'] }), { maxLength: 3 }), hostileValue),
          },
          { requiredKeys: ['scenario'] },
        ),
      ),
    );
    const stored = async () => (await app.inject({ method: 'GET', url: '/api/v1/scenarios', headers: asPlanner })).json().total as number;
    const before = await stored();
    await fc.assert(
      fc.asyncProperty(body, async ([route, payload]) => {
        const url = `/api/v1/analysis/${route}`;
        const options = { method: 'POST' as const, url, headers: { ...asPlanner, 'content-type': 'application/json' }, payload: JSON.stringify(payload) };
        const res = await injectWithin(app, options, PER_REQUEST_MS);
        if (res.statusCode >= 500) throw new Error(`POST ${url} → ${res.statusCode} ${res.body.slice(0, 300)}\nbody: ${options.payload.slice(0, 300)}`);
        // A job that started is cancelled at once (the cancel path is fuzzed too, and jobs do not pile up).
        if (res.statusCode === 202) {
          const cancelled = await app.inject({ method: 'DELETE', url: res.json().links.self, headers: asPlanner });
          expect(cancelled.statusCode).toBe(200);
        }
        statusCounts.set(`POST ${url} ${res.statusCode}`, (statusCounts.get(`POST ${url} ${res.statusCode}`) ?? 0) + 1);
      }),
      { numRuns: Number(process.env.FUZZ_ANALYSIS_RUNS ?? 3000) },
    );
    // Analyses store no scenario, whatever they answered.
    expect(await stored()).toBe(before);
  });

  it('raw URLs that are not URLs at all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary-ascii', maxLength: 200 }), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), async (tail, method) => {
        const url = `/api/v1/${tail.replace(/[\s#]/g, '')}`;
        await expectNo5xx({ method: method as 'GET', url, headers: asPlanner, payload: method === 'GET' ? undefined : '{}' });
      }),
      { numRuns: 1800 },
    );
    // Some of the generated scenarios were valid: the fuzz also reached the solver.
    expect(solved).toBeGreaterThan(0);
  });
});
