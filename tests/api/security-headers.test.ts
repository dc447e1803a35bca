/**
 * The security headers set from the list worked out once (server/api/security-headers.ts) are the
 * ones `@fastify/helmet` sends with the same options: same names, values and order, on a route, a
 * 404 and an error; and the real app sends them.
 */
import { describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import { registerSecurityHeaders, securityHeaderSteps, SECURITY_HEADER_OPTIONS } from '../../server/api/security-headers.ts';
import { testApp } from './helpers.ts';

async function withRoutes(app: FastifyInstance): Promise<FastifyInstance> {
  app.get('/ok', async () => ({ ok: true }));
  app.get('/fails', async () => {
    throw new Error('broken');
  });
  await app.ready();
  return app;
}

/** Every response header but the date, in the order sent. */
async function headersOf(app: FastifyInstance, url: string): Promise<[string, unknown][]> {
  const res = await app.inject({ method: 'GET', url });
  return Object.entries(res.headers).filter(([name]) => name !== 'date');
}

describe('security headers', () => {
  it('are the headers @fastify/helmet sends with the same options, in the same order', async () => {
    const reference = Fastify();
    // The same options object; @fastify/helmet types it through helmet's CommonJS declarations.
    await reference.register(fastifyHelmet, { ...SECURITY_HEADER_OPTIONS } as never);
    await withRoutes(reference);
    const ours = Fastify();
    registerSecurityHeaders(ours);
    await withRoutes(ours);
    for (const url of ['/ok', '/missing', '/fails']) {
      const expected = await headersOf(reference, url);
      expect(expected.map(([name]) => name)).toContain('content-security-policy');
      expect(await headersOf(ours, url)).toEqual(expected);
    }
    await reference.close();
    await ours.close();
  });

  it('refuses options whose headers depend on the request', () => {
    const perRequest = { contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'", (req: unknown) => `'nonce-${String(req)}'`] } } };
    expect(() => securityHeaderSteps(perRequest)).toThrow(/request/);
  });

  it('are sent by the app on its API and service routes', async () => {
    const app = await testApp();
    const expected = securityHeaderSteps().flatMap((step) => (step[0] === 'set' ? [[step[1].toLowerCase(), step[2]] as const] : []));
    expect(expected.length).toBeGreaterThan(5);
    for (const url of ['/health', '/api/v1/network.geojson', '/api/v1/missing']) {
      const res = await app.inject({ method: 'GET', url });
      for (const [name, value] of expected) expect(res.headers[name], `${url} ${name}`).toBe(value);
    }
    await app.close();
  });
});
