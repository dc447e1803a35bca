/**
 * The abuse case of a real socket: four of the largest bodies the service accepts (a network just
 * under the model-size cap, ~0.5 MB) posted at once, while a separate client probes /health. The
 * probes keep being answered, fast next to the heavy requests, and every heavy request ends with a
 * plan (its time limit stops the rest of its work). Relative measures only: no absolute times.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { closePool } from '../../server/pool/pool.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';
import { asPlanner, testApp } from './helpers.ts';

afterAll(closePool);

/** GET on a fresh connection of its own (a separate client), its time in ms. */
function probe(port: number, path: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('real socket under abuse', () => {
  it('four of the largest bodies at once: /health keeps answering, each heavy request ends with a plan', async () => {
    const maxModelVariables = 250_000;
    const app = await testApp({ maxModelVariables, maxSolveMs: 60_000 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const bodies = [1, 2, 3, 4].map((seed) => {
      const { network, horizon } = generateNetwork(240_000, seed, { plants: 40 });
      return JSON.stringify({ name: `large ${seed}`, horizon: { kind: horizon }, network, timeLimitMs: 3_000 });
    });
    const t0 = performance.now();
    const heavy = bodies.map((body) =>
      fetch(`http://127.0.0.1:${port}/api/v1/optimise`, { method: 'POST', headers: { ...asPlanner, 'content-type': 'application/json' }, body }).then(async (r) => ({
        status: r.status,
        plan: (await r.json()) as { status?: string; error?: { code: string } },
        ms: performance.now() - t0,
      })),
    );
    let pending = true;
    const all = Promise.all(heavy).finally(() => (pending = false));
    const health: number[] = [];
    while (pending) {
      const p = await probe(port, '/health');
      expect(p.status).toBe(200);
      health.push(p.ms);
      // Paced by the probe's own answer plus a tick, not by a fixed sleep.
      await new Promise((r) => setImmediate(r));
    }
    const answers = await all;
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(['optimal', 'timedout']).toContain(a.plan.status);
    }
    const heavyMs = Math.max(...answers.map((a) => a.ms));
    health.sort((a, b) => a - b);
    const p99 = health[Math.min(health.length - 1, Math.floor(health.length * 0.99))];
    // Many probes answered while the heavy work ran, each a small fraction of it.
    expect(health.length).toBeGreaterThan(20);
    expect(p99).toBeLessThan(0.1 * heavyMs);
    await app.close();
  }, 120_000);
});
