/** Over a real listening socket (port 0): liveness during long solves, and a graceful close. */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { asPlanner, SCENARIO, slowModel, testApp } from './helpers.ts';

async function listening(delayMs: number) {
  let solving = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const onStart = () => {
    solving++;
    for (const w of waiters.filter((w) => solving >= w.n)) w.resolve();
  };
  const app = await testApp({ model: await slowModel(delayMs, 'optimal', onStart) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  /** Resolves once `n` solves have started: the event, not a guess at how long it takes. */
  const started = (n: number) => new Promise<void>((resolve) => (solving >= n ? resolve() : waiters.push({ n, resolve })));
  return { app, base: `http://127.0.0.1:${port}`, started };
}

const optimise = (base: string) =>
  fetch(`${base}/api/v1/optimise`, {
    method: 'POST',
    headers: { ...asPlanner, 'content-type': 'application/json' },
    body: JSON.stringify(SCENARIO),
  });

describe('real socket', () => {
  it('answers /health at once while long solves are running', async () => {
    const { app, base, started: solving } = await listening(1_500);
    const solvesStarted = performance.now();
    const solves = [optimise(base), optimise(base), optimise(base)];
    await solving(3);
    const started = performance.now();
    const health = await fetch(`${base}/health`);
    const healthMs = performance.now() - started;
    expect(health.status).toBe(200);
    const answers = await Promise.all(solves);
    const solvesMs = performance.now() - solvesStarted;
    // Relative, not absolute: /health came back in a small fraction of the time the solves held.
    expect(healthMs).toBeLessThan(0.25 * solvesMs);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers[0]!.headers.get('x-request-id')).toBeTruthy();
    await app.close();
  });

  it('finishes in-flight requests when closing, and refuses new connections after', async () => {
    const { app, base, started } = await listening(700);
    const inFlight = optimise(base);
    await started(1);
    const closed = app.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('optimal');
    await closed;
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });

  it('stores a run that was solving when the close began (the store closes last)', async () => {
    const { app, base, started } = await listening(500);
    const created = await fetch(`${base}/api/v1/scenarios`, {
      method: 'POST',
      headers: { ...asPlanner, 'content-type': 'application/json' },
      body: JSON.stringify(SCENARIO),
    });
    const { id } = (await created.json()) as { id: string };
    const run = fetch(`${base}/api/v1/scenarios/${id}/runs`, { method: 'POST', headers: asPlanner });
    await started(1);
    const closed = app.close();
    expect((await run).status).toBe(201);
    await closed;
  });
});
