/**
 * Every route through app.inject, against the real optimiser and default network; error payloads
 * pinned by inline snapshots so a change of contract shows in review.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Network } from '../../server/core/schema.ts';
import { Plan } from '../../server/core/plan-schema.ts';
import { ALLOCATION_COLUMNS, PRODUCT_FORM_COLUMNS } from '../../server/core/allocation-csv.ts';
import { allocationCsv } from '../../server/core/allocation-csv.ts';
import { asPlanner, asViewer, loadRealModel, PLANNER_KEY, SCENARIO, testApp } from './helpers.ts';

let app: FastifyInstance;
let network: Network;

beforeAll(async () => {
  app = await testApp();
  network = (await loadRealModel()).loadDefaultNetwork();
});
afterAll(async () => {
  await app.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: { ...asPlanner, ...headers } });
const get = (url: string, headers: Record<string, string> = asViewer) => app.inject({ method: 'GET', url, headers });
/** A planner's PUT, with If-Match when `ifMatch` is given. */
const put = (url: string, payload: unknown, ifMatch?: string) =>
  app.inject({ method: 'PUT', url, payload: payload as object, headers: ifMatch === undefined ? asPlanner : { ...asPlanner, 'if-match': ifMatch } });
const del = (url: string) => app.inject({ method: 'DELETE', url, headers: asPlanner });

