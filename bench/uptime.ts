/**
 * Uptime benchmark: does the service get slower the longer it runs? Starts the real server in its
 * own process on loopback, then in one run:
 *   1. fresh: POST /api/v1/optimise on the default scenario, one at a time (SAMPLES requests): the
 *      client's latency and the plan's own `solver.totalMs`, and the server's resident memory;
 *   2. mixed load for UPTIME_MINUTES (default 60): solves (price-taker and clearing), large valid
 *      networks with a time limit, stored-run reads, scenario writes, Monte Carlo and sweep jobs
 *      (started, followed to their end, some cancelled), all at once;
 *   3. after: the same measurement as 1.
 * Prints each figure after the load as a ratio to the fresh one (target: within 1.2), with the
 * resident memory. Exits 1 when any request of the load answered 5xx.
 *
 *   npm run bench:uptime                       # one hour
 *   UPTIME_MINUTES=5 npm run bench:uptime      # a shorter look
 */
import { readFileSync } from 'node:fs';
import { startBenchServer, type BenchServer } from './bench-server.ts';
import { generateNetwork } from '../server/solver/generate-network.ts';

const MINUTES = Number(process.env.UPTIME_MINUTES ?? 60);
const SAMPLES = Number(process.env.UPTIME_SAMPLES ?? 60);
const KEY = 'uptime-planner-key-0123456789';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const PHASE1 = { name: 'Uptime: phase 1, default network', phase: 1 };
const CLEARING = { name: 'Uptime: phase 2, market clearing', phase: 2, market: 'clearing' };

