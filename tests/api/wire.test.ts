/**
 * On the wire: stored runs with a strong ETag (200, then 304 on If-None-Match), compressed answers
 * that decode to the same plan, and the lighter plan (`?flows=false`) with the same figures.
 */
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { asPlanner, SCENARIO, testApp } from './helpers.ts';

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
