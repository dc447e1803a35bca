/**
 * On the wire: stored runs with a strong ETag (200, then 304 on If-None-Match), compressed answers
 * that decode to the same plan, the lighter plan (`?flows=false`) with the same figures, and the
 * `Server-Timing` of a solved plan.
 */
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { asPlanner, loadRealModel, SCENARIO, testApp } from './helpers.ts';
import { parseServerTiming } from '../../server/api/server-timing.ts';
import { runResponse } from '../../server/api/run-responses.ts';
import { compareRuns } from '../../server/api/views/compare-runs.ts';
import { allocationCsv } from '../../server/core/allocation-csv.ts';
import { openSqliteStore } from '../../server/store/sqlite.ts';
import { ScenarioRecord } from '../../server/api/schemas.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';

let app: FastifyInstance;
let base: string;
let runId: string;

beforeAll(async () => {
  app = await testApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const id = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id;
  runId = (await app.inject({ method: 'POST', url: `/api/v1/scenarios/${id}/runs`, headers: asPlanner })).json().id;
});
afterAll(async () => app.close());

/** A raw GET or POST over the socket: status, headers and the undecoded bytes. */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A writer and a reader app on one store, with one stored run; `reads` counts the store's reads of
 * runs' bytes (set it to 0 to start counting).
 */
