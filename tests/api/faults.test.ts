/**
 * Faults of the database under the API: while it is unreachable the routes that need it answer
 * 503 `store_unavailable` (never 500, never a crash), `/health` stays up, `/ready` says 503, and
 * the API recovers by itself when the database is back. The kill -9 of the API process during
 * writes is in restart.test.ts, on both stores.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Store } from '../../server/store/store.ts';
import { StoreUnavailableError } from '../../server/store/store.ts';
import { findPostgresBin, startPostgresCluster, createTestDatabase, type PostgresCluster } from '../support/postgres.ts';
import { BUILD_TIMEOUT_MS, buildServer } from '../support/build.ts';
import { freePort, killAllServers, startServer } from '../support/server.ts';
import { postgresDatabase } from '../support/stores.ts';
import { asPlanner, asViewer, SCENARIO, slowModel, testApp } from './helpers.ts';
import { until } from '../jobs/helpers.ts';

const PLANNER = 'faults-planner-key-123';
const auth = { authorization: `Bearer ${PLANNER}`, 'content-type': 'application/json' };

/** A store whose database is gone: every call fails as the PostgreSQL store fails when it cannot connect. */
function unreachableStore(): Store {
  const fail = async () => {
    throw new StoreUnavailableError('the database is not reachable: connect ECONNREFUSED 127.0.0.1:5432');
  };
  return new Proxy({} as Store, { get: (_t, name) => (name === 'close' ? async () => undefined : fail) });
}