describe('service', () => {
  it('answers liveness at /health and returns the caller’s request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-42' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
    expect(res.headers['x-request-id']).toBe('trace-42');
  });

  it('makes its own request id when the given one is unusable', async () => {
    const res = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'no spaces <allowed>' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers with a CSP that lets the map page and Swagger UI run', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves Swagger UI from the package’s own files (no network needed)', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body.length).toBeGreaterThan(100_000);
  });

  it('publishes an OpenAPI document from the same zod schemas, with refs and examples', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/analysis/alternatives',
      '/api/v1/analysis/contracts',
      '/api/v1/analysis/jobs/{id}',
      '/api/v1/analysis/jobs/{id}/events',
      '/api/v1/analysis/jobs/{id}/result.csv',
      '/api/v1/analysis/montecarlo',
      '/api/v1/analysis/phasing',
      '/api/v1/analysis/sensitivity',
      '/api/v1/analysis/sweeps',
      '/api/v1/backtest',
      '/api/v1/compare',
      '/api/v1/network',
      '/api/v1/network.geojson',
      '/api/v1/network.xlsx',
      '/api/v1/optimise',
      '/api/v1/runs/{id}',
      '/api/v1/runs/{id}/allocation.csv',
      '/api/v1/runs/{id}/flows.geojson',
      '/api/v1/scenarios',
      '/api/v1/scenarios/from-workbook',
      '/api/v1/scenarios/{id}',
      '/api/v1/scenarios/{id}/runs',
      '/api/v1/session',
      '/health',
      '/ready',
    ]);
    expect(doc.components.schemas).toHaveProperty('ScenarioInput');
    expect(doc.components.schemas).toHaveProperty('Plan');
    expect(doc.components.schemas.ScenarioInput.examples?.[0]).toMatchObject({ name: 'Phase 1, base prices' });
    expect(JSON.stringify(doc.paths['/api/v1/optimise'].post.requestBody)).toContain('#/components/schemas/ScenarioInput');
  });

  it('answers unknown routes with not_found', async () => {
    const res = await get('/api/v1/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "not_found",
          "message": "No route GET /api/v1/nothing-here",
        },
      }
    `);
  });

  it('answers a route asked with a method it does not take with 405 and Allow, before any key is checked', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/api/v1/optimise', 'POST'],
      ['GET', '/api/v1/optimise', 'POST'],
      ['PATCH', '/api/v1/scenarios/sc_anything', 'GET, HEAD, PUT, DELETE'],
      ['POST', '/api/v1/runs/run_anything', 'GET, HEAD'],
      ['PUT', '/health', 'GET, HEAD'],
      ['POST', '/docs/', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const res = await app.inject({ method: method as 'GET', url, payload: method === 'GET' ? undefined : {} });
      expect(res.statusCode, `${method} ${url}`).toBe(405);
      expect(res.headers.allow, `${method} ${url}`).toBe(allow);
      expect(res.json().error).toEqual({ code: 'method_not_allowed', message: `${url} takes ${allow}, not ${method}` });
    }
    // A path that is no route under any method stays a 404, also under the page's catch-all.
    for (const [method, url] of [['POST', '/api/v1/nothing-here'], ['DELETE', '/no-such-file.js'], ['POST', '/api/v1/runs/a/b/c']]) {
      const res = await app.inject({ method: method as 'POST', url, payload: {} });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.headers.allow).toBeUndefined();
    }
  });

  it('says how to build the map page when web/dist is missing', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build:web');
  });
});

describe('network', () => {
  it('serves the default network', async () => {
    const res = await get('/api/v1/network');
    expect(res.statusCode).toBe(200);
    const body = Network.parse(res.json());
    expect(body.plants.length).toBeGreaterThanOrEqual(1);
    expect(body.markets.length).toBe(network.markets.length);
  });

  it('serves it as GeoJSON: places as Points, legs as LineStrings', async () => {
    const res = await get('/api/v1/network.geojson');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/geo+json');
    const fc = res.json();
    const points = fc.features.filter((f: { geometry: { type: string } }) => f.geometry.type === 'Point');
    const lines = fc.features.filter((f: { geometry: { type: string } }) => f.geometry.type === 'LineString');
    expect(points.length).toBe(network.plants.length + network.markets.length + network.nodes.length);
    expect(lines.length).toBe(network.legs.length);
  });
});

describe('POST /api/v1/optimise', () => {
  it('optimises a scenario on the default network and keeps half of sales at home', async () => {
    const res = await post('/api/v1/optimise', SCENARIO);
    expect(res.statusCode).toBe(200);
    const plan = Plan.parse(res.json());
    expect(plan.status).toBe('optimal');
    expect(plan.kpis!.domesticShare).toBeGreaterThanOrEqual(0.5 - 1e-6);
    expect(plan.inputsHash).toMatch(/\w{16,}/);
  });

  it('optimises a scenario with the network inline', async () => {
    const res = await post('/api/v1/optimise', { ...SCENARIO, network });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('optimal');
  });

  it('answers an infeasible scenario with 200 and status infeasible', async () => {
    const market = network.markets.find((m) => !m.domestic)!;
    const res = await post('/api/v1/optimise', {
      ...SCENARIO,
      policy: { domesticShare: 1, basis: 'sales' },
      overrides: { markets: { [market.id]: { minTonnesPerYear: 100_000 } } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('infeasible');
  });

  it('lists every problem of a body that cannot be a model (422)', async () => {
    const broken = structuredClone(network);
    broken.legs[0]!.to = 'atlantis';
    broken.legs[1]!.from = 'el_dorado';
    const res = await post('/api/v1/optimise', { ...SCENARIO, network: broken });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('unprocessable_model');
    expect(res.json().error.details.length).toBeGreaterThanOrEqual(2);
    expect(res.json().error.details.filter((d: { message: string }) => /atlantis|el_dorado/.test(d.message))).toMatchInlineSnapshot(`
      [
        {
          "message": "leg "rail_plant_kandyagash" goes to nowhere: unknown node "atlantis"",
          "path": [
            "network",
            "legs",
            0,
            "to",
          ],
        },
        {
          "message": "leg "rail_kandyagash_aktobe" starts at unknown node "el_dorado"",
          "path": [
            "network",
            "legs",
            1,
            "from",
          ],
        },
      ]
    `);
  });

  it('rejects a malformed scenario with zod paths and messages (400)', async () => {
    const res = await post('/api/v1/optimise', { name: '', phase: 0, policy: { domesticShare: 2 }, colour: 'red' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "invalid_body",
          "details": [
            {
              "message": "Too small: expected string to have >=1 characters",
              "path": [
                "name",
              ],
            },
            {
              "message": "Too small: expected number to be >=1",
              "path": [
                "phase",
              ],
            },
            {
              "message": "Too big: expected number to be <=1",
              "path": [
                "policy",
                "domesticShare",
              ],
            },
            {
              "message": "Unrecognized key: "colour"",
              "path": [],
            },
          ],
          "message": "The body is not a valid request",
        },
      }
    `);
  });

  it('rejects a body that is not JSON (400)', async () => {
    const res = await post('/api/v1/optimise', '{"name": "half', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "invalid_body",
          "message": "The body is not valid JSON, or uses a forbidden key (__proto__, constructor.prototype)",
        },
      }
    `);
  });

  it('rejects prototype-pollution keys (400)', async () => {
    const res = await post('/api/v1/optimise', '{"name":"x","__proto__":{"admin":true}}', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "invalid_body",
          "message": "The body is not valid JSON, or uses a forbidden key (__proto__, constructor.prototype)",
        },
      }
    `);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('rejects an empty body (400)', async () => {
    const res = await post('/api/v1/optimise', '', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "invalid_body",
          "details": [
            {
              "message": "Invalid input: expected object, received null",
              "path": [],
            },
          ],
          "message": "The body is not a valid request",
        },
      }
    `);
  });

  it('rejects another content type (415)', async () => {
    const res = await post('/api/v1/optimise', '<scenario/>', { 'content-type': 'application/xml' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "unsupported_media_type",
          "message": "Send the body as application/json",
        },
      }
    `);
  });

  it('rejects a body over 1 MB (413)', async () => {
    const res = await post('/api/v1/optimise', { ...SCENARIO, description: 'x'.repeat(1_100_000) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "payload_too_large",
          "message": "The body is larger than the 1 MB limit",
        },
      }
    `);
  });
});

describe('scenarios', () => {
  it('stores, reads, lists, updates with If-Match and deletes a scenario', async () => {
    const created = await post('/api/v1/scenarios', { ...SCENARIO, name: 'Lifecycle' });
    expect(created.statusCode).toBe(201);
    const record = created.json();
    expect(record).toMatchObject({ version: 1, scenario: { name: 'Lifecycle', phase: 1 } });
    // Who stored it: the planner key's id, never the key itself.
    expect(record.createdBy).toBe('key_planner');
    expect(created.body).not.toContain(PLANNER_KEY);
    const listed = (await get('/api/v1/scenarios?limit=50')).json().items.find((s: { id: string }) => s.id === record.id);
    expect(listed).toMatchObject({ name: 'Lifecycle', createdBy: 'key_planner' });
    expect(created.headers.location).toBe(`/api/v1/scenarios/${record.id}`);
    expect(created.headers.etag).toBe('"1"');

    const read = await get(`/api/v1/scenarios/${record.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(record);

    const updated = await put(`/api/v1/scenarios/${record.id}`, { ...SCENARIO, name: 'Lifecycle v2', phase: 2 }, '"1"');
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ version: 2, scenario: { name: 'Lifecycle v2', phase: 2 } });
    expect(updated.headers.etag).toBe('"2"');

    // Its version is its ETag: If-None-Match with it is a 304, whatever the encoding asked for.
    for (const encoding of ['identity', 'gzip', 'br']) {
      const again = await get(`/api/v1/scenarios/${record.id}`, { ...asViewer, 'if-none-match': '"2"', 'accept-encoding': encoding });
      expect(again.statusCode, encoding).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.vary).toContain('accept-encoding');
    }
    expect((await get(`/api/v1/scenarios/${record.id}`, { ...asViewer, 'if-none-match': '"1"' })).statusCode).toBe(200);

    const deleted = await del(`/api/v1/scenarios/${record.id}`);
    expect(deleted.statusCode).toBe(204);
    const gone = await get(`/api/v1/scenarios/${record.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('not_found');
  });

  it('refuses to store a scenario the default network cannot plan (a typo in an override id, a setting of the other mode): 422, nothing stored or changed', async () => {
    const count = async () => (await get('/api/v1/scenarios?limit=100')).json().items.length as number;
    const before = await count();
    const typo = await post('/api/v1/scenarios', { ...SCENARIO, name: 'Typo', overrides: { markets: { nowhere: { demandMultiplier: 1.1 } }, plants: { baiganin: { variableCostUsdPerTonne: 10 } } } });
    expect(typo.statusCode).toBe(422);
    expect(typo.json().error).toMatchObject({ code: 'unprocessable_model' });
    expect(typo.json().error.details).toEqual(
      expect.arrayContaining([
        { path: ['overrides', 'markets', 'nowhere'], message: 'override for unknown market "nowhere"' },
        { path: ['overrides', 'plants', 'baiganin'], message: 'override for unknown plant "baiganin"' },
      ]),
    );
    const otherMode = await post('/api/v1/scenarios', { ...SCENARIO, name: 'Rouble', overrides: { fxPerUsd: { RUB: 100 } } });
    expect(otherMode.statusCode).toBe(422);
    expect(await count()).toBe(before);

    const created = await post('/api/v1/scenarios', { ...SCENARIO, name: 'Fine' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const bad = await put(`/api/v1/scenarios/${id}`, { ...SCENARIO, name: 'Fine', overrides: { plants: { ghost: { variableCostUsdPerTonne: 10 } } } }, '"1"');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details).toEqual([{ path: ['overrides', 'plants', 'ghost'], message: 'override for unknown plant "ghost"' }]);
    expect((await get(`/api/v1/scenarios/${id}`)).json()).toMatchObject({ version: 1, scenario: { name: 'Fine' } });
    // A stale version or a missing scenario is said first: fixing the body would not help.
    const ghost = { ...SCENARIO, name: 'Fine', overrides: { plants: { ghost: { variableCostUsdPerTonne: 10 } } } };
    expect((await put(`/api/v1/scenarios/${id}`, ghost, '"7"')).statusCode).toBe(409);
    expect((await put('/api/v1/scenarios/sc_never_stored', ghost, '"1"')).statusCode).toBe(404);
    expect((await del(`/api/v1/scenarios/${id}`)).statusCode).toBe(204);
  });

  it('an id longer than any the routes take is a 400 naming params.id, not a missing route', async () => {
    const long = 'a'.repeat(150);
    for (const url of [`/api/v1/scenarios/${long}`, `/api/v1/runs/${long}`, `/api/v1/analysis/jobs/${long}`, `/api/v1/scenarios/${long}/runs`]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details[0].path).toEqual(['params', 'id']);
    }
  });

  it("a deleted scenario's runs stay readable and listed under its id; an id that never held anything is a 404", async () => {
    const record = (await post('/api/v1/scenarios', { ...SCENARIO, name: 'Deleted with runs' })).json();
    const run = (await post(`/api/v1/scenarios/${record.id}/runs`, undefined)).json();
    expect((await del(`/api/v1/scenarios/${record.id}`)).statusCode).toBe(204);
    const listed = await get(`/api/v1/scenarios/${record.id}/runs`);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items.map((r: { id: string }) => r.id)).toEqual([run.id]);
    expect((await get(`/api/v1/runs/${run.id}`)).statusCode).toBe(200);
    expect((await get('/api/v1/scenarios/sc_never_stored/runs')).statusCode).toBe(404);
  });

  it('pages the list with limit and cursor, or offset', async () => {
    for (let i = 0; i < 5; i++) await post('/api/v1/scenarios', { ...SCENARIO, name: `Paged ${i}` });
    const first = (await get('/api/v1/scenarios?limit=2')).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await get(`/api/v1/scenarios?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items).toHaveLength(2);
    expect(second.items[0].id).not.toBe(first.items[1].id);
    const byOffset = (await get('/api/v1/scenarios?limit=2&offset=2')).json();
    expect(byOffset.items.map((s: { id: string }) => s.id)).toEqual(second.items.map((s: { id: string }) => s.id));
    expect(first.total).toBe(second.total);
    // Both at once: one would be ignored, so the request is refused.
    const both = await get(`/api/v1/scenarios?limit=2&offset=2&cursor=${first.nextCursor}`);
    expect(both.statusCode).toBe(400);
    expect(both.json().error.details).toEqual([{ path: ['query', 'offset'], message: 'give cursor or offset, not both' }]);
  });

  it('rejects a cursor it did not make, and a limit out of range (400)', async () => {
    const badCursor = await get('/api/v1/scenarios?cursor=bm9wZQ');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "invalid_request",
          "message": "The cursor is not valid: use a nextCursor from a previous page",
        },
      }
    `);
    const badLimit = await get('/api/v1/scenarios?limit=1000');
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "invalid_request",
          "details": [
            {
              "message": "a whole number from 1 to 100, in decimal digits",
              "path": [
                "query",
                "limit",
              ],
            },
          ],
          "message": "The query string is not valid",
        },
      }
    `);
    // Only decimal digits: Number() would read these as 16, 10, 5, 0 and 2.
    for (const query of ['limit=0x10', 'limit=1e1', 'limit=%205', 'limit=', 'offset=0b10', 'offset=2.0']) {
      const refused = await get(`/api/v1/scenarios?${query}`);
      expect(refused.statusCode, query).toBe(400);
      expect(refused.json().error.details[0].path, query).toEqual(['query', query.split('=')[0]]);
    }
    expect((await get('/api/v1/scenarios?limit=007')).json().items.length).toBeLessThanOrEqual(7);
    // Past 2^53 both the whole-number and the range checks fail: one detail, not the same one twice.
    expect((await get('/api/v1/scenarios?offset=9007199254740993')).json().error.details).toEqual([
      { path: ['query', 'offset'], message: 'a whole number from 0 to 1000000, in decimal digits' },
    ]);
  });

  it('refuses an update without If-Match (428) and with a stale version (409)', async () => {
    const { id } = (await post('/api/v1/scenarios', SCENARIO)).json();
    const missing = await put(`/api/v1/scenarios/${id}`, SCENARIO);
    expect(missing.statusCode).toBe(428);
    expect(missing.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "precondition_required",
          "message": "Send If-Match with the version you last read, e.g. If-Match: "1"",
        },
      }
    `);

    const stale = await put(`/api/v1/scenarios/${id}`, SCENARIO, '7');
    expect(stale.statusCode).toBe(409);
    expect(stale.headers.etag).toBe('"1"');
    expect(stale.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "version_conflict",
          "details": {
            "currentVersion": 1,
            "expectedVersion": 7,
          },
          "message": "The scenario is at version 1, not 7: read it again and reapply your change",
        },
      }
    `);

    const garbled = await put(`/api/v1/scenarios/${id}`, SCENARIO, 'yesterday');
    expect(garbled.statusCode).toBe(400);
    expect(garbled.json().error.code).toBe('invalid_request');
  });

  it('answers unknown scenario ids with 404 on every scenario route', async () => {
    const id = 'sc_doesnotexist';
    const responses = await Promise.all([
      get(`/api/v1/scenarios/${id}`),
      put(`/api/v1/scenarios/${id}`, SCENARIO, '1'),
      del(`/api/v1/scenarios/${id}`),
      post(`/api/v1/scenarios/${id}/runs`, undefined),
      get(`/api/v1/scenarios/${id}/runs`),
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404]);
    expect(responses[0]!.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "not_found",
          "message": "Scenario sc_doesnotexist does not exist",
        },
      }
    `);
  });
});

describe('runs and comparisons', () => {
  let scenarioId: string;
  // biome-ignore lint/suspicious/noExplicitAny: a run as the API answers it (JSON), read field by field
  let runA: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: as runA
  let runB: Record<string, any>;

  beforeAll(async () => {
    scenarioId = (await post('/api/v1/scenarios', { ...SCENARIO, name: 'Export push' })).json().id;
    runA = (await post(`/api/v1/scenarios/${scenarioId}/runs`, undefined)).json();
    await put(`/api/v1/scenarios/${scenarioId}`, { ...SCENARIO, name: 'Export push', overrides: { exportPriceMultiplier: 1.3 } }, '1');
    const second = await post(`/api/v1/scenarios/${scenarioId}/runs`, undefined, { 'content-type': 'application/json' });
    expect(second.statusCode).toBe(201);
    runB = second.json();
  });

  it('stores an immutable run with the scenario version, plan and inputs hash', async () => {
    expect(runA).toMatchObject({ scenarioId, scenarioVersion: 1, status: 'optimal' });
    expect(runB).toMatchObject({ scenarioId, scenarioVersion: 2, status: 'optimal' });
    expect(runA.inputsHash).toBe(runA.plan.inputsHash);
    expect(runA.createdBy).toBe('key_planner');
    expect(runA.inputsHash).not.toBe(runB.inputsHash);
    const read = await get(`/api/v1/runs/${runA.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(runA);
    expect(read.headers['cache-control']).toContain('immutable');
  });

  it('lists a scenario’s runs, newest first', async () => {
    const res = await get(`/api/v1/scenarios/${scenarioId}/runs`);
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((r: { id: string }) => r.id)).toEqual([runB.id, runA.id]);
    expect(res.json().items[0]).not.toHaveProperty('plan');
    expect(res.json().items[0].createdBy).toBe('key_planner');
  });

  it('serves the run’s flows as GeoJSON LineStrings with tonnes', async () => {
    const res = await get(`/api/v1/runs/${runA.id}/flows.geojson`);
    expect(res.statusCode).toBe(200);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBeGreaterThan(0);
    expect(fc.features.every((f: { geometry: { type: string } }) => f.geometry.type === 'LineString')).toBe(true);
  });

  it('serves the allocation as CSV, one row per market and route, the same file as the page downloads', async () => {
    const res = await get(`/api/v1/runs/${runA.id}/allocation.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(`${runA.id}-allocation.csv`);
    const lines = res.body.trimEnd().split('\r\n');
    // The shipped network bags part of our cement: the plan reports product forms, so bagged and bulk tonnes follow.
    expect(lines[0]).toBe([...ALLOCATION_COLUMNS, ...PRODUCT_FORM_COLUMNS].join(','));
    const markets = runA.plan.markets as { id: string; name: string; country: string; tonnes: number; routes: unknown[] }[];
    expect(lines).toHaveLength(1 + markets.reduce((n, m) => n + Math.max(1, m.routes.length), 0));
    const served = markets.find((m) => m.tonnes > 0)!;
    expect(lines.some((l) => l.startsWith(`${served.id},${served.name},${served.country},`))).toBe(true);
    // One layout: the stored run's CSV is byte for byte the page's download of the same plan.
    expect(res.body).toBe(allocationCsv(runA.plan));
  });

  it('compares two runs per KPI, market and leg', async () => {
    const res = await get(`/api/v1/compare?runs=${runA.id},${runB.id}`);
    expect(res.statusCode).toBe(200);
    const cmp = res.json();
    expect(cmp.a.id).toBe(runA.id);
    const margin = cmp.kpis.find((k: { key: string }) => k.key === 'marginUsd');
    expect(margin.a).toBeCloseTo(runA.plan.kpis.marginUsd);
    expect(margin.delta).toBeCloseTo(runB.plan.kpis.marginUsd - runA.plan.kpis.marginUsd);
    expect(margin.delta).toBeGreaterThan(0); // higher export prices cannot lower the best margin
    expect(cmp.markets).toHaveLength(runA.plan.markets.length);
    expect(cmp.legs).toHaveLength(runA.plan.legs.length);
    expect(cmp.markets[0].tonnes).toEqual({ a: expect.any(Number), b: expect.any(Number), delta: expect.any(Number) });
    // Per lane: freight paid is the lane's tonnes at its USD/t, and the deltas add up to the KPI's.
    const freight = cmp.legs.reduce((s: number, l: { freightUsd: { delta: number } }) => s + l.freightUsd.delta, 0);
    const freightKpi = cmp.kpis.find((k: { key: string }) => k.key === 'freightUsd');
    expect(freight).toBeCloseTo(freightKpi.delta, 0);
    // Both one year: nothing to warn about, and each side says its horizon.
    expect(cmp.notes).toEqual([]);
    expect(cmp.a.horizon).toEqual({ kind: 'annual', periods: 1, years: [2027] });
    expect(cmp.a.market).toBe('price-taker');
  });

  it('says when the two runs were planned in different market modes (the model differs as well as the inputs)', async () => {
    const cleared = (await post('/api/v1/scenarios', { ...SCENARIO, name: 'Cleared', market: 'clearing' })).json().id;
    const run = (await post(`/api/v1/scenarios/${cleared}/runs`, undefined)).json();
    expect(run.status).toBe('optimal');
    const cmp = (await get(`/api/v1/compare?runs=${runA.id},${run.id}`)).json();
    expect([cmp.a.market, cmp.b.market]).toEqual(['price-taker', 'clearing']);
    expect(cmp.notes).toEqual([
      'Run a was planned in the price-taker mode (given prices) and run b in the market-clearing mode (prices that clear against competitors): margins, prices and volumes differ by the market model as well as by the inputs.',
    ]);
    // A clearing run that ended infeasible carries no mode in its plan: its scenario says it.
    const stuck = (await post('/api/v1/scenarios', { ...SCENARIO, name: 'Cleared, infeasible', market: 'clearing', overrides: { markets: { baku_alat: { minTonnesPerYear: 5_000_000 } } } })).json().id;
    const failed = (await post(`/api/v1/scenarios/${stuck}/runs`, undefined)).json();
    expect(failed.status).toBe('infeasible');
    const both = (await get(`/api/v1/compare?runs=${run.id},${failed.id}`)).json();
    expect([both.a.market, both.b.market]).toEqual(['clearing', 'clearing']);
    expect(both.notes).toEqual([]);
    const across = (await get(`/api/v1/compare?runs=${runA.id},${failed.id}`)).json();
    expect(across.b.market).toBe('clearing');
    expect(across.notes).toHaveLength(1);
    // The KPI rows are figures only, the same whichever side the run without KPIs is on.
    const swapped = (await get(`/api/v1/compare?runs=${failed.id},${runA.id}`)).json();
    const keys = (cmp: { kpis: { key: string }[] }) => cmp.kpis.map((k) => k.key).sort();
    expect(keys(swapped)).toEqual(keys(across));
    expect(keys(swapped)).not.toContain('policyBasis');
    expect(keys(swapped)).toContain('marginUsd');
  });

  it('says when the two runs were planned on different networks (a network of its own against the default one, or two of their own)', async () => {
    // The default network with one market renamed and the plant's cost changed: a network of its own.
    const own = structuredClone(network);
    own.markets[0]!.name = 'Renamed market';
    own.plants[0]!.variableCostUsdPerTonne += 1;
    const withOwn = (await post('/api/v1/scenarios', { ...SCENARIO, name: 'Own network', network: own })).json().id;
    const ownRun = (await post(`/api/v1/scenarios/${withOwn}/runs`, undefined)).json();
    expect(ownRun.status).toBe('optimal');
    const cmp = (await get(`/api/v1/compare?runs=${ownRun.id},${runA.id}`)).json();
    expect(cmp.notes).toEqual([
      "Run a was planned on a network of its own and run b on the default network: the differences are the networks' as well as the inputs'; a market or leg that one network lacks is in one run only, and where both have an id its name is run a's.",
    ]);
    expect(cmp.markets.find((m: { id: string }) => m.id === own.markets[0]!.id).name).toBe('Renamed market');
    // Two runs on the same network of its own: nothing to say; on two different ones: said.
    const again = (await post(`/api/v1/scenarios/${withOwn}/runs`, undefined)).json();
    expect((await get(`/api/v1/compare?runs=${ownRun.id},${again.id}`)).json().notes).toEqual([]);
    // The same figures with other citations: the same network (sources are not inputs).
    const recited = structuredClone(own);
    recited.plants[0]!.sources = { ...recited.plants[0]!.sources, variableCostUsdPerTonne: 'ESTIMATE: a citation the first network does not have' };
    const withRecited = (await post('/api/v1/scenarios', { ...SCENARIO, name: 'Same figures, other sources', network: recited })).json().id;
    const recitedRun = (await post(`/api/v1/scenarios/${withRecited}/runs`, undefined)).json();
    expect(recitedRun.status).toBe('optimal');
    expect((await get(`/api/v1/compare?runs=${ownRun.id},${recitedRun.id}`)).json().notes).toEqual([]);
    const other = structuredClone(own);
    other.plants[0]!.variableCostUsdPerTonne += 1;
    const withOther = (await post('/api/v1/scenarios', { ...SCENARIO, name: 'Another network', network: other })).json().id;
    const otherRun = (await post(`/api/v1/scenarios/${withOther}/runs`, undefined)).json();
    const two = (await get(`/api/v1/compare?runs=${ownRun.id},${otherRun.id}`)).json();
    expect(two.notes).toHaveLength(1);
    expect(two.notes[0]).toMatch(/^Runs a and b were planned on two different networks of their own: /);
  });

  it('says when the two runs cover different numbers of years (their totals are compared as they are)', async () => {
    const multiYear = (await post('/api/v1/scenarios', { ...SCENARIO, name: 'Five years', horizon: { kind: 'multi-year', fromYear: 2027, toYear: 2031 } })).json().id;
    const run = (await post(`/api/v1/scenarios/${multiYear}/runs`, undefined)).json();
    expect(run.status).toBe('optimal');
    const cmp = (await get(`/api/v1/compare?runs=${runA.id},${run.id}`)).json();
    expect(cmp.b.horizon).toEqual({ kind: 'multi-year', periods: 5, years: [2027, 2028, 2029, 2030, 2031] });
    expect(cmp.notes).toEqual(['Run a covers 2027 and run b 2027–2031 (5 years): the totals are compared as they are, not per year.']);
  });

  it('carries a clearing run\'s price and margin ranges and says that its figures are one equilibrium\'s, not facts', async () => {
    const shipped = (file: string) => JSON.parse(readFileSync(new URL(`../../data/scenarios/${file}`, import.meta.url), 'utf8'));
    const stored = async (file: string) => {
      const id = (await post('/api/v1/scenarios', shipped(file))).json().id;
      const run = (await post(`/api/v1/scenarios/${id}/runs`, undefined)).json();
      expect(run.status).toBe('optimal');
      return run as { id: string; plan: Plan };
    };
    const [fixed, entry] = [await stored('clearing-phase1.json'), await stored('competitor-entry.json')];
    expect(fixed.plan.clearing!.ourMarginRangeUsd).toBeNull();
    const margin = entry.plan.clearing!.ourMarginRangeUsd!;
    expect(margin.high).toBeGreaterThan(margin.low);
    const ranged = entry.plan.clearing!.markets.filter((m) => m.priceRangeUsdPerTonne && entry.plan.markets.some((x) => x.id === m.id));
    expect(ranged.map((m) => m.id)).toContain('astrakhan');

    const cmp = (await get(`/api/v1/compare?runs=${fixed.id},${entry.id}`)).json();
    expect(cmp.marginRangeUsd).toEqual({ a: null, b: margin });
    for (const m of cmp.markets) {
      const range = ranged.find((x) => x.id === m.id)?.priceRangeUsdPerTonne;
      if (range) expect(m.priceRangeUsdPerTonne, m.id).toEqual({ a: null, b: range });
      else expect(m.priceRangeUsdPerTonne, m.id).toBeUndefined();
    }
    // The point figures stay, as one equilibrium's: the note says so, with the ranges.
    const astrakhan = cmp.markets.find((m: { id: string }) => m.id === 'astrakhan');
    expect(astrakhan.priceUsdPerTonne.b).toBe(entry.plan.markets.find((m) => m.id === 'astrakhan')!.priceUsdPerTonne);
    const range = ranged.find((m) => m.id === 'astrakhan')!.priceRangeUsdPerTonne!;
    const two = (x: number) => x.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const whole = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: 0 });
    expect(cmp.notes).toHaveLength(1);
    expect(cmp.notes[0]).toMatch(/^In run b the market does not fix the clearing price in .* or our margin .*: its figures here, and the differences from them, are one equilibrium's, not facts \(the ranges are in markets\[\]\.priceRangeUsdPerTonne and marginRangeUsd\)\.$/);
    expect(cmp.notes[0]).toContain(`Astrakhan region (RU) (anywhere from ${two(range.low)} to ${two(range.high!)} USD/t)`);
    expect(cmp.notes[0]).toContain(`our margin (anywhere from ${whole(margin.low)} to ${whole(margin.high!)} USD)`);
    // Both ways round, and a clearing run with fixed prices beside itself says nothing.
    const back = (await get(`/api/v1/compare?runs=${entry.id},${fixed.id}`)).json();
    expect(back.marginRangeUsd).toEqual({ a: margin, b: null });
    expect(back.notes[0]).toMatch(/^In run a the market does not fix/);
    const same = (await get(`/api/v1/compare?runs=${fixed.id},${fixed.id}`)).json();
    expect(same.notes).toEqual([]);
    expect(same).not.toHaveProperty('marginRangeUsd');
  });

  it('rejects a comparison without exactly two runs (400) or with an unknown run (404)', async () => {
    const one = await get(`/api/v1/compare?runs=${runA.id}`);
    expect(one.statusCode).toBe(400);
    expect(one.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "invalid_request",
          "details": [
            {
              "message": "give exactly two run ids: runs=a,b",
              "path": [
                "query",
                "runs",
              ],
            },
          ],
          "message": "The query string is not valid",
        },
      }
    `);
    const unknown = await get(`/api/v1/compare?runs=${runA.id},run_nope`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "not_found",
          "message": "Run run_nope does not exist",
        },
      }
    `);
  });

  it('answers unknown run ids with 404 on every run route', async () => {
    const codes = await Promise.all(
      ['', '/flows.geojson', '/allocation.csv'].map(async (suffix) => (await get(`/api/v1/runs/run_nope${suffix}`)).statusCode),
    );
    expect(codes).toEqual([404, 404, 404]);
  });
});

describe('idempotency keys', () => {
  it('replays the stored response for a repeat with the same key and body', async () => {
    const body = { ...SCENARIO, name: 'Contract 2027-001' };
    const first = await post('/api/v1/scenarios', body, { 'idempotency-key': 'contract-2027-001' });
    const again = await post('/api/v1/scenarios', body, { 'idempotency-key': 'contract-2027-001' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    const list = (await get('/api/v1/scenarios?limit=100')).json();
    expect(list.items.filter((s: { name: string }) => s.name === 'Contract 2027-001')).toHaveLength(1);
  });

  it('refuses the same key with a different body (422)', async () => {
    await post('/api/v1/scenarios', { ...SCENARIO, name: 'A' }, { 'idempotency-key': 'reused-key' });
    const res = await post('/api/v1/scenarios', { ...SCENARIO, name: 'B' }, { 'idempotency-key': 'reused-key' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "idempotency_key_reused",
          "message": "This Idempotency-Key was already used for a different request",
        },
      }
    `);
  });

  it('replays a solve and a run without solving again', async () => {
    const first = await post('/api/v1/optimise', SCENARIO, { 'idempotency-key': 'solve-1' });
    const again = await post('/api/v1/optimise', SCENARIO, { 'idempotency-key': 'solve-1' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    // The plan's text has characters beyond ASCII (– →): its UTF-8 bytes are sent and kept whole.
    expect([...first.body].some((c) => c.charCodeAt(0) > 0x7f)).toBe(true);
    expect(Number(first.headers['content-length'])).toBe(Buffer.byteLength(first.body));
    expect(again.headers['content-length']).toBe(first.headers['content-length']);
    const { id } = (await post('/api/v1/scenarios', SCENARIO)).json();
    const run1 = await post(`/api/v1/scenarios/${id}/runs`, undefined, { 'idempotency-key': 'run-1' });
    const run2 = await post(`/api/v1/scenarios/${id}/runs`, undefined, { 'idempotency-key': 'run-1' });
    expect(run2.json().id).toBe(run1.json().id);
    expect((await get(`/api/v1/scenarios/${id}/runs`)).json().total).toBe(1);
  });

  it('does not keep a failed request, so the client can fix it and retry with the same key', async () => {
    const bad = await post('/api/v1/scenarios', { ...SCENARIO, phase: -1 }, { 'idempotency-key': 'retry-me' });
    expect(bad.statusCode).toBe(400);
    const good = await post('/api/v1/scenarios', SCENARIO, { 'idempotency-key': 'retry-me' });
    expect(good.statusCode).toBe(201);
  });
});

