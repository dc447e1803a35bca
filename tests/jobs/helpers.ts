/** Shared by the job queue tests: a database per file, worker processes, requests and waiting. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';
import { buildServer } from '../support/build.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { exited } from '../support/server.ts';
import { MonteCarloRequest } from '../../server/analysis/montecarlo.ts';
import { SweepRequest } from '../../server/analysis/sweep.ts';
import type { JobQueue, JobView } from '../../server/jobs/queue.ts';

export const postgresUrl = inject('postgresUrl');
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Short expiry and maintenance so a killed worker's chunk comes back within seconds. */
export const FAST_RETRY = { expireInSeconds: 3, maintenanceIntervalSeconds: 1, retryLimit: 3, pollingIntervalSeconds: 0.5, eventPollMs: 50 } as const;
export const FAST_RETRY_ENV = {
  JOB_CHUNK_EXPIRE_SECONDS: '3',
  JOB_MAINTENANCE_INTERVAL_SECONDS: '1',
  JOB_CHUNK_RETRY_LIMIT: '3',
  JOB_POLL_INTERVAL_SECONDS: '0.5',
};

export async function freshDatabase(): Promise<string> {
  if (!postgresUrl) throw new Error('no PostgreSQL cluster for this run');
  return createTestDatabase(postgresUrl, 'jobs');
}

export async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const phase2 = { name: 'Phase 2', phase: 2, horizon: { kind: 'annual', year: 2029 } };

export function monteCarloRequest(draws: number, seed = 7): MonteCarloRequest {
  return MonteCarloRequest.parse({
    scenario: phase2,
    draws,
    seed,
    uncertainties: [
      { parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: 0.12 } },
      { parameter: 'freight', mode: 'sea', distribution: { type: 'triangular', min: 0.8, mode: 1, max: 1.5 } },
      { parameter: 'demand', group: 'all', distribution: { type: 'uniform', min: 0.85, max: 1.1 } },
    ],
  });
}

export function sweepRequest(): SweepRequest {
  return SweepRequest.parse({
    scenario: phase2,
    axes: [
      { parameter: 'exportPriceMultiplier', from: 0.8, to: 1.3, steps: 3 },
      { parameter: 'freightMultiplier', values: [0.9, 1.2] },
    ],
  });
}

/** Polls until the job is no longer running. */
export async function waitForJob(queue: JobQueue, id: string, timeoutMs = 180_000): Promise<JobView> {
  const started = Date.now();
  for (;;) {
    const job = await queue.get(id);
    if (!job) throw new Error(`job ${id} is unknown`);
    if (job.status !== 'running') return job;
    if (Date.now() - started > timeoutMs) throw new Error(`job ${id} still running after ${timeoutMs} ms: ${JSON.stringify(job.progress)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 120_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The result without its timing (which differs by run). */
export const withoutTiming = (result: unknown) => {
  const { timing: _timing, ...rest } = result as { timing?: unknown };
  return rest;
};

export interface WorkerProcess {
  readonly proc: ChildProcess;
  /** Parsed log lines so far. */
  readonly lines: Record<string, unknown>[];
  /** Called with each log line as it arrives (to act on an event at once, not on the next poll). */
  readonly onLine: ((line: Record<string, unknown>) => void)[];
  /** The worker's id (as recorded with its chunks), once it is ready. */
  id: string;
  exited: Promise<number | null>;
}

/**
 * Starts the compiled worker (`node dist/worker.js`, as `npm run worker` runs it) as a separate
 * process and waits until it takes chunks. The build is made or checked first (`buildServer`).
 */
export async function startWorker(databaseUrl: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  await buildServer();
  const proc = spawn(process.execPath, ['dist/worker.js'], {
    cwd: ROOT,
    env: { ...process.env, ...FAST_RETRY_ENV, DATABASE_URL: databaseUrl, WORKER_CONCURRENCY: '1', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w: WorkerProcess = { proc, lines: [], onLine: [], id: '', exited: exited(proc) };
  started.push(w);
  let buffer = '';
  let stderr = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // not a log line
      }
      w.lines.push(parsed);
      for (const listener of w.onLine) listener(parsed);
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  try {
    const ready = await Promise.race([
      until('the worker to start', () => w.lines.find((l) => l.msg === 'worker: waiting for chunks'), 30_000),
      w.exited.then((code) => {
        throw new Error(`the worker exited (code ${code}): ${stderr}`);
      }),
    ]);
    w.id = String(ready.worker);
    return w;
  } catch (error) {
    // Not handed to the caller, so nobody else would stop it: it must not take chunks of later tests.
    await stopWorker(w);
    throw error;
  }
}

/**
 * Kills the worker with SIGKILL the moment it logs that it started a chunk of `jobId`, once it has
 * finished `afterFinished` of them: in the log handler, not on a later poll, so the chunk is still
 * being computed. Resolves with the chunks it held (started, not finished).
 */
export function killInNextChunk(worker: WorkerProcess, jobId: string, afterFinished: number, timeoutMs = 120_000): Promise<number[]> {
  const chunks = (msg: string) => worker.lines.filter((l) => l.msg === msg && l.jobId === jobId).map((l) => l.chunk as number);
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      reject(new Error(`worker ${worker.id} did not start a chunk of job ${jobId} after finishing ${afterFinished} within ${timeoutMs} ms (finished ${chunks('chunk finished').length})`));
    }, timeoutMs);
    worker.onLine.push((line) => {
      if (line.msg !== 'chunk started' || line.jobId !== jobId || worker.proc.killed || chunks('chunk finished').length < afterFinished) return;
      clearTimeout(deadline);
      worker.proc.kill('SIGKILL');
      const finished = chunks('chunk finished');
      resolve(chunks('chunk started').filter((c) => !finished.includes(c)));
    });
  });
}

/** Every worker started in this file, so `stopAllWorkers` also reaches one whose start the test never saw finish. */
const started: WorkerProcess[] = [];

/** Stops (SIGKILL) every worker started so far but those in `keep`; for `afterEach`. */
export function stopAllWorkers(keep: readonly WorkerProcess[] = []): Promise<unknown> {
  const stopping = started.splice(0).filter((w) => !keep.includes(w));
  started.push(...keep);
  return Promise.all(stopping.map(stopWorker));
}

export function stopWorker(w: WorkerProcess | undefined): Promise<unknown> {
  if (!w || w.proc.exitCode !== null || w.proc.signalCode !== null) return Promise.resolve();
  w.proc.kill('SIGKILL');
  return w.exited;
}
