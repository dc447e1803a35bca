/**
 * The abuse case of a real socket, for every heavy route: four of the largest requests each route
 * accepts (a network just under the model-size cap, ~0.5 MB), posted at once, while a separate
 * client probes /health. The probes keep being answered, fast next to the heavy requests; every heavy
 * request ends by its time limit (a plan, or 422 `time_limit`) or is refused up front (422), never a
 * 5xx; a job (202) reads cancelled at once on DELETE and its pool work stops; a workbook upload just
 * under the body limit is read off the event loop and stores nothing; so does a run refused by the
 * bounded queue. Relative measures only: no absolute times. One listening app for the whole file,
 * and one file, so that no two of these cases run at once.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { MONTE_CARLO_MAX_VARIABLES } from '../../server/analysis/mc-request.ts';
import { XLSX_TYPE } from '../../server/api/views/network-workbook.ts';
import { BODY_LIMIT_BYTES } from '../../server/app.ts';
import { estimateModelSize } from '../../server/core/size.ts';
import { Scenario } from '../../server/core/schema.ts';
import { closePool, poolStats } from '../../server/pool/pool.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';
import { until } from '../jobs/helpers.ts';
import { bombWorkbook } from '../support/zip.ts';
import { openSqliteStore } from '../../server/store/sqlite.ts';
import type { Plan } from '../../server/core/plan-schema.ts';
import { asPlanner, testApp } from './helpers.ts';

const MAX_MODEL_VARIABLES = 250_000;
const TIME_LIMIT_MS = 3_000;

let app: FastifyInstance;
let port: number;
/** The app's store, to write large runs directly. */
const store = openSqliteStore({ path: ':memory:' });

beforeAll(async () => {
  app = await testApp({ store, maxModelVariables: MAX_MODEL_VARIABLES, maxSolveMs: 60_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await app.close();
  await closePool();
});

interface Answer {
  readonly status: number;
  readonly body: { error?: { code: string; message: string }; jobId?: string; status?: string; progress?: { done: number } };
  readonly ms: number;
}

/** Bytes sent as they are, with their content type (a JSON body otherwise). */
interface Upload {
  readonly bytes: Buffer;
  readonly type: string;
}

/** One request on a fresh connection of its own (agent: false), its answer and time in ms. */
function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const t0 = performance.now();
  const upload = body instanceof Object && 'bytes' in body ? (body as Upload) : null;
  const text = upload ? upload.bytes : body === undefined ? undefined : JSON.stringify(body);
  const headers = text === undefined ? asPlanner : { ...asPlanner, 'content-type': upload?.type ?? 'application/json', 'content-length': Buffer.byteLength(text) };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: raw === '' ? {} : JSON.parse(raw), ms: performance.now() - t0 });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** GET of a binary answer on a fresh connection of its own. */
function download(path: string): Promise<{ status: number; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false, headers: asPlanner }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Probes of /health with nothing else sent, just before the heavy work: the machine's own noise. */
const BASELINE_PROBES = 40;

/**
 * Runs `heavy` while a separate client probes /health one request after another, and goes on for
 * `probesAfter` more probes once `heavy` has answered (jobs work on after their 202). Every probe
 * must be a 200. `heavyMs`: from the start to the last probe. `baselineMs`: BASELINE_PROBES probes
 * just before, with nothing else sent.
 */
async function underLoad<T>(heavy: () => Promise<T>, probesAfter = 0): Promise<{ answers: T; healthMs: number[]; heavyMs: number; baselineMs: number[] }> {
  const baselineMs: number[] = [];
  for (let i = 0; i < BASELINE_PROBES; i++) {
    const p = await call('GET', '/health');
    expect(p.status).toBe(200);
    baselineMs.push(p.ms);
  }
  const t0 = performance.now();
  let pending = true;
  const work = heavy().finally(() => (pending = false));
  const healthMs: number[] = [];
  let after = 0;
  while (pending || after < probesAfter) {
    const p = await call('GET', '/health');
    expect(p.status).toBe(200);
    healthMs.push(p.ms);
    if (!pending) after++;
    // Paced by the probe's own answer plus a tick, not by a fixed sleep.
    await new Promise((r) => setImmediate(r));
  }
  return { answers: await work, healthMs, heavyMs: performance.now() - t0, baselineMs };
}

