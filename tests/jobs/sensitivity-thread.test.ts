/**
 * Sensitivity runs in the CPU pool: while it solves, the event loop stays free and /health
 * answers at once (on the request thread, one report holds every probe up for its 0.15–0.4 s); the report is the one `sensitivity` gives in this thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sensitivity } from '../../server/analysis/sensitivity.ts';
import { Scenario } from '../../server/core/schema.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { defaultNetwork } from '../analysis/helpers.ts';
import { asPlanner, testApp } from '../api/helpers.ts';

const phase2 = { name: 'Phase 2', phase: 2, horizon: { kind: 'annual', year: 2029 } };

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.close();
  await shutdownSolverPool();
});

describe('sensitivity off the event loop', () => {
  it('gives the same report as in this thread', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/sensitivity', headers: asPlanner, payload: { scenario: phase2, curvePoints: 11 } });
    expect(res.statusCode).toBe(200);
    const here = await sensitivity(Scenario.parse(phase2), defaultNetwork(), { curvePoints: 11 });
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(here)));
  });

  it('/health answers at once while sensitivity reports are being computed', async () => {
    const started = performance.now();
    const reports = Array.from({ length: 3 }, () =>
      app.inject({ method: 'POST', url: '/api/v1/analysis/sensitivity', headers: asPlanner, payload: { scenario: phase2, curvePoints: 21 } }).then((r) => {
        expect(r.statusCode).toBe(200);
        return performance.now() - started;
      }),
    );
    const health: number[] = [];
    // Probe /health every 20 ms until the reports are done.
    let pending = true;
    const all = Promise.all(reports).finally(() => {
      pending = false;
    });
    while (pending) {
      const t = performance.now();
      const res = await app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      health.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    const took = await all;
    // No absolute times: the probes kept being answered while the reports ran (several of them, each
    // a small fraction of a report). On the request thread one report holds every probe up for its
    // whole length, so only one or two probes get through and each takes as long as a report.
    expect(health.length).toBeGreaterThan(3);
    const slowestProbe = Math.max(...health);
    expect(slowestProbe).toBeLessThan(0.5 * Math.max(...took));
  });
});