describe('access', () => {
  it('needs a key to write (401)', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/scenarios', payload: SCENARIO });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "unauthorized",
          "message": "This request needs a planner API key: Authorization: Bearer <key>",
        },
      }
    `);
  });

  it('lets a viewer key optimise: a one-off solve stores nothing', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asViewer, payload: SCENARIO });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('optimal');
  });

  it('needs a planner key to write: a viewer key is 403', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asViewer, payload: SCENARIO });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "forbidden",
          "message": "This request needs a planner key; a viewer key can only read",
        },
      }
    `);
  });

  it('refuses a wrong key (401) even where reads would be public', async () => {
    const res = await get('/api/v1/network', { authorization: 'Bearer not-a-key' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "unauthorized",
          "message": "The API key is not valid",
        },
      }
    `);
  });

  it('needs a key to read when reads are not public', async () => {
    const res = await get('/api/v1/network', {});
    expect(res.statusCode).toBe(401);
    expect((await get('/api/v1/network', asViewer)).statusCode).toBe(200);
    expect((await get('/api/v1/network', asPlanner)).statusCode).toBe(200);
  });
});

describe('session', () => {
  it('tells a client its role: planner, viewer, anonymous (reads private), and 401 for a wrong key', async () => {
    const { testApp, asPlanner, asViewer } = await import('./helpers.ts');
    const app = await testApp({ publicRead: false });
    try {
      const role = async (headers: Record<string, string>) => (await app.inject({ method: 'GET', url: '/api/v1/session', headers })).json();
      expect(await role(asPlanner)).toEqual({ role: 'planner', publicRead: false, canWrite: true, canRead: true });
      expect(await role(asViewer)).toEqual({ role: 'viewer', publicRead: false, canWrite: false, canRead: true });
      expect(await role({})).toEqual({ role: 'anonymous', publicRead: false, canWrite: false, canRead: false });
      const wrong = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { authorization: 'Bearer nope-nope-nope' } });
      expect(wrong.statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