const percentile = (ms: readonly number[], q: number) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
};

/** The issue's own bound on /health's p99 under the largest accepted bodies. */
const HEALTH_P99_MS = 100;

/**
 * Many probes answered, the slowest of most of them (p99) under the largest of: the issue's 100 ms,
 * a tenth of the heavy work's time (on a machine where everything is slower), and five times the
 * baseline probes' p90 (a machine busy enough that probes alone are slow: two CPU-bound processes
 * beside the suite, `npm run test:busy`). A heavy step on the event loop (a workbook unpacked there,
 * a plan read out there) holds every probe behind it, for longer than any of them.
 */
function expectResponsive(healthMs: number[], heavyMs: number, baselineMs: readonly number[], answers: readonly Answer[] = []): void {
  // What the heavy requests answered, and when, says why too few probes were sent (one CI run saw four time-limited analyses end in 0.3 s).
  const told = answers.map((a) => `${a.status}${a.body.error ? ` ${a.body.error.code}` : ''} in ${Math.round(a.ms)} ms`).join(', ');
  expect(healthMs.length, `probes during ${Math.round(heavyMs)} ms of heavy work; answers: ${told}`).toBeGreaterThan(20);
  expect(percentile(healthMs, 0.99)).toBeLessThan(Math.max(HEALTH_P99_MS, 0.1 * heavyMs, 5 * percentile(baselineMs, 0.9)));
}

/** Four scenarios on generated networks of about `variables` variables each (seeds 1–4). */
function largeScenarios(variables: number, options: { plants?: number; timeLimitMs?: number } = {}) {
  return [1, 2, 3, 4].map((seed) => {
    const { network, horizon } = generateNetwork(variables, seed, { plants: options.plants });
    return { name: `large ${seed}`, horizon: { kind: horizon }, network, timeLimitMs: options.timeLimitMs ?? TIME_LIMIT_MS };
  });
}

/** Each request ended by its time limit: a 200, or a 422 `time_limit`. */
function expectEndedByTimeLimit(answers: Answer[]): void {
  for (const a of answers) {
    if (a.status === 200) continue;
    expect(a.status).toBe(422);
    expect(a.body.error?.code).toBe('time_limit');
  }
}

describe('POST /optimise, four of the largest bodies at once', () => {
  it('/health keeps answering, each heavy request ends with a plan', async () => {
    const bodies = largeScenarios(240_000, { plants: 40 });
    const { answers, healthMs, heavyMs, baselineMs } = await underLoad(() => Promise.all(bodies.map((b) => call('POST', '/api/v1/optimise', b))));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(['optimal', 'timedout']).toContain(a.body.status);
    }
    expectResponsive(healthMs, heavyMs, baselineMs);
  }, 120_000);
});

describe('heavy analyses answered in the request, four at once on networks just under the model-size cap', () => {
  const nearCap = largeScenarios(240_000, { plants: 40 });
  // A 30-year phasing multiplies a year's model by 30: its largest accepted network is a thirtieth of the cap.
  const nearCapOver30Years = largeScenarios(MAX_MODEL_VARIABLES / 30 - 400, { plants: 40 }).map((s) => ({ ...s, horizon: { kind: 'annual' as const } }));
  const cases = [
    { route: 'sensitivity', bodies: nearCap.map((scenario) => ({ scenario, curvePoints: 51 })) },
    { route: 'alternatives', bodies: nearCap.map((scenario) => ({ scenario, tolerance: 0.5 })) },
    { route: 'contracts', bodies: nearCap.map((scenario) => ({ scenario })) },
    { route: 'phasing', bodies: nearCapOver30Years.map((scenario) => ({ scenario, fromYear: 2027, toYear: 2056, phase2FromYear: 2030 })) },
  ];

  it.each(cases)('$route: /health keeps answering, each request ends by its time limit', async ({ route, bodies }) => {
    const { answers, healthMs, heavyMs, baselineMs } = await underLoad(() => Promise.all(bodies.map((b) => call('POST', `/api/v1/analysis/${route}`, b))));
    expectEndedByTimeLimit(answers);
    expectResponsive(healthMs, heavyMs, baselineMs, answers);
  }, 120_000);
});