interface Snapshot {
  readonly latencyP50Ms: number;
  readonly latencyP90Ms: number;
  readonly planTotalP50Ms: number;
  readonly rssMb: number;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function snapshot(base: string, pid: number): Promise<Snapshot> {
  const latencies: number[] = [];
  const totals: number[] = [];
  const body = JSON.stringify(PHASE1);
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/v1/optimise`, { method: 'POST', headers: auth, body });
    const plan = (await res.json()) as { solver?: { totalMs?: number } };
    latencies.push(performance.now() - t0);
    if (res.status !== 200 || typeof plan.solver?.totalMs !== 'number') throw new Error(`optimise answered ${res.status}`);
    totals.push(plan.solver.totalMs);
  }
  return { latencyP50Ms: quantile(latencies, 0.5), latencyP90Ms: quantile(latencies, 0.9), planTotalP50Ms: quantile(totals, 0.5), rssMb: rssMb(pid) };
}

interface LoadCounts {
  requests: number;
  serverErrors: number;
  jobsDone: number;
  jobsCancelled: number;
  statuses: Map<number, number>;
}

async function mixedLoad(base: string, until: number): Promise<LoadCounts> {
  const counts: LoadCounts = { requests: 0, serverErrors: 0, jobsDone: 0, jobsCancelled: 0, statuses: new Map() };
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const res = await fetch(`${base}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
    await res.arrayBuffer().catch(() => undefined);
    counts.requests += 1;
    counts.statuses.set(res.status, (counts.statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) counts.serverErrors += 1;
    return res;
  };
  const json = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
    counts.requests += 1;
    counts.statuses.set(res.status, (counts.statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) counts.serverErrors += 1;
    return { status: res.status, body: (await res.json()) as T };
  };

  const scenario = await json<{ id: string }>('POST', '/api/v1/scenarios', PHASE1);
  const run = await json<{ id: string }>('POST', `/api/v1/scenarios/${scenario.body.id}/runs`);
  const large = [1, 2].map((seed) => {
    const { network, horizon } = generateNetwork(60_000, seed, { plants: 20 });
    return { name: `Uptime: large ${seed}`, horizon: { kind: horizon }, network, timeLimitMs: 3_000 };
  });

  const loops: Promise<void>[] = [];
  const loop = (work: (i: number) => Promise<void>) =>
    loops.push(
      (async () => {
        for (let i = 0; Date.now() < until; i++) await work(i);
      })(),
    );
  // Solves: the default plan and the clearing plan, back to back.
  loop(async (i) => void (await call('POST', '/api/v1/optimise', i % 3 === 2 ? CLEARING : PHASE1)));
  loop(async () => void (await call('POST', '/api/v1/optimise', PHASE1)));
  // Large valid bodies with a time limit.
  loop(async (i) => void (await call('POST', '/api/v1/optimise', large[i % large.length])));
  // Reads and writes.
  loop(async (i) => {
    await call('GET', `/api/v1/runs/${run.body.id}`);
    await call('GET', `/api/v1/runs/${run.body.id}?flows=false`);
    await call('GET', '/api/v1/scenarios?limit=20');
    if (i % 10 === 0) await call('POST', '/api/v1/scenarios', { ...PHASE1, name: `Uptime: written ${i}` });
    if (i % 20 === 0) await call('POST', `/api/v1/scenarios/${scenario.body.id}/runs`);
  });
  // Analysis jobs: Monte Carlo and sweeps followed to their end; every fourth cancelled.
  loop(async (i) => {
    const start =
      i % 2 === 0
        ? await json<{ jobId: string }>('POST', '/api/v1/analysis/montecarlo', {
            scenario: PHASE1,
            draws: 2_000,
            seed: i,
            uncertainties: [
              { parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: 0.1 } },
              { parameter: 'freight', mode: 'rail', distribution: { type: 'uniform', min: 0.9, max: 1.3 } },
            ],
          })
        : await json<{ jobId: string }>('POST', '/api/v1/analysis/sweeps', {
            scenario: CLEARING,
            axes: [{ parameter: 'fxPerUsd', currency: 'RUB', values: [70, 80, 90, 100, 110, 120] }],
          });
    if (start.status !== 202) return;
    const id = start.body.jobId;
    if (i % 4 === 3) await call('DELETE', `/api/v1/analysis/jobs/${id}`);
    for (;;) {
      const job = await json<{ status: string }>('GET', `/api/v1/analysis/jobs/${id}`);
      if (job.status !== 200) return;
      if (job.body.status === 'done') counts.jobsDone += 1;
      if (job.body.status === 'cancelled') counts.jobsCancelled += 1;
      if (!['queued', 'running'].includes(job.body.status)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  });
  await Promise.all(loops);
  return counts;
}

async function main(): Promise<void> {
  let bench: BenchServer | null = null;
  try {
    bench = await startBenchServer('uptime', KEY, { QUEUE_PER_KEY: '8', LOG_LEVEL: 'warn' });
    const { server } = bench;
    const pid = server.child.pid;
    if (pid === undefined) throw new Error('the server has no pid');
    const { base } = server;
    for (let i = 0; i < 10; i++) await fetch(`${base}/api/v1/optimise`, { method: 'POST', headers: auth, body: JSON.stringify(PHASE1) });

    process.stderr.write(`uptime: fresh measurement (${SAMPLES} plans, one at a time)…\n`);
    const fresh = await snapshot(base, pid);
    process.stderr.write(`uptime: mixed load for ${MINUTES} min…\n`);
    const started = Date.now();
    const counts = await mixedLoad(base, started + MINUTES * 60_000);
    const loadRss = rssMb(pid);
    process.stderr.write('uptime: measurement after the load…\n');
    const after = await snapshot(base, pid);

    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    console.log(`\nUptime, ${MINUTES} min of mixed load, ${new Date().toISOString()}`);
    console.log(`load: ${counts.requests} requests, statuses ${[...counts.statuses].map(([s, n]) => `${s}×${n}`).join(' ')}; jobs done ${counts.jobsDone}, cancelled ${counts.jobsCancelled}`);
    console.table({
      fresh: { 'POST /optimise p50 ms': fresh.latencyP50Ms.toFixed(1), 'p90 ms': fresh.latencyP90Ms.toFixed(1), 'plan totalMs p50': fresh.planTotalP50Ms.toFixed(1), 'server RSS MB': fresh.rssMb.toFixed(0) },
      after: { 'POST /optimise p50 ms': after.latencyP50Ms.toFixed(1), 'p90 ms': after.latencyP90Ms.toFixed(1), 'plan totalMs p50': after.planTotalP50Ms.toFixed(1), 'server RSS MB': after.rssMb.toFixed(0) },
    });
    console.log(`after/fresh: POST /optimise p50 ${ratio(after.latencyP50Ms, fresh.latencyP50Ms)}, plan totalMs p50 ${ratio(after.planTotalP50Ms, fresh.planTotalP50Ms)} (target ≤ 1.2 each); RSS under load ${loadRss.toFixed(0)} MB`);
    if (counts.serverErrors > 0) {
      console.log(`${counts.serverErrors} requests answered 5xx`);
      process.exitCode = 1;
    }
  } finally {
    await bench?.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
