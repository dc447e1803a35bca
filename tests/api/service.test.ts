/**
 * The service around the routes: keys and roles, public reads, first-start key, rate limits,
 * outcomes as plans, a 500 that reveals nothing, CORS, the map page.
 */
import { writeFileSync } from 'node:fs';
import { tempDir } from '../support/temp.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { configFromEnv } from '../../server/config.ts';
import { Keyring, parseApiKeysEnv, parseApiKeysFile } from '../../server/api/plugins/auth.ts';
import { sha256Hex } from '../../server/core/hash.ts';
import { openSqliteStore } from '../../server/store/sqlite.ts';
import { asPlanner, asViewer, loadRealModel, SCENARIO, slowModel, testApp } from './helpers.ts';

describe('API keys', () => {
  it('reads API_KEYS as role:key pairs and keeps only hashes', () => {
    const keys = parseApiKeysEnv('planner:planner-secret-1, viewer:viewer-secret-1');
    expect(keys.map((k) => k.role)).toEqual(['planner', 'viewer']);
    expect(keys[0]!.sha256).toBe(sha256Hex('planner-secret-1'));
    expect(JSON.stringify(keys)).not.toContain('planner-secret-1');
  });

  it('refuses a malformed API_KEYS rather than running open', () => {
    expect(() => parseApiKeysEnv('admin:whatever-long')).toThrow(/API_KEYS/);
    expect(() => parseApiKeysEnv('planner:short')).toThrow(/API_KEYS/);
    expect(() => parseApiKeysEnv('plannerkeywithoutrole')).toThrow(/API_KEYS/);
  });

  it('reads a keys file with keys or their hashes', () => {
    const keys = parseApiKeysFile({ keys: [{ role: 'viewer', key: 'viewer-secret-2' }, { role: 'planner', sha256: sha256Hex('p-secret-22') }] });
    const ring = new Keyring(keys);
    expect(ring.find('viewer-secret-2')?.role).toBe('viewer');
    expect(ring.find('p-secret-22')?.role).toBe('planner');
    expect(ring.find('p-secret-23')).toBeNull();
    expect(() => parseApiKeysFile([{ role: 'planner', sha256: 'abc' }])).toThrow(/item 0/);
  });

  it('makes reads public by default only when no keys are configured', () => {
    expect(configFromEnv({}).publicRead).toBeUndefined();
    expect(configFromEnv({ PUBLIC_READ: 'false' }).publicRead).toBe(false);
    const dir = tempDir('caspian-keys-');
    writeFileSync(join(dir, 'keys.json'), JSON.stringify([{ role: 'viewer', key: 'viewer-from-file' }]));
    const config = configFromEnv({ API_KEYS: 'planner:planner-from-env', API_KEYS_FILE: join(dir, 'keys.json'), PORT: '8080' });
    expect(config.keys.map((k) => k.role)).toEqual(['planner', 'viewer']);
    expect(config.port).toBe(8080);
    expect(() => configFromEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('picks PostgreSQL with a postgres:// DATABASE_URL, SQLite otherwise', () => {
    expect(configFromEnv({}).databaseUrl).toBeNull();
    expect(configFromEnv({ DATABASE_URL: ' ' }).databaseUrl).toBeNull();
    expect(configFromEnv({ DATABASE_URL: 'postgres://u:p@db:5432/caspian' }).databaseUrl).toBe('postgres://u:p@db:5432/caspian');
    expect(configFromEnv({ DATABASE_URL: 'postgresql://db/caspian', DATABASE_POOL_SIZE: '20' }).databasePoolSize).toBe(20);
    expect(() => configFromEnv({ DATABASE_URL: 'mysql://db/caspian' })).toThrow(/DATABASE_URL/);
  });

  it('creates a planner key on first start, stores its hash, hands it over once', async () => {
    const dir = tempDir('caspian-first-');
    const path = join(dir, 'caspian.db');
    const handed: string[] = [];
    const model = await loadRealModel();
    const first = await buildApp({ store: openSqliteStore({ path }), model, webRoot: null, onPlannerKeyCreated: (k) => void handed.push(k) });
    expect(handed).toHaveLength(1);
    const key = handed[0]!;
    // Reads are public (no configured keys), writes need the new key.
    expect((await first.inject({ method: 'GET', url: '/api/v1/network' })).statusCode).toBe(200);
    expect((await first.inject({ method: 'POST', url: '/api/v1/scenarios', payload: SCENARIO })).statusCode).toBe(401);
    const created = await first.inject({ method: 'POST', url: '/api/v1/scenarios', payload: SCENARIO, headers: { authorization: `Bearer ${key}` } });
    expect(created.statusCode).toBe(201);
    await first.close();

    const store = openSqliteStore({ path });
    const stored = await store.listApiKeys();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.sha256).toBe(sha256Hex(key));
    const second = await buildApp({ store, model, webRoot: null, onPlannerKeyCreated: (k) => void handed.push(k) });
    expect(handed).toHaveLength(1); // no second key
    const again = await second.inject({ method: 'POST', url: '/api/v1/scenarios', payload: SCENARIO, headers: { authorization: `Bearer ${key}` } });
    expect(again.statusCode).toBe(201);
    await second.close();
  });

  it('ignores store keys once keys are configured', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await store.addApiKey('planner', sha256Hex('old-store-key-123'));
    const app = await testApp({ store });
    const res = await app.inject({ method: 'POST', url: '/api/v1/scenarios', payload: SCENARIO, headers: { authorization: 'Bearer old-store-key-123' } });
    expect(res.statusCode).toBe(401);
    await app.close();
  });

  it('serves reads without a key when PUBLIC_READ is on, still not writes', async () => {
    const app = await testApp({ publicRead: true });
    expect((await app.inject({ method: 'GET', url: '/api/v1/scenarios' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/scenarios/sc_x' })).statusCode).toBe(401);
    await app.close();
  });
});

describe('solve outcomes and failures', () => {
  it('answers a solve that hit its time limit with 200 and status timedout', async () => {
    const app = await testApp({ model: await slowModel(0, 'timedout') });
    const res = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: SCENARIO });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('timedout');
    await app.close();
  });

  it('caps a scenario’s time limit at the service ceiling', async () => {
    const real = await loadRealModel();
    let seen = 0;
    const app = await testApp({
      maxSolveMs: 250,
      model: { ...real, optimise: async (s, n, o) => {
        seen = s.timeLimitMs;
        return real.optimise(s, n, o);
      } },
    });
    await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: { ...SCENARIO, timeLimitMs: 600_000 } });
    expect(seen).toBe(250);
    await app.close();
  });

  it('turns an unexpected failure into a 500 that reveals nothing', async () => {
    const real = await loadRealModel();
    const app = await testApp({
      model: { ...real, optimise: async () => Promise.reject(new Error('SQLITE_CORRUPT at /srv/secret/path')) },
    });
    const res = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: SCENARIO });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    const id = res.headers['x-request-id'];
    expect(res.json()).toEqual({
      error: { code: 'internal', message: `Something went wrong on our side; request id ${id} identifies it in the logs`, details: { requestId: id } },
    });
    await app.close();
  });

  it('limits the rate of solves per key (429) but not reads', async () => {
    const app = await testApp({ rateLimit: { max: 2, timeWindowMs: 60_000 }, model: await slowModel(0) });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push((await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: SCENARIO })).statusCode);
    }
    expect(codes).toEqual([200, 200, 429]);
    const limited = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: SCENARIO });
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json()).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "rate_limited",
          "message": "Too many solves: at most 2 per 1 minute; retry later",
        },
      }
    `);
    expect((await app.inject({ method: 'GET', url: '/api/v1/network', headers: asViewer })).statusCode).toBe(200);
    await app.close();
  });
});

describe('browser access', () => {
  it('allows the configured CORS origins only', async () => {
    const app = await testApp({ corsOrigins: ['https://planning.example'] });
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/api/v1/optimise',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const allowed = await preflight('https://planning.example');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://planning.example');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('idempotency-key');
    const other = await preflight('https://elsewhere.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });

  it("a job's event stream carries the CORS headers of the rest of the API, so a page on an allowed origin can follow it", async () => {
    const app = await testApp({ corsOrigins: ['https://planning.example'] });
    const origin = { origin: 'https://planning.example' };
    const accepted = await app.inject({
      method: 'POST',
      url: '/api/v1/analysis/sweeps',
      headers: { ...asPlanner, ...origin },
      payload: { scenario: { name: 'cors' }, axes: [{ parameter: 'exportPriceMultiplier', values: [1] }] },
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    const id = accepted.json().jobId;
    const record = await app.inject({ method: 'GET', url: `/api/v1/analysis/jobs/${id}`, headers: { ...asPlanner, ...origin } });
    expect(record.headers['access-control-allow-origin']).toBe('https://planning.example');
    const events = await app.inject({ method: 'GET', url: `/api/v1/analysis/jobs/${id}/events`, headers: { ...asPlanner, ...origin } });
    expect(events.statusCode, events.body).toBe(200);
    expect(events.headers['content-type']).toContain('text/event-stream');
    expect(events.headers['access-control-allow-origin']).toBe('https://planning.example');
    expect(String(events.headers['access-control-expose-headers'])).toContain('x-request-id');
    expect(events.body).toContain('event: done');
    await app.close();
  });

  it('serves the built map page from the web root', async () => {
    const dir = tempDir('caspian-web-');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Caspian map</title>');
    const app = await testApp({ webRoot: dir });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Caspian map');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await app.inject({ method: 'GET', url: '/missing.js' })).statusCode).toBe(404);
    await app.close();
  });
});