describe('jobs: four of the largest at once, then cancelled', () => {
  /** Probes /health from the POSTs on, and for 1,000 probes while the jobs run (every thread busy with them). */
  async function startFour(route: 'sweeps' | 'montecarlo', bodies: unknown[]): Promise<string[]> {
    const { answers, healthMs, heavyMs, baselineMs } = await underLoad(() => Promise.all(bodies.map((b) => call('POST', `/api/v1/analysis/${route}`, b))), 1_000);
    for (const a of answers) expect(a.status).toBe(202);
    expect(poolStats().queued).toBeGreaterThan(0);
    expectResponsive(healthMs, heavyMs, baselineMs);
    return answers.map((a) => a.body.jobId!);
  }

  async function cancelAll(ids: string[]): Promise<void> {
    for (const id of ids) {
      const cancelled = await call('DELETE', `/api/v1/analysis/jobs/${id}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    }
    // Their work leaves the pool (queued chunks dropped, running threads stopped); they stay cancelled.
    await until('the pool to empty', () => poolStats().queued === 0, 10_000);
    for (const id of ids) expect((await call('GET', `/api/v1/analysis/jobs/${id}`)).body).toMatchObject({ status: 'cancelled' });
  }

  it('sweeps of 2,000 points: /health keeps answering; DELETE cancels each at once', async () => {
    const bodies = largeScenarios(240_000, { plants: 40 }).map((scenario) => ({
      scenario,
      axes: [
        { parameter: 'exportPriceMultiplier', from: 0.5, to: 1.5, steps: 40 },
        { parameter: 'freightMultiplier', from: 0.5, to: 1.5, steps: 50 },
      ],
    }));
    await cancelAll(await startFour('sweeps', bodies));
  }, 180_000);

  it('Monte Carlo on a network just under the model-size cap is refused up front (422), nothing started', async () => {
    const bodies = largeScenarios(240_000, { plants: 40 }).map((scenario) => ({
      scenario,
      draws: 200_000,
      uncertainties: [{ parameter: 'demand', group: 'all', distribution: { type: 'uniform', min: 0.5, max: 1.5 } }],
    }));
    const answers = await Promise.all(bodies.map((b) => call('POST', '/api/v1/analysis/montecarlo', b)));
    for (const a of answers) {
      expect(a.status).toBe(422);
      expect(a.body.error?.code).toBe('unprocessable_model');
      expect(a.body.error?.message).toMatch(/Monte Carlo takes models of at most 4,000 variables/);
      expect(a.body.jobId).toBeUndefined();
    }
  }, 120_000);

  it('Monte Carlo of 200,000 draws and 200 uncertainties on the largest model it takes: /health keeps answering; DELETE cancels each at once', async () => {
    const scenarios = largeScenarios(MONTE_CARLO_MAX_VARIABLES - 100);
    for (const s of scenarios) expect(estimateModelSize(Scenario.parse(s), s.network).variables).toBeLessThanOrEqual(MONTE_CARLO_MAX_VARIABLES);
    const bodies = scenarios.map((scenario) => ({
      scenario,
      draws: 200_000,
      uncertainties: scenario.network.markets.slice(0, 200).map((m) => ({ parameter: 'demand', market: m.id, distribution: { type: 'uniform', min: 0.5, max: 1.5 } })),
    }));
    for (const b of bodies) expect(b.uncertainties).toHaveLength(200);
    await cancelAll(await startFour('montecarlo', bodies));
  }, 180_000);
});

describe('runs of stored scenarios just under the model-size cap', () => {
  it('four at once end with a stored run by their time limit; a fifth at once is refused (503) and stores nothing', async () => {
    const ids: string[] = [];
    for (const scenario of largeScenarios(240_000, { plants: 40 })) {
      const stored = await call('POST', '/api/v1/scenarios', scenario);
      expect(stored.status).toBe(201);
      ids.push((stored.body as { id: string }).id);
    }
    const { answers, healthMs, heavyMs, baselineMs } = await underLoad(() => Promise.all([...ids, ids[0]].map((id) => call('POST', `/api/v1/scenarios/${id}/runs`))));
    const refused = answers.filter((a) => a.status === 503);
    expect(refused).toHaveLength(1);
    expect(refused[0].body.error?.code).toBe('overloaded');
    for (const a of answers.filter((x) => x.status !== 503)) {
      expect(a.status).toBe(201);
      expect(['optimal', 'timedout']).toContain(a.body.status);
    }
    expectResponsive(healthMs, heavyMs, baselineMs);
    for (const id of ids) expect(((await call('GET', `/api/v1/scenarios/${id}/runs`)).body as { total: number }).total).toBe(1);
  }, 120_000);
});

describe('workbook uploads, four at once just under the body limit', () => {
  /** A workbook of `rows` rows of an unknown leg id: highly compressible, so ~1 MB holds 120,000 rows. */
  async function rowsWorkbook(rows: number): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Legs');
    ws.addRow(['id', 'distanceKm']);
    for (let i = 0; i < rows; i++) ws.addRow(['no-such-leg', 1]);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('/health keeps answering, each is a 422 (its problems, or the time limit), nothing is stored', async () => {
    const bytes = await rowsWorkbook(120_000);
    expect(bytes.length).toBeLessThan(BODY_LIMIT_BYTES);
    expect(bytes.length).toBeGreaterThan(0.9 * BODY_LIMIT_BYTES);
    const before = (await call('GET', '/api/v1/scenarios?limit=1')).body as { total: number };
    const { answers, healthMs, heavyMs, baselineMs } = await underLoad(() => Promise.all([1, 2, 3, 4].map(() => call('POST', '/api/v1/scenarios/from-workbook', { bytes, type: XLSX_TYPE }))));
    for (const a of answers) {
      expect(a.status).toBe(422);
      // Read to the end, or stopped by the service's time limit (a machine busy with other work).
      if (a.body.error?.code === 'time_limit') continue;
      expect(a.body.error?.code).toBe('unprocessable_model');
      // One per row, and one for the Legs columns the sheet leaves out.
      expect(a.body.error?.message).toMatch(/120001 problems; nothing was stored/);
    }
    expectResponsive(healthMs, heavyMs, baselineMs);
    expect(((await call('GET', '/api/v1/scenarios?limit=1')).body as { total: number }).total).toBe(before.total);
  }, 120_000);
});

describe('workbook uploads that unpack to a gigabyte (zip bombs), four at once just under the body limit', () => {
  it('/health keeps answering, each is a 422 naming the unpacked-size limit, nothing is stored', async () => {
    // Over 900 MiB unpacked in under 1 MB: read whole, one held a pool thread for over a minute and 1.3 GB.
    const bytes = await bombWorkbook(900);
    expect(bytes.length).toBeLessThan(BODY_LIMIT_BYTES);
    expect(bytes.length).toBeGreaterThan(0.85 * BODY_LIMIT_BYTES);
    const before = (await call('GET', '/api/v1/scenarios?limit=1')).body as { total: number };
    const { answers, healthMs, heavyMs, baselineMs } = await underLoad(() => Promise.all([1, 2, 3, 4].map(() => call('POST', '/api/v1/scenarios/from-workbook', { bytes, type: XLSX_TYPE }))));
    for (const a of answers) {
      expect(a.status).toBe(422);
      expect(a.body.error?.code).toBe('unprocessable_model');
      expect((a.body.error as { details?: { message: string }[] } | undefined)?.details?.[0]?.message).toMatch(/unpacks to more than 32 MB/);
    }
    expectResponsive(healthMs, heavyMs, baselineMs);
    expect(((await call('GET', '/api/v1/scenarios?limit=1')).body as { total: number }).total).toBe(before.total);
  }, 120_000);
});

describe('answers from large stored runs, four at once', () => {
  it('/health keeps answering while a run, its flows, its CSV and a comparison are made from 3 MB runs', async () => {
    // A real plan whose flows are repeated to about 3 MB, stored with a scenario of a 0.9 MB network:
    // the answers' work grows with the bytes (parse, check, serialise), whatever the plan says.
    const solved = await call('POST', '/api/v1/optimise?flows=true', { name: 'large run' });
    expect(solved.status).toBe(200);
    const plan = solved.body as unknown as Plan;
    const features = plan.flows.features;
    expect(features.length).toBeGreaterThan(0);
    const copies = Math.ceil(3e6 / JSON.stringify(plan.flows).length);
    const large: Plan = { ...plan, flows: { type: 'FeatureCollection', features: Array.from({ length: copies }, () => features).flat() } };
    const { network, horizon } = generateNetwork(80_000, 1, { plants: 3 });
    const scenario = Scenario.parse({ name: 'large run', horizon: { kind: horizon }, network });
    const runOf = () => store.createRun({ scenarioId: 'sc_large', scenarioVersion: 1, status: large.status, inputsHash: large.inputsHash, modelVersion: large.modelVersion, scenario, plan: large });
    const [a, b] = [await runOf(), await runOf()];
    expect(JSON.stringify(large).length).toBeGreaterThan(3e6);
    const paths = [`/api/v1/runs/${a.id}?flows=false`, `/api/v1/runs/${a.id}/flows.geojson`, `/api/v1/runs/${b.id}/allocation.csv`, `/api/v1/compare?runs=${a.id},${b.id}`];
    const { answers, healthMs, heavyMs, baselineMs } = await underLoad(() => Promise.all(paths.map((path) => download(path))));
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200, 200]);
    expect(JSON.parse(answers[0].bytes.toString('utf8')).plan.flows.features).toEqual([]);
    expect(JSON.parse(answers[1].bytes.toString('utf8')).features).toHaveLength(large.flows.features.length);
    expect(answers[2].bytes.toString('utf8').split('\n')[0]).toMatch(/^market_id,market,/);
    expect(JSON.parse(answers[3].bytes.toString('utf8')).a.id).toBe(a.id);
    expectResponsive(healthMs, heavyMs, baselineMs);
  }, 120_000);
});

describe('workbook downloads of a stored scenario with a network just under the body limit', () => {
  it('four at once: /health keeps answering, each is the workbook (or the time limit)', async () => {
    const { network, horizon } = generateNetwork(80_000, 1, { plants: 3 });
    const scenario = { name: 'many legs', horizon: { kind: horizon }, network };
    expect(JSON.stringify(scenario).length).toBeLessThan(BODY_LIMIT_BYTES);
    expect(JSON.stringify(scenario).length).toBeGreaterThan(0.9 * BODY_LIMIT_BYTES);
    const stored = await call('POST', '/api/v1/scenarios', scenario);
    expect(stored.status).toBe(201);
    const id = (stored.body as { id: string }).id;
    const { answers, healthMs, heavyMs, baselineMs } = await underLoad(() => Promise.all([1, 2, 3, 4].map(() => download(`/api/v1/network.xlsx?scenario=${id}`))));
    for (const a of answers) {
      // Written, or stopped by the service's time limit (a machine busy with other work).
      if (a.status === 422 && JSON.parse(a.bytes.toString('utf8')).error.code === 'time_limit') continue;
      expect(a.status).toBe(200);
      // An .xlsx is a zip: it starts with "PK".
      expect(a.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    }
    expectResponsive(healthMs, heavyMs, baselineMs);
  }, 120_000);
});
