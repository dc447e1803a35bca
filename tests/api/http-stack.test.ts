/**
 * The two HTTP helpers pinned to Node-20 releases in package.json `overrides`, called the way their
 * dependents call them: content-disposition through @fastify/static's `reply.download`, cookie
 * through light-my-request's `inject({ cookies })`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'caspian-http-stack-'));
writeFileSync(join(root, 'plan 2027 é.csv'), 'market,tonnes\nAktau,1000\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the HTTP stack on Node 20', () => {
  it('sends a download with its Content-Disposition (content-disposition under @fastify/static)', async () => {
    const app = Fastify();
    await app.register(fastifyStatic, { root, serve: false });
    app.get('/file', (_request, reply) => reply.download('plan 2027 é.csv'));
    const res = await app.inject({ method: 'GET', url: '/file' });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('market,tonnes\nAktau,1000\n');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="plan 2027 ?.csv"; filename*=UTF-8''plan%202027%20%C3%A9.csv`);
  });

  it('sends the cookies an injected request carries (cookie under light-my-request)', async () => {
    const app = Fastify();
    app.get('/echo', (request) => ({ cookie: request.headers.cookie ?? null }));
    const res = await app.inject({ method: 'GET', url: '/echo', cookies: { session: 'a b', theme: 'dark' } });
    await app.close();
    expect(res.json()).toEqual({ cookie: 'session=a%20b; theme=dark' });
  });
});
