/**
 * The analysis routes through app.inject: keys, 422s, jobs with progress, events and CSV; every
 * answer conforms to the schema the OpenAPI document gives for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { AnalysisJob, ContractsReport, JobAccepted, PhasingAnswer, SensitivityReport } from '../../server/core/analysis-schema.ts';
import { closeMonteCarloPools } from '../../server/analysis/mc-pool.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { asPlanner, asViewer, testApp } from '../api/helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.close();
  await closeMonteCarloPools();
  await shutdownSolverPool();
});

const phase2 = { name: 'Phase 2', phase: 2, horizon: { kind: 'annual', year: 2029 } };

/** The answer matches its schema exactly (the schemas are strict: no field left out or unnamed). */
function expectConforms(schema: z.ZodType, body: unknown): void {
  expect(schema.safeParse(body).error?.issues ?? []).toEqual([]);
}

async function waitFor(id: string) {
  for (let i = 0; i < 600; i++) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/analysis/jobs/${id}`, headers: asViewer });
    const job = res.json();
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('job did not finish');
}

describe('analysis API', () => {
  it('POST /analysis/sensitivity: ranges and the share curve; a viewer key is refused; a bad scenario is 422', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/sensitivity', headers: asPlanner, payload: { scenario: phase2, curvePoints: 6 } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('optimal');
    expect(body.shareCurve).toHaveLength(6);
    expect(body.parameters.some((p: { kind: string }) => p.kind === 'plant-capacity')).toBe(true);
    expectConforms(SensitivityReport, body);

    const viewer = await app.inject({ method: 'POST', url: '/api/v1/analysis/sensitivity', headers: asViewer, payload: { scenario: phase2 } });
    expect(viewer.statusCode).toBe(403);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/analysis/sensitivity', headers: asPlanner, payload: { scenario: { ...phase2, overrides: { nodes: { nowhere: { throughputTonnesPerYear: 1 } } } } } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('unprocessable_model');
  });

  it('POST /analysis/sweeps: 202, progress to the end, result rows, CSV and server-sent events', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/analysis/sweeps',
      headers: asPlanner,
      payload: { scenario: phase2, axes: [{ parameter: 'freightMultiplier', from: 0.8, to: 1.2, steps: 3 }] },
    });
    expect(res.statusCode).toBe(202);
    const { jobId, links } = res.json();
    expect(res.headers.location).toBe(links.self);
    expectConforms(JobAccepted, res.json());
    const job = await waitFor(jobId);
    expect(job.status).toBe('done');
    expect(job.progress).toEqual({ done: 3, total: 3 });
    expect(job.result.rows).toHaveLength(3);
    expectConforms(AnalysisJob, job);
    expect(job.kind).toBe('sweep');
    const csv = await app.inject({ method: 'GET', url: `${links.csv}`, headers: asViewer });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toMatch(/^freightMultiplier,status,margin_usd/);
    const events = await app.inject({ method: 'GET', url: links.events, headers: asViewer });
    expect(events.headers['content-type']).toMatch(/text\/event-stream/);
    expect(events.body).toMatch(/event: progress/);
    expect(events.body).toMatch(/event: done\ndata: \{.*"status":"done"/);
    const done = /event: done\ndata: (.*)\n/.exec(events.body)?.[1] ?? 'null';
    expectConforms(AnalysisJob, JSON.parse(done));
  });

  it('server-sent events follow a running job to its end', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/analysis/montecarlo',
      headers: asPlanner,
      payload: { scenario: phase2, draws: 1500, seed: 2, uncertainties: [{ parameter: 'demand', group: 'all', distribution: { type: 'uniform', min: 0.9, max: 1.1 } }] },
    });
    const events = await app.inject({ method: 'GET', url: res.json().links.events, headers: asViewer });
    const names = [...events.body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names.filter((n) => n === 'progress').length).toBeGreaterThan(1);
    expect(names.at(-1)).toBe('done');
    expect(events.body).toMatch(/"done":1500,"total":1500/);
  });

  it('a sweep over an unknown port is 422; an unknown job is 404', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/sweeps', headers: asPlanner, payload: { scenario: phase2, axes: [{ parameter: 'nodeThroughput', node: 'port_nowhere', values: [1] }] } });
    expect(res.statusCode).toBe(422);
    // Known before any solve too, so a 422 rather than a job that fails: an unknown competitor, and a
    // market-clearing parameter outside that mode.
    for (const [scenario, axis, message] of [
      [{ ...phase2, market: 'clearing' }, { parameter: 'supplierCost', supplier: 'nope', values: [1] }, /unknown supplier "nope"/],
      [phase2, { parameter: 'supplierCapacity', supplier: 'x', values: [1] }, /parameter of the market-clearing mode/],
    ] as const) {
      const refused = await app.inject({ method: 'POST', url: '/api/v1/analysis/sweeps', headers: asPlanner, payload: { scenario, axes: [axis] } });
      expect(refused.statusCode, refused.body.slice(0, 200)).toBe(422);
      expect(refused.json().error.message).toMatch(message);
    }
    // Two axes on one parameter would set it twice at each point: a 400; on two different nodes, a grid.
    const twice = await app.inject({ method: 'POST', url: '/api/v1/analysis/sweeps', headers: asPlanner, payload: { scenario: phase2, axes: [{ parameter: 'exportPriceMultiplier', values: [1] }, { parameter: 'exportPriceMultiplier', values: [1.1] }] } });
    expect(twice.statusCode).toBe(400);
    expect(JSON.stringify(twice.json().error.details)).toMatch(/same parameter/);
    // The tenge rate under its two names is one parameter, in two axes or in an axis and the scenario.
    const tenge = [
      { scenario: { ...phase2, market: 'clearing' }, axes: [{ parameter: 'fxPerUsd', currency: 'KZT', values: [300] }, { parameter: 'fxKztPerUsd', values: [900] }] },
      { scenario: { ...phase2, overrides: { fxPerUsd: { KZT: 900 } } }, axes: [{ parameter: 'fxKztPerUsd', values: [300, 600] }] },
    ];
    for (const payload of tenge) {
      const refused = await app.inject({ method: 'POST', url: '/api/v1/analysis/sweeps', headers: asPlanner, payload });
      expect(refused.statusCode, refused.body.slice(0, 200)).toBe(400);
    }
    const missing = await app.inject({ method: 'GET', url: '/api/v1/analysis/jobs/job_missing', headers: asViewer });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });

  it('POST /analysis/montecarlo: a job with percentiles, rule probability and robust markets; DELETE cancels', async () => {
    const payload = {
      scenario: phase2,
      draws: 100,
      seed: 9,
      uncertainties: [
        { parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: 0.1 } },
        { parameter: 'freight', mode: 'sea', distribution: { type: 'triangular', min: 0.8, mode: 1, max: 1.5 } },
      ],
    };
    const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/montecarlo', headers: asPlanner, payload });
    expect(res.statusCode).toBe(202);
    const job = await waitFor(res.json().jobId);
    expect(job.status).toBe('done');
    expect(job.result.draws).toBe(100);
    expect(job.result.marginUsd.p50).toBeGreaterThan(0);
    expect(job.result.ruleBindsProbability).toBeGreaterThanOrEqual(0);
    expect(Array.isArray(job.result.robustMarkets)).toBe(true);
    expectConforms(AnalysisJob, job);
    expect(job.result.timing.workers).toBeGreaterThan(0);
    const csv = await app.inject({ method: 'GET', url: `/api/v1/analysis/jobs/${job.id}/result.csv`, headers: asViewer });
    expect(csv.body).toMatch(/^figure,mean,p5,p50,p95,min,max\nmargin_usd,/);

    const big = await app.inject({ method: 'POST', url: '/api/v1/analysis/montecarlo', headers: asPlanner, payload: { ...payload, draws: 100_000 } });
    const id = big.json().jobId;
    const del = await app.inject({ method: 'DELETE', url: `/api/v1/analysis/jobs/${id}`, headers: asPlanner });
    expect(del.statusCode).toBe(200);
    expectConforms(AnalysisJob, del.json());
    const ended = await waitFor(id);
    expect(ended.status).toBe('cancelled');
    // A valid request for a result that never came: 409, as the job's state is what refuses it.
    const noCsv = await app.inject({ method: 'GET', url: `/api/v1/analysis/jobs/${id}/result.csv`, headers: asViewer });
    expect(noCsv.statusCode).toBe(409);
    expect(noCsv.json().error).toMatchObject({ code: 'job_not_done', message: 'The job is cancelled; it was cancelled and has no CSV: start it again for one' });
    const mip = await app.inject({ method: 'POST', url: '/api/v1/analysis/montecarlo', headers: asPlanner, payload: { ...payload, scenario: { ...phase2, mip: { contracts: true } } } });
    expect(mip.statusCode).toBe(422);
  });

  it('POST /analysis/phasing and /analysis/contracts', async () => {
    const ph = await app.inject({ method: 'POST', url: '/api/v1/analysis/phasing', headers: asPlanner, payload: { phase2FromYear: 2029 } });
    expect(ph.statusCode).toBe(200);
    expect(ph.json().years).toEqual([2027, 2028, 2029, 2030, 2031]);
    expect(ph.json().destinations.length).toBeGreaterThan(3);
    expectConforms(PhasingAnswer, ph.json());
    expect(ph.json().why.length).toBeGreaterThan(0);
    const c = await app.inject({ method: 'POST', url: '/api/v1/analysis/contracts', headers: asPlanner, payload: { scenario: { ...phase2, mip: { contracts: true } } } });
    expect(c.statusCode).toBe(200);
    expect(c.json().contracts.length).toBe(4);
    expectConforms(ContractsReport, c.json());
  });
});
