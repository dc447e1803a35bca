/**
 * The analysis routes in the OpenAPI document (their answers as named schemas, the tags described),
 * and answers checked against those schemas on the way out: a queue whose job does not match is a
 * 500, never a malformed answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { JobQueue, JobView } from '../../server/jobs/queue.ts';
import { AnalysisJob } from '../../server/core/analysis-schema.ts';
import { asViewer, testApp } from './helpers.ts';

const sweepResult = {
  scenarioName: 'Phase 2',
  parameters: ['freightMultiplier'],
  rows: [{ index: 0, point: { freightMultiplier: 1 }, status: 'optimal', marginUsd: 1e6, exportTonnes: 5e5, domesticTonnes: 5e5, domesticShare: 0.5, ruleBinds: true, ruleCostUsd: 1000 }],
};
const base = { status: 'done', progress: { done: 1, total: 1 }, createdAt: '2026-12-01T00:00:00.000Z', finishedAt: '2026-12-01T00:00:01.000Z', error: null } as const;
const JOBS: Record<string, JobView> = {
  job_good: { ...base, id: 'job_good', kind: 'sweep', result: sweepResult },
  // A result without its rows (a queue gone wrong, or a record written by another version).
  job_bad: { ...base, id: 'job_bad', kind: 'sweep', result: { scenarioName: 'Phase 2', parameters: [] } },
};

/** A queue that only knows the jobs above. */
const fixedQueue: JobQueue = {
  mode: 'in-process',
  submit: async () => 'job_new',
  get: async (id) => JOBS[id] ?? null,
  result: async (id) => (JOBS[id] ? { kind: JOBS[id].kind, status: JOBS[id].status, result: JOBS[id].result } : null),
  cancel: async (id) => id in JOBS,
  subscribe: async () => () => {},
  close: async () => {},
};

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp({ jobs: fixedQueue });
});
afterAll(async () => {
  await app.close();
});

interface Operation {
  tags?: string[];
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}

describe('analysis routes in the OpenAPI document', () => {
  it('name the schema of every answer, and the schemas describe their fields', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const answerRef = (method: string, path: string, status: string) => (doc.paths[path]?.[method] as Operation | undefined)?.responses[status]?.content?.['application/json']?.schema.$ref;
    expect({
      sensitivity: answerRef('post', '/api/v1/analysis/sensitivity', '200'),
      sweeps: answerRef('post', '/api/v1/analysis/sweeps', '202'),
      montecarlo: answerRef('post', '/api/v1/analysis/montecarlo', '202'),
      job: answerRef('get', '/api/v1/analysis/jobs/{id}', '200'),
      cancel: answerRef('delete', '/api/v1/analysis/jobs/{id}', '200'),
      phasing: answerRef('post', '/api/v1/analysis/phasing', '200'),
      contracts: answerRef('post', '/api/v1/analysis/contracts', '200'),
      alternatives: answerRef('post', '/api/v1/analysis/alternatives', '200'),
    }).toEqual({
      sensitivity: '#/components/schemas/SensitivityReport',
      sweeps: '#/components/schemas/AnalysisJobAccepted',
      montecarlo: '#/components/schemas/AnalysisJobAccepted',
      job: '#/components/schemas/AnalysisJob',
      cancel: '#/components/schemas/AnalysisJob',
      phasing: '#/components/schemas/PhasingAnswer',
      contracts: '#/components/schemas/ContractsReport',
      alternatives: '#/components/schemas/Alternatives',
    });
    const schemas = doc.components.schemas;
    for (const id of ['SensitivityParameter', 'ShareCurvePoint', 'SweepResult', 'SweepRow', 'MonteCarloJobResult', 'MonteCarloSummary', 'SweepJob', 'MonteCarloJob', 'ContractDecision', 'MarketRange', 'AlternativePlan']) {
      expect(schemas[id], id).toBeDefined();
    }
    // Fields are named and closed, not a loose object.
    expect(schemas.SensitivityReport.required).toEqual(expect.arrayContaining(['scenarioName', 'status', 'parameters', 'shareCurve', 'notes']));
    expect(schemas.SensitivityReport.additionalProperties).toBe(false);
    expect(schemas.SensitivityParameter.properties.kind.enum).toContain('plant-capacity');
    expect(JSON.stringify(schemas.AnalysisJob)).toContain('#/components/schemas/SweepJob');
    expect(schemas.SweepJob.properties.result.$ref ?? schemas.SweepJob.properties.result.anyOf?.[0]?.$ref).toBe('#/components/schemas/SweepResult');
  });

  it('declares every tag the routes use, each with a description', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const declared = new Map<string, string>(doc.tags.map((t: { name: string; description?: string }) => [t.name, t.description ?? '']));
    const used = new Set<string>();
    for (const ops of Object.values(doc.paths) as Record<string, Operation>[]) for (const op of Object.values(ops)) for (const tag of op.tags ?? []) used.add(tag);
    expect(used).toContain('analysis');
    for (const tag of used) expect(declared.get(tag), tag).toMatch(/\w{4,}/);
  });
});

describe('analysis answers are checked against their schemas on the way out', () => {
  it('a job that matches is answered as it is', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/analysis/jobs/job_good', headers: asViewer });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(AnalysisJob.parse(JOBS.job_good));
    expect(res.json().result.rows[0].ruleCostUsd).toBe(1000);
  });

  it('a job whose result does not match its schema is a 500, not a malformed answer', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/analysis/jobs/job_bad', headers: asViewer });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('internal');
    expect(res.body).not.toContain('"parameters":[]');
    const csv = await app.inject({ method: 'GET', url: '/api/v1/analysis/jobs/job_bad/result.csv', headers: asViewer });
    expect(csv.statusCode).toBe(500);
  });
});