describe('an unreachable store', () => {
  it('is a 503 store_unavailable with Retry-After on the routes that need it; /health stays 200, /ready is 503', async () => {
    const app = await testApp({ store: unreachableStore() });
    try {
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'unavailable', store: 'unreachable' });
      for (const [method, url, body] of [
        ['GET', '/api/v1/scenarios', undefined],
        ['GET', '/api/v1/scenarios/sc_1', undefined],
        ['POST', '/api/v1/scenarios', SCENARIO],
        ['GET', '/api/v1/runs/run_1', undefined],
        ['POST', '/api/v1/scenarios/sc_1/runs', undefined],
      ] as const) {
        const res = await app.inject({ method, url, headers: asPlanner, ...(body ? { payload: body } : {}) });
        expect(res.statusCode, `${method} ${url}`).toBe(503);
        expect(res.json().error.code).toBe('store_unavailable');
        expect(res.headers['retry-after']).toBe('1');
        expect(res.body).not.toMatch(/ECONNREFUSED|5432/); // no internals
      }
      // An Idempotency-Key needs the store too: 503, not 500.
      const keyed = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: { ...asPlanner, 'idempotency-key': 'k1' }, payload: SCENARIO });
      expect(keyed.statusCode).toBe(503);
      // A one-off solve stores nothing: it still works.
      expect((await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asViewer, payload: SCENARIO })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

const adminUrl = inject('postgresUrl');

describe.skipIf(!adminUrl)('PostgreSQL under the API', () => {
  it('closing the app waits for a run being solved, stores it, then closes the pool', async () => {
    const db = postgresDatabase(await createTestDatabase(adminUrl!));
    const store = await db.open();
    let solving!: () => void;
    const started = new Promise<void>((resolve) => (solving = resolve));
    const app = await testApp({ store, model: await slowModel(400, 'optimal', () => solving()) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const headers = { ...asPlanner, 'content-type': 'application/json' };
    const created = (await (await fetch(`${base}/api/v1/scenarios`, { method: 'POST', headers, body: JSON.stringify(SCENARIO) })).json()) as { id: string };
    const run = fetch(`${base}/api/v1/scenarios/${created.id}/runs`, { method: 'POST', headers: asPlanner });
    await started;
    const closed = app.close();
    const res = await run;
    expect(res.status).toBe(201);
    const { id: runId } = (await res.json()) as { id: string };
    await closed;
    await expect(store.ping()).rejects.toThrow(/closed/);
    const reopened = await db.open();
    try {
      expect(await reopened.getRun(runId)).not.toBeNull();
    } finally {
      await reopened.close();
    }
  });
});

// Restarting the database must not disturb the other test files: this cluster is this file's own.
const bin = findPostgresBin();
describe.skipIf(!bin || !adminUrl)('the database restarted under a running API process', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    [cluster] = await Promise.all([startPostgresCluster(bin!), buildServer()]);
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await cluster?.destroy();
  });
  afterEach(killAllServers);

  it('answers 503 while the database is down (no 500, no crash) and recovers by itself', async () => {
    const url = await createTestDatabase(cluster.url);
    const port = await freePort();
    const server = await startServer({ port, env: { DATABASE_URL: url, API_KEYS: `planner:${PLANNER}` } });
    const seed = (await (await fetch(`${server.base}/api/v1/scenarios`, { method: 'POST', headers: auth, body: JSON.stringify(SCENARIO) })).json()) as {
      id: string;
    };

    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    let lastOk = 0;
    let oks = 0;
    let unavailable = 0;
    let lastOkSentAt = 0;
    let requesting = true;
    // Clients keep reading and writing through the whole restart.
    const clients = Array.from({ length: 4 }, async (_, c) => {
      for (let i = 0; requesting; i++) {
        const write = (i + c) % 2 === 0;
        const sentAt = Date.now();
        const res = await fetch(`${server.base}/api/v1/scenarios${write ? '' : `/${seed.id}`}`, {
          method: write ? 'POST' : 'GET',
          headers: auth,
          ...(write ? { body: JSON.stringify({ ...SCENARIO, name: `client ${c} #${i}` }) } : {}),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) {
          codes.add(((await res.json()) as { error: { code: string } }).error.code);
          unavailable++;
        } else {
          await res.arrayBuffer();
          lastOk = Date.now();
          lastOkSentAt = Math.max(lastOkSentAt, sentAt);
          oks++;
        }
        // A tick between requests, so the clients do not spin the event loop.
        await new Promise((r) => setImmediate(r));
      }
    });

    // Clients under way, then the database goes down: wait for those events, not for a guess.
    await until('clients served', () => oks >= 20, 60_000);
    await cluster.stop();
    const downAt = Date.now();
    const unavailableAtStop = unavailable;
    await until('clients answered 503', () => unavailable >= unavailableAtStop + 4, 60_000);
    expect((await fetch(`${server.base}/health`)).status).toBe(200);
    const ready = await fetch(`${server.base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', store: 'unreachable' });
    // Requests on the way when it stopped may still have succeeded; none after the 503s began.
    const okWhileDown = lastOk;
    await until('more 503s', () => unavailable >= unavailableAtStop + 12, 60_000);
    expect(lastOk).toBe(okWhileDown); // nothing succeeded while the database was down
    // The successes after the stop began are requests sent before it ended (answered late on a busy machine).
    expect(lastOkSentAt).toBeLessThanOrEqual(downAt);

    await cluster.start();
    const upAt = Date.now();
    let readyAgain = false;
    while (Date.now() - upAt < 60_000 && !readyAgain) {
      readyAgain = (await fetch(`${server.base}/ready`)).status === 200;
      if (!readyAgain) await new Promise((r) => setTimeout(r, 100));
    }
    expect(readyAgain).toBe(true);
    const okBefore = lastOk;
    await until('requests to succeed again', () => lastOk > okBefore, 60_000);
    requesting = false;
    await Promise.all(clients);

    expect(lastOk).toBeGreaterThan(okBefore); // requests succeed again, on the same process
    expect(server.child.exitCode).toBeNull();
    expect([...statuses.keys()].sort()).toEqual([200, 201, 503]);
    expect([...codes]).toEqual(['store_unavailable']);
    // What was written before the restart is still there.
    expect((await fetch(`${server.base}/api/v1/scenarios/${seed.id}`, { headers: auth })).status).toBe(200);
  });

  it('waits for the database at start when it is not up yet', async () => {
    const url = await createTestDatabase(cluster.url);
    await cluster.stop();
    const port = await freePort();
    // While the database is down, a stand-in on its port counts the server's connection attempts
    // and drops each one (the server retries): the database starts once the server has waited for it.
    let attempts = 0;
    const standIn = createServer((socket) => {
      attempts++;
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => standIn.once('error', reject).listen(cluster.port, '127.0.0.1', resolve));
    const starting = startServer({ port, env: { DATABASE_URL: url, API_KEYS: `planner:${PLANNER}` } });
    try {
      await until('the server to try the database', () => attempts >= 1, 60_000);
    } finally {
      await new Promise((resolve) => standIn.close(resolve));
    }
    await cluster.start();
    const server = await starting;
    expect((await fetch(`${server.base}/ready`)).status).toBe(200);
    expect((await fetch(`${server.base}/api/v1/scenarios`, { headers: auth })).status).toBe(200);
  });
});
