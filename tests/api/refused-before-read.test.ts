/**
 * The job routes read bodies of up to 1 MB on the event loop, so a caller who will be refused is
 * refused before the body is read: with the solve budget spent (429) or every job slot taken (503);
 * so is a PUT of a stored scenario without If-Match, at a stale version or of an unknown scenario:
 * the answer comes back while most of a 1 MB body is still unsent. Real socket; the answer is an
 * event, awaited with a deadline (a server that reads the body first never answers).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../server/jobs/queue.ts';
import { asPlanner, SCENARIO, testApp } from './helpers.ts';

const DECLARED_BYTES = 1_000_000;

/** Sends the headers of a 1 MB JSON body and its first few hundred bytes only; resolves with the answer. */
function partialPost(app: FastifyInstance, path: string, method = 'POST', headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { ...asPlanner, 'content-type': 'application/json', 'content-length': String(DECLARED_BYTES), ...headers } });
    // A deadline, not a pause: a server that reads the body first never answers this request.
    const deadline = setTimeout(() => {
      req.destroy();
      reject(new Error('no answer while the body was unsent: the server was reading the body before refusing'));
    }, 10_000);
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => {
        clearTimeout(deadline);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.write(`{"draws":100,"scenario":{"name":"x"},"padding":"${'x'.repeat(500)}`);
  });
}

/** A job queue whose every slot is taken. */
const fullQueue = (): JobQueue => ({
  mode: 'in-process',
  full: () => true,
  submit: async () => {
    throw new Error('not reached');
  },
  get: async () => null,
  result: async () => null,
  cancel: async () => false,
  subscribe: async () => () => {},
  close: async () => {},
});

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

describe('a refused job request is answered before its body is read', () => {
  for (const path of ['/api/v1/analysis/montecarlo', '/api/v1/analysis/sweeps']) {
    it(`${path}: solve budget spent → 429`, async () => {
      app = await testApp({ rateLimit: { max: 1, timeWindowMs: 60_000 } });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const spent = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: { ...asPlanner, 'content-type': 'application/json' }, payload: SCENARIO });
      expect(spent.statusCode).toBe(200);
      const answer = await partialPost(app, path);
      expect(answer.status).toBe(429);
      expect(JSON.parse(answer.body).error.code).toBe('rate_limited');
    });

    it(`${path}: every job slot taken → 503`, async () => {
      app = await testApp({ jobs: fullQueue() });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const answer = await partialPost(app, path);
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body).error.code).toBe('overloaded');
    });
  }
});

describe('a write to a stored scenario that will be refused is answered before its body is read', () => {
  it('PUT /scenarios/:id: no If-Match → 428, a stale version → 409, an unknown scenario → 404', async () => {
    app = await testApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const id = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id as string;
    const missing = await partialPost(app, `/api/v1/scenarios/${id}`, 'PUT');
    expect([missing.status, JSON.parse(missing.body).error.code]).toEqual([428, 'precondition_required']);
    const stale = await partialPost(app, `/api/v1/scenarios/${id}`, 'PUT', { 'if-match': '"7"' });
    expect([stale.status, JSON.parse(stale.body).error.code]).toEqual([409, 'version_conflict']);
    const unknown = await partialPost(app, '/api/v1/scenarios/sc_nowhere', 'PUT', { 'if-match': '"1"' });
    expect(unknown.status).toBe(404);
    // The current version goes on to read the body (a whole one here): the write is made.
    const put = await app.inject({ method: 'PUT', url: `/api/v1/scenarios/${id}`, headers: { ...asPlanner, 'if-match': '"1"' }, payload: { ...SCENARIO, name: 'Renamed' } });
    expect([put.statusCode, put.json().version]).toEqual([200, 2]);
  });
});
