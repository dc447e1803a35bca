/**
 * The real server process, on each store: every scenario acknowledged with a 201 survives
 * `kill -9` and is served by the restarted process; SIGTERM lets in-flight solves finish (a run
 * being solved is stored) before the store closes and the process exits with 0. The SIGTERM case
 * uses the process restarted after the kill (a server start costs about 3 s of CPU: its CPU pool
 * warms up), or a server of its own when the kill case did not get that far.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIO } from './helpers.ts';
import { until } from '../jobs/helpers.ts';
import { BUILD_TIMEOUT_MS, buildServer } from '../support/build.ts';
import { exited, freePort, killAllServers, startServer, type ServerProcess } from '../support/server.ts';
import { STORES, type TestDatabase } from '../support/stores.ts';

const PLANNER = 'restart-planner-key-123';
const auth = { authorization: `Bearer ${PLANNER}`, 'content-type': 'application/json' };

beforeAll(buildServer, BUILD_TIMEOUT_MS);
afterAll(killAllServers);

/** Its log (LOG_LEVEL=info, kept) shows when requests have arrived. */
const LOGGED = { LOG_LEVEL: 'info' } as const;

describe.each(STORES)('server process on $name', (kind) => {
  /** The process started again after the kill, and its database: the SIGTERM case's server. */
  let restarted: { server: ServerProcess; db: TestDatabase } | undefined;

  it.skipIf(!kind.available)('keeps every acknowledged scenario across kill -9 and a restart', async () => {
    const db = await kind.fresh();
    const env = { ...db.env, API_KEYS: `planner:${PLANNER}` };
    const port = await freePort();
    const first = await startServer({ port, env });

    const acknowledged: string[] = [];
    let writing = true;
    // Writers keep going while the process is killed: only 201s count as acknowledged.
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; writing; i++) {
        try {
          const res = await fetch(`${first.base}/api/v1/scenarios`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ ...SCENARIO, name: `writer ${w} #${i}` }),
          });
          if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    });
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 20));
    await first.kill9();
    writing = false;
    await Promise.all(writers);

    const second = await startServer({ port, env: { ...env, ...LOGGED }, stdout: 'pipe' });
    restarted = { server: second, db };
    const missing: string[] = [];
    for (const id of acknowledged) {
      const res = await fetch(`${second.base}/api/v1/scenarios/${id}`, { headers: auth });
      if (res.status !== 200) missing.push(id);
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    expect(missing).toEqual([]);
  });

  it.skipIf(!kind.available)('finishes in-flight solves on SIGTERM, stores the run, closes the store, then exits cleanly', async () => {
    const { server, db } =
      restarted ??
      (await (async () => {
        const fresh = await kind.fresh();
        return { server: await startServer({ env: { ...fresh.env, API_KEYS: `planner:${PLANNER}`, ...LOGGED }, stdout: 'pipe' }), db: fresh };
      })());
    restarted = undefined;
    const monthly = { ...SCENARIO, horizon: { kind: 'monthly', year: 2027 } };
    const created = (await (await fetch(`${server.base}/api/v1/scenarios`, { method: 'POST', headers: auth, body: JSON.stringify(monthly) })).json()) as {
      id: string;
    };
    const solve = fetch(`${server.base}/api/v1/optimise`, { method: 'POST', headers: auth, body: JSON.stringify(monthly) });
    const run = fetch(`${server.base}/api/v1/scenarios/${created.id}/runs`, { method: 'POST', headers: auth });
    const arrived = (method: string, url: string) =>
      server
        .stdout()
        .split('\n')
        .some((line) => line.includes('"incoming request"') && line.includes(`"method":"${method}"`) && line.includes(`"url":"${url}"`));
    await until('both requests to reach the server', () => arrived('POST', '/api/v1/optimise') && arrived('POST', `/api/v1/scenarios/${created.id}/runs`), 30_000);
    const exit = exited(server.child);
    process.kill(server.child.pid!, 'SIGTERM');
    const [solved, answered] = await Promise.all([solve, run]);
    expect(solved.status).toBe(200);
    expect(((await solved.json()) as { status: string }).status).toBe('optimal');
    expect(answered.status).toBe(201);
    const runId = ((await answered.json()) as { id: string }).id;
    expect(await exit).toBe(0);

    // The run is in the database the process closed (read directly: the restart of a server on a
    // store is the test above).
    const store = await db.open();
    try {
      const stored = await store.getRun(runId);
      expect(stored).toMatchObject({ id: runId, scenarioId: created.id, status: 'optimal' });
    } finally {
      await store.close();
    }
  });
});
