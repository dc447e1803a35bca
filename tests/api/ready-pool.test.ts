/**
 * `/ready` when the CPU pool cannot start its threads (a broken install: the threads' module is
 * missing): 503 naming the pool, while `/health` still answers (the process is alive) and every plan
 * would wait out its time limit unsolved; ready again once a task has run on a pool whose threads start.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { closePool, poolStartFailure, setPoolEntry, warmUpPool } from '../../server/pool/pool.ts';
import { asPlanner, testApp } from './helpers.ts';

/** The threads' module the suite's pools load (tests/support/fresh-pool.ts). */
const COMPILED_TASKS = new URL('../../dist/pool/tasks.js', import.meta.url);

let app: FastifyInstance | undefined;

afterAll(async () => {
  await app?.close();
  setPoolEntry(COMPILED_TASKS);
  await closePool();
});

describe('/ready and the CPU pool', () => {
  it('is 503 naming the pool while its threads cannot start, and ready again once a task has run', async () => {
    // A mended pool's threads start cold; on a busy machine that can take seconds of a plan's time.
    app = await testApp({ maxSolveMs: 120_000 });
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);

    await closePool();
    setPoolEntry(new URL('./no-such-tasks-module.js', COMPILED_TASKS));
    await expect(warmUpPool()).rejects.toThrow();
    expect(poolStartFailure()).not.toBeNull();

    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^the CPU pool cannot start its threads: /) });
    // Alive all the same: liveness is not readiness.
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    // What readiness keeps traffic from: no thread ever takes a plan, which waits out its whole time
    // limit and comes back stopped, never solved.
    const stuck = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: { ...asPlanner, 'content-type': 'application/json' }, payload: '{"name": "no threads", "timeLimitMs": 300}' });
    expect(stuck.statusCode).toBe(200);
    expect(stuck.json()).toMatchObject({ status: 'timedout', objectiveValue: null });
    expect(poolStartFailure()).not.toBeNull();

    // The install mended (here: the module back), a plan runs and the service is ready again.
    await closePool();
    setPoolEntry(COMPILED_TASKS);
    const plan = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: { ...asPlanner, 'content-type': 'application/json' }, payload: '{"name": "threads again", "timeLimitMs": 120000}' });
    expect(plan.statusCode).toBe(200);
    expect(plan.json().status).toBe('optimal');
    expect(poolStartFailure()).toBeNull();
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  });
});