async function storeWithRun(readerOptions: Parameters<typeof testApp>[0] = {}) {
  const store = openSqliteStore({ path: ':memory:' });
  const writer = await testApp({ store });
  const reader = await testApp({ store, ...readerOptions });
  const id = (await writer.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id;
  const run = (await writer.inject({ method: 'POST', url: `/api/v1/scenarios/${id}/runs`, headers: asPlanner })).json().id as string;
  const counter = {
    writer,
    reader,
    run,
    reads: 0,
    async close() {
      await reader.close();
      await writer.close();
    },
  };
  const getRunJson = store.getRunJson.bind(store);
  store.getRunJson = (runId) => {
    counter.reads++;
    return getRunJson(runId);
  };
  return counter;
}

describe('stored runs', () => {
  it('carry a strong ETag: 200 then 304 on If-None-Match, the same ETag on every read', async () => {
    const first = await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, headers: asPlanner });
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);
    const second = await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, headers: asPlanner });
    expect(second.headers.etag).toBe(etag);
    expect(second.body).toBe(first.body);
    const notModified = await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, headers: { ...asPlanner, 'if-none-match': etag } });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    const other = await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, headers: { ...asPlanner, 'if-none-match': '"something-else"' } });
    expect(other.statusCode).toBe(200);
  });

  it('compressed (brotli, gzip) decodes to the same run', async () => {
    const plain = await raw('GET', `/api/v1/runs/${runId}`, asPlanner);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await raw('GET', `/api/v1/runs/${runId}`, { ...asPlanner, 'accept-encoding': 'br, gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.bytes.length).toBeLessThan(plain.bytes.length);
    expect(brotliDecompressSync(br.bytes).toString('utf8')).toBe(plain.bytes.toString('utf8'));
    const gz = await raw('GET', `/api/v1/runs/${runId}`, { ...asPlanner, 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.bytes).toString('utf8')).toBe(plain.bytes.toString('utf8'));
  });

  it('each encoding is a representation with a strong ETag of its own; If-None-Match matches the one the client would get', async () => {
    const url = `/api/v1/runs/${runId}`;
    const tags = new Map<string, string>();
    for (const encoding of ['identity', 'gzip', 'br']) {
      const res = await raw('GET', url, { ...asPlanner, 'accept-encoding': encoding });
      expect(res.headers['content-encoding'] ?? 'identity').toBe(encoding);
      tags.set(encoding, res.headers.etag as string);
      const again = await raw('GET', url, { ...asPlanner, 'accept-encoding': encoding, 'if-none-match': res.headers.etag as string });
      expect(again.status, encoding).toBe(304);
      expect(again.headers.etag).toBe(res.headers.etag);
      expect(again.bytes.length).toBe(0);
    }
    expect(new Set(tags.values()).size).toBe(3);
    // HEAD answers as GET does; its 304 gives the length a 200 would have, not 0.
    for (const encoding of ['identity', 'br']) {
      const get = await raw('GET', url, { ...asPlanner, 'accept-encoding': encoding });
      const head = await raw('HEAD', url, { ...asPlanner, 'accept-encoding': encoding });
      expect(head.status).toBe(200);
      expect(head.headers.etag).toBe(get.headers.etag);
      expect(head.headers['content-length']).toBe(String(get.bytes.length));
      const head304 = await raw('HEAD', url, { ...asPlanner, 'accept-encoding': encoding, 'if-none-match': tags.get(encoding)! });
      expect(head304.status).toBe(304);
      expect(head304.headers['content-length']).toBe(String(get.bytes.length));
    }
    // The identity ETag does not stand for the brotli bytes, nor the other way round.
    const brWithIdentityTag = await raw('GET', url, { ...asPlanner, 'accept-encoding': 'br', 'if-none-match': tags.get('identity')! });
    expect(brWithIdentityTag.status).toBe(200);
    expect(brWithIdentityTag.headers.etag).toBe(tags.get('br'));
    const identityWithBrTag = await raw('GET', url, { ...asPlanner, 'if-none-match': tags.get('br')! });
    expect(identityWithBrTag.status).toBe(200);
    // A client that weighs identity above an encoding gets identity; one that refuses it, the encoding.
    expect((await raw('GET', url, { ...asPlanner, 'accept-encoding': 'gzip;q=0.5, identity;q=1' })).headers['content-encoding']).toBeUndefined();
    expect((await raw('GET', url, { ...asPlanner, 'accept-encoding': 'br;q=0.2, identity;q=0' })).headers['content-encoding']).toBe('br');
    expect((await raw('GET', url, { ...asPlanner, 'accept-encoding': 'br, gzip' })).headers['content-encoding']).toBe('br');
  });

  it("a run's 201 carries the run's ETag, the one a read answers with; its idempotent replay is the identity bytes with theirs", async () => {
    const id = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id;
    const headers = { ...asPlanner, 'accept-encoding': 'br', 'idempotency-key': `etag-${id}` };
    const created = await raw('POST', `/api/v1/scenarios/${id}/runs`, headers);
    expect(created.status).toBe(201);
    expect(created.headers['content-encoding']).toBe('br');
    const location = created.headers.location as string;
    const read = await raw('GET', location, { ...asPlanner, 'accept-encoding': 'br' });
    expect(created.headers.etag).toBe(read.headers.etag);
    expect(brotliDecompressSync(created.bytes).equals(brotliDecompressSync(read.bytes))).toBe(true);
    expect((await raw('GET', location, { ...asPlanner, 'accept-encoding': 'br', 'if-none-match': created.headers.etag as string })).status).toBe(304);
    const replay = await raw('POST', `/api/v1/scenarios/${id}/runs`, headers);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const plain = await raw('GET', location, asPlanner);
    expect(replay.headers['content-encoding']).toBeUndefined();
    expect(replay.bytes.equals(plain.bytes)).toBe(true);
    expect(replay.headers.etag).toBe(plain.headers.etag);
  });

  it('a comparison of two runs is kept and served like a run: a strong ETag per encoding, 304, Vary, and one making for many requests at once', async () => {
    const counter = await storeWithRun();
    try {
      const second = (await counter.writer.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: { ...SCENARIO, name: 'second' } })).json().id;
      const other = (await counter.writer.inject({ method: 'POST', url: `/api/v1/scenarios/${second}/runs`, headers: asPlanner })).json().id as string;
      const url = `/api/v1/compare?runs=${counter.run},${other}`;
      counter.reads = 0;
      const many = await Promise.all(Array.from({ length: 8 }, () => counter.reader.inject({ method: 'GET', url, headers: { ...asPlanner, 'accept-encoding': 'gzip' } })));
      expect(many.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
      expect(counter.reads).toBe(2);
      const etag = many[0]!.headers.etag as string;
      expect(etag).toMatch(/^"[^"]+-gzip"$/);
      expect(many.every((r) => r.headers.etag === etag && r.headers['content-encoding'] === 'gzip' && r.headers.vary === 'authorization, accept-encoding')).toBe(true);
      expect(JSON.parse(gunzipSync(many[0]!.rawPayload).toString('utf8'))).toEqual((await counter.reader.inject({ method: 'GET', url, headers: asPlanner })).json());
      const notModified = await counter.reader.inject({ method: 'GET', url, headers: { ...asPlanner, 'accept-encoding': 'gzip', 'if-none-match': etag } });
      expect(notModified.statusCode).toBe(304);
      expect(counter.reads).toBe(2);
    } finally {
      await counter.close();
    }
  });

  it("with CORS on, a kept answer's Vary keeps Origin beside Accept-Encoding and Authorization, and a preflight allows If-None-Match", async () => {
    const cors = await testApp({ corsOrigins: ['http://app.example'] });
    try {
      const id = (await cors.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id;
      const run = (await cors.inject({ method: 'POST', url: `/api/v1/scenarios/${id}/runs`, headers: asPlanner })).json().id;
      const res = await cors.inject({ method: 'GET', url: `/api/v1/runs/${run}`, headers: { ...asPlanner, origin: 'http://app.example' } });
      expect(String(res.headers.vary).split(/\s*,\s*/).map((f) => f.toLowerCase()).sort()).toEqual(['accept-encoding', 'authorization', 'origin']);
      const preflight = await cors.inject({
        method: 'OPTIONS',
        url: `/api/v1/runs/${run}`,
        headers: { origin: 'http://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,if-none-match' },
      });
      expect(String(preflight.headers['access-control-allow-headers'])).toContain('if-none-match');
    } finally {
      await cors.close();
    }
  });

  it('read again from the store, each answer is made in the CPU pool: the same bytes and ETag as when the run was stored, and its flows, CSV and a comparison as the plan gives them', async () => {
    // Two apps on one store: the second keeps no response, so it reads every run from the store.
    const store = openSqliteStore({ path: ':memory:' });
    const writer = await testApp({ store });
    const reader = await testApp({ store });
    try {
      const id = (await writer.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id;
      const stored = await writer.inject({ method: 'POST', url: `/api/v1/scenarios/${id}/runs`, headers: asPlanner });
      const other = await writer.inject({ method: 'POST', url: `/api/v1/scenarios/${id}/runs`, headers: asPlanner, payload: {} });
      const [a, b] = [stored.json().id as string, other.json().id as string];
      const written = await writer.inject({ method: 'GET', url: `/api/v1/runs/${a}`, headers: asPlanner });
      const read = await reader.inject({ method: 'GET', url: `/api/v1/runs/${a}`, headers: asPlanner });
      expect(read.statusCode).toBe(200);
      expect(read.body).toBe(written.body);
      expect(read.body).toBe(stored.body);
      expect(read.headers.etag).toBe(written.headers.etag);
      const run = (await store.getRun(a))!;
      expect(read.headers.etag).toBe(runResponse(run, true).etag);

      const flows = await reader.inject({ method: 'GET', url: `/api/v1/runs/${a}/flows.geojson`, headers: asPlanner });
      expect(flows.headers['content-type']).toContain('application/geo+json');
      expect(flows.json()).toEqual(run.plan.flows);
      expect(run.plan.flows.features.length).toBeGreaterThan(0);
      const csv = await reader.inject({ method: 'GET', url: `/api/v1/runs/${a}/allocation.csv`, headers: asPlanner });
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body).toBe(allocationCsv(run.plan));
      const compared = await reader.inject({ method: 'GET', url: `/api/v1/compare?runs=${a},${b}`, headers: asPlanner });
      expect(compared.statusCode).toBe(200);
      expect(compared.json()).toEqual(JSON.parse(JSON.stringify(compareRuns(run, (await store.getRun(b))!))));
      // Unknown runs are 404s, as before, without the pool.
      expect((await reader.inject({ method: 'GET', url: `/api/v1/runs/run_nope/flows.geojson`, headers: asPlanner })).statusCode).toBe(404);
      expect((await reader.inject({ method: 'GET', url: `/api/v1/compare?runs=${a},run_nope`, headers: asPlanner })).statusCode).toBe(404);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it.each([
    ['flows.geojson', 'application/geo+json'],
    ['allocation.csv', 'text/csv'],
  ])('its %s is kept like the run: a strong ETag the same from any server on the store, 304, brotli and gzip that decode to it, the store read once', async (file, type) => {
    const at = await storeWithRun();
    const { writer, reader, run } = at;
    try {
      const url = `/api/v1/runs/${run}/${file}`;
      const fromWriter = await writer.inject({ method: 'GET', url, headers: asPlanner });
      at.reads = 0;
      const first = await reader.inject({ method: 'GET', url, headers: asPlanner });
      expect(first.statusCode).toBe(200);
      expect(first.headers['content-type']).toContain(type);
      expect(first.headers['cache-control']).toBe('private, max-age=31536000, immutable');
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[^"]+"$/);
      expect(fromWriter.headers.etag).toBe(etag);
      expect(fromWriter.rawPayload.equals(first.rawPayload)).toBe(true);
      if (file === 'allocation.csv') expect(first.headers['content-disposition']).toBe(`attachment; filename="${run}-allocation.csv"`);
      const notModified = await reader.inject({ method: 'GET', url, headers: { ...asPlanner, 'if-none-match': etag } });
      expect(notModified.statusCode).toBe(304);
      expect(notModified.rawPayload.length).toBe(0);
      const br = await reader.inject({ method: 'GET', url, headers: { ...asPlanner, 'accept-encoding': 'br' } });
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.rawPayload).equals(first.rawPayload)).toBe(true);
      const gz = await reader.inject({ method: 'GET', url, headers: { ...asPlanner, 'accept-encoding': 'gzip' } });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).equals(first.rawPayload)).toBe(true);
      // The reader made it once from the store; every later answer came from what it kept.
      expect(at.reads).toBe(1);
    } finally {
      await at.close();
    }
  });

  it('many requests at once for an answer not kept yet share one making of it: each gets it, the store is read once, no 503 from one caller past its queue places', async () => {
    const at = await storeWithRun({ queueLimits: { perKey: 1, total: 16 } });
    try {
      for (const file of ['flows.geojson', 'allocation.csv']) {
        at.reads = 0;
        const answers = await Promise.all(Array.from({ length: 8 }, () => at.reader.inject({ method: 'GET', url: `/api/v1/runs/${at.run}/${file}`, headers: asPlanner })));
        expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(200));
        expect(new Set(answers.map((a) => a.headers.etag)).size).toBe(1);
        expect(at.reads).toBe(1);
      }
    } finally {
      await at.close();
    }
  });

  it('a stored scenario is sent as its stored text inside the checked record: the same bytes as serialising the parsed record', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const reader = await testApp({ store });
    try {
      const { network, horizon } = generateNetwork(5_000, 2);
      const bodies = [
        SCENARIO,
        { name: 'generated – network', horizon: { kind: horizon }, network, overrides: { freightMultiplier: 1.1000000000000001, exportPriceMultiplier: 0.1 + 0.2 } },
        { name: 'clearing', market: 'clearing', horizon: { kind: 'monthly' }, policy: { domesticShare: 0.6, basis: 'production' } },
      ];
      for (const body of bodies) {
        const created = await reader.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: body });
        expect(created.statusCode).toBe(201);
        const read = await reader.inject({ method: 'GET', url: `/api/v1/scenarios/${created.json().id}`, headers: asPlanner });
        expect(read.statusCode).toBe(200);
        expect(read.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(read.headers.etag).toBe(created.headers.etag);
        expect(read.body).toBe(JSON.stringify(ScenarioRecord.parse(await store.getScenario(created.json().id))));
        expect(read.json()).toEqual(created.json());
      }
      expect((await reader.inject({ method: 'GET', url: '/api/v1/scenarios/sc_nope', headers: asPlanner })).statusCode).toBe(404);
    } finally {
      await reader.close();
    }
  });

  it('runs of a stored scenario: the same version run again gives the same plan, a new version is solved as it now is, and each run answers with the bytes a read gives', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const app2 = await testApp({ store });
    const reader = await testApp({ store });
    try {
      const { network, horizon } = generateNetwork(3_000, 4);
      const body = { name: 'run again', horizon: { kind: horizon }, network };
      const id = (await app2.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: body })).json().id as string;
      const runs = [];
      for (let i = 0; i < 2; i++) runs.push(await app2.inject({ method: 'POST', url: `/api/v1/scenarios/${id}/runs`, headers: asPlanner }));
      const changed = await app2.inject({ method: 'PUT', url: `/api/v1/scenarios/${id}`, headers: { ...asPlanner, 'if-match': '"1"' }, payload: { ...body, overrides: { exportPriceMultiplier: 1.4 } } });
      expect(changed.statusCode).toBe(200);
      runs.push(await app2.inject({ method: 'POST', url: `/api/v1/scenarios/${id}/runs`, headers: asPlanner }));
      const [first, again, after] = runs.map((r) => r.json());
      expect(runs.map((r) => r.statusCode)).toEqual([201, 201, 201]);
      expect([first.scenarioVersion, again.scenarioVersion, after.scenarioVersion]).toEqual([1, 1, 2]);
      expect(again.inputsHash).toBe(first.inputsHash);
      expect(after.inputsHash).not.toBe(first.inputsHash);
      expect([first.scenario.overrides.exportPriceMultiplier, after.scenario.overrides.exportPriceMultiplier]).toEqual([1, 1.4]);
      expect(again.scenario).toEqual(first.scenario);
      for (const run of runs) {
        const read = await reader.inject({ method: 'GET', url: `/api/v1/runs/${run.json().id}`, headers: asPlanner });
        expect(read.body).toBe(run.body);
      }
    } finally {
      await reader.close();
      await app2.close();
    }
  });

  it('without flows: the same figures, no GeoJSON, an ETag of its own', async () => {
    const full = await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, headers: asPlanner });
    const light = await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}?flows=false`, headers: asPlanner });
    expect(light.statusCode).toBe(200);
    expect(light.body.length).toBeLessThan(full.body.length);
    expect(light.headers.etag).not.toBe(full.headers.etag);
    const { flows, ...rest } = full.json().plan;
    expect(flows.features.length).toBeGreaterThan(0);
    expect(light.json().plan).toEqual({ ...rest, flows: { type: 'FeatureCollection', features: [] } });
  });
});

describe('the lighter plan of a market-clearing run', () => {
  it("leaves out the competitors' flows as well as ours; every figure the same", async () => {
    const body = JSON.stringify({ ...SCENARIO, name: 'Cleared', market: 'clearing' });
    const json = { ...asPlanner, 'content-type': 'application/json' };
    const full = JSON.parse((await raw('POST', '/api/v1/optimise', json, body)).bytes.toString('utf8'));
    const light = JSON.parse((await raw('POST', '/api/v1/optimise?flows=false', json, body)).bytes.toString('utf8'));
    expect(full.clearing.competitorFlows.features.length).toBeGreaterThan(0);
    expect(light.flows.features).toEqual([]);
    expect(light.clearing.competitorFlows.features).toEqual([]);
    const figures = (plan: { clearing: object; solver: object; flows: unknown }) => ({ ...plan, flows: null, solver: null, clearing: { ...plan.clearing, competitorFlows: null } });
    expect(figures(light)).toEqual(figures(full));
  });
});

describe('POST /optimise', () => {
  it('a compressed plan decodes to the same plan; the lighter plan has the same KPIs', async () => {
    const body = JSON.stringify(SCENARIO);
    const headers = { ...asPlanner, 'content-type': 'application/json' };
    const plain = await raw('POST', '/api/v1/optimise', headers, body);
    const gz = await raw('POST', '/api/v1/optimise', { ...headers, 'accept-encoding': 'gzip' }, body);
    expect(gz.headers['content-encoding']).toBe('gzip');
    const a = JSON.parse(plain.bytes.toString('utf8'));
    const b = JSON.parse(gunzipSync(gz.bytes).toString('utf8'));
    const timing = (p: { solver: object }) => ({ ...p, solver: { ...p.solver, buildMs: 0, solveMs: 0, totalMs: 0 } });
    expect(timing(b)).toEqual(timing(a));
    const light = await raw('POST', '/api/v1/optimise?flows=false', headers, body);
    const c = JSON.parse(light.bytes.toString('utf8'));
    expect(c.kpis).toEqual(a.kpis);
    expect(c.markets).toEqual(a.markets);
    expect(c.flows.features).toEqual([]);
    expect(light.bytes.length).toBeLessThan(plain.bytes.length);
  });
});

describe('Server-Timing', () => {
  const ORDER = ['wait', 'plan', 'build', 'solve', 'serialise', 'return', 'total'];
  /** Every duration a finite number of ms, and each figure read from what it claims to time. */
  function checkTiming(header: string | string[] | undefined, plan: { solver: { buildMs: number; solveMs: number; totalMs: number } }): Map<string, number> {
    expect(typeof header).toBe('string');
    const timing = parseServerTiming(header as string);
    for (const [, ms] of timing) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
    // The model build and the first solve are the plan's own figures; the pipeline contains them and
    // the plan's own total (measured inside it).
    expect(timing.get('build')).toBeCloseTo(plan.solver.buildMs, 2);
    expect(timing.get('solve')).toBeCloseTo(plan.solver.solveMs, 2);
    expect(timing.get('plan')!).toBeGreaterThanOrEqual(plan.solver.totalMs - 0.01);
    // The server's total holds every step (one clock across threads: 1 ms for its rounding).
    const steps = ['wait', 'plan', 'serialise', 'return'].reduce((sum, name) => sum + timing.get(name)!, 0);
    expect(steps).toBeLessThanOrEqual(timing.get('total')! + 1);
    return timing;
  }

  it('POST /optimise tells where its time went, each figure consistent with the plan', async () => {
    const answer = await raw('POST', '/api/v1/optimise', { ...asPlanner, 'content-type': 'application/json' }, JSON.stringify(SCENARIO));
    expect(answer.status).toBe(200);
    const timing = checkTiming(answer.headers['server-timing'], JSON.parse(answer.bytes.toString('utf8')));
    expect([...timing.keys()]).toEqual(ORDER);
    // Serialised in the pool thread: a 50 KB plan takes some time to check and write.
    expect(timing.get('serialise')!).toBeGreaterThan(0);
  });

  it('POST /scenarios/:id/runs adds the store; an idempotent replay solves nothing and carries none', async () => {
    const id = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id;
    const headers = { ...asPlanner, 'idempotency-key': `server-timing-${id}` };
    const created = await raw('POST', `/api/v1/scenarios/${id}/runs`, headers);
    expect(created.status).toBe(201);
    const timing = checkTiming(created.headers['server-timing'], JSON.parse(created.bytes.toString('utf8')).plan);
    expect([...timing.keys()]).toEqual([...ORDER.slice(0, -1), 'store', 'total']);
    const replayed = await raw('POST', `/api/v1/scenarios/${id}/runs`, headers);
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.headers['server-timing']).toBeUndefined();
  });
});

describe('answers kept a year by a browser', () => {
  it('vary by Authorization as well as Accept-Encoding: a request without the key that read them is never served from a cache', async () => {
    const other = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: { ...SCENARIO, name: 'other' } })).json().id;
    const second = (await app.inject({ method: 'POST', url: `/api/v1/scenarios/${other}/runs`, headers: asPlanner })).json().id;
    for (const path of [`/api/v1/runs/${runId}`, `/api/v1/runs/${runId}?flows=false`, `/api/v1/runs/${runId}/flows.geojson`, `/api/v1/runs/${runId}/allocation.csv`, `/api/v1/compare?runs=${runId},${second}`]) {
      const res = await raw('GET', path, { ...asPlanner, 'accept-encoding': 'gzip' });
      expect(res.status, path).toBe(200);
      expect(String(res.headers['cache-control']), path).toMatch(/^private, max-age=31536000/);
      expect(String(res.headers.vary).toLowerCase().split(/\s*,\s*/).sort(), path).toEqual(['accept-encoding', 'authorization']);
    }
  });
});

describe('Accept-Encoding read one way on every route', () => {
  const IDENTITY_FIRST = 'gzip;q=0.5, identity';
  it.each(['/api/v1/network', '/api/v1/network.geojson', '/openapi.json', 'run'])('%s: identity weighed above gzip is the identity bytes under the identity ETag; x-gzip is gzip', async (which) => {
    const path = which === 'run' ? `/api/v1/runs/${runId}` : which;
    const plain = await raw('GET', path, asPlanner);
    const identityFirst = await raw('GET', path, { ...asPlanner, 'accept-encoding': IDENTITY_FIRST });
    expect(identityFirst.headers['content-encoding']).toBeUndefined();
    expect(identityFirst.headers.etag).toBe(plain.headers.etag);
    expect(identityFirst.bytes.equals(plain.bytes)).toBe(true);
    const head = await raw('HEAD', path, { ...asPlanner, 'accept-encoding': IDENTITY_FIRST });
    expect(Number(head.headers['content-length'])).toBe(plain.bytes.length);
    const xgzip = await raw('GET', path, { ...asPlanner, 'accept-encoding': 'x-gzip' });
    expect(xgzip.headers['content-encoding']).toBe('gzip');
    expect(xgzip.headers.etag).not.toBe(plain.headers.etag);
    expect(gunzipSync(xgzip.bytes).equals(plain.bytes)).toBe(true);
  });

  it('POST /optimise (compressed by the plugin): identity weighed above gzip is sent as identity, x-gzip as gzip', async () => {
    const body = JSON.stringify(SCENARIO);
    const json = { ...asPlanner, 'content-type': 'application/json' };
    const identityFirst = await raw('POST', '/api/v1/optimise?flows=false', { ...json, 'accept-encoding': IDENTITY_FIRST }, body);
    expect(identityFirst.status).toBe(200);
    expect(identityFirst.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(identityFirst.bytes.toString('utf8')).kpis).toBeTruthy();
    const xgzip = await raw('POST', '/api/v1/optimise?flows=false', { ...json, 'accept-encoding': 'x-gzip' }, body);
    expect(xgzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(xgzip.bytes).toString('utf8')).kpis).toEqual(JSON.parse(identityFirst.bytes.toString('utf8')).kpis);
  });
});

describe('answers that never change while the server runs', () => {
  it.each([
    ['/api/v1/network', 'application/json'],
    ['/api/v1/network.geojson', 'application/geo+json'],
    ['/openapi.json', 'application/json'],
  ])('%s: the same bytes each time with a strong ETag, 304 on If-None-Match, brotli that decodes to them', async (path, type) => {
    const first = await raw('GET', path, asPlanner);
    expect(first.status).toBe(200);
    expect(String(first.headers['content-type'])).toContain(type);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);
    // A document, parsed back, with what the route's schema keeps.
    expect(typeof JSON.parse(first.bytes.toString('utf8'))).toBe('object');
    const again = await raw('GET', path, asPlanner);
    expect(again.headers.etag).toBe(etag);
    expect(again.bytes.equals(first.bytes)).toBe(true);
    const notModified = await raw('GET', path, { ...asPlanner, 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.bytes.length).toBe(0);
    const br = await raw('GET', path, { ...asPlanner, 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.bytes).equals(first.bytes)).toBe(true);
  });

  it('the OpenAPI document declares If-None-Match on every read that answers 304, so a typed client can send it', async () => {
    const doc = JSON.parse((await raw('GET', '/openapi.json', asPlanner)).bytes.toString('utf8')) as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; responses: Record<string, unknown> }>>;
    };
    const with304 = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => '304' in op.responses).map(([method, op]) => ({ route: `${method} ${path}`, op })));
    expect(with304.map((r) => r.route).sort()).toEqual(
      ['get /api/v1/compare', 'get /api/v1/network', 'get /api/v1/network.geojson', 'get /api/v1/runs/{id}', 'get /api/v1/runs/{id}/allocation.csv', 'get /api/v1/runs/{id}/flows.geojson', 'get /api/v1/scenarios/{id}'].sort(),
    );
    for (const { route, op } of with304) expect(op.parameters?.some((p) => p.in === 'header' && p.name === 'if-none-match'), route).toBe(true);
  });

  it('GET /network is the default network as the Network schema gives it', async () => {
    const answer = await raw('GET', '/api/v1/network', asPlanner);
    const { Network } = await import('../../server/core/schema.ts');
    const network = (await loadRealModel()).loadDefaultNetwork();
    expect(JSON.parse(answer.bytes.toString('utf8'))).toEqual(JSON.parse(JSON.stringify(Network.parse(network))));
  });
});
