/**
 * API benchmark: starts the real server on loopback (own process, temp database), then measures
 * with autocannon, in one run:
 *   GET /health (baseline), GET plan reads (a stored run, its flows, the network),
 *   POST /api/v1/optimise on the default scenario.
 * Prints requests/s, p50 and p99 latency, and each p99 against the /health p99; then where a plan's
 * time goes (bench/breakdown.ts, measured in a process of its own in the same run) and the ratios of
 * issue 13: the whole plan against the bare solve (target ≤ 3), POST /optimise p50 against the
 * plan's own time (≤ 1.2), POST /optimise throughput against the compute bound (cores ÷ plan
 * time, ≥ 0.7), GET /runs/:id against /health in requests per second (≥ 0.3).
 *
 *   npm run bench:api                      # 5 s per case
 *   BENCH_SECONDS=15 npm run bench:api
 *   BENCH_WARM_SECONDS=20 BENCH_WARM_ROUNDS=300 npm run bench:api   # longer warm-up (default 10 s, 150 rounds)
 */
import { startBenchServer, type BenchServer } from './bench-server.ts';
import { autocannon } from './autocannon.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Breakdown } from './breakdown.ts';
import { Agent, request } from 'node:http';
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { parseServerTiming } from '../server/api/server-timing.ts';
import { median } from './timing.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 10);
/** Plans timed one by one for the p50 ratio. */
const SEQUENTIAL_PLANS = 300;
const KEY = 'bench-planner-key-0123456789';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const DEFAULT_SCENARIO = { name: 'Benchmark: phase 1, default network' };
const THROUGHPUT_CASE = 'POST /api/v1/optimise, 4 connections';

interface Case {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly connections: number;
  readonly body?: string;
}

interface Measured {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

async function measure(base: string, c: Case): Promise<Measured & { total: number }> {
  const result = await autocannon({
    url: `${base}${c.path}`,
    method: c.method,
    headers: auth,
    body: c.body,
    connections: c.connections,
    duration: SECONDS,
  });
  return {
    name: c.name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}

interface Sequential {
  /** Median of the client's times, from sending the request to the answer's last byte. */
  readonly medianMs: number;
  /** Median of each `Server-Timing` metric (wait, plan, build, solve, serialise, return, total), ms. */
  readonly serverTiming: Map<string, number>;
  /** Median of the client's time minus the server's `total`: HTTP on both sides, the loopback, the hooks before the route. */
  readonly outsideMs: number;
}

/**
 * `count` default plans asked one after another on one kept-alive connection, each timed from sending
 * the request to the answer's last byte (autocannon reports latencies in whole milliseconds, too coarse
 * beside a plan of about 5 ms), with the server's own account of each (its `Server-Timing` header).
 */
async function sequentialPlans(base: string, count: number): Promise<Sequential> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify(DEFAULT_SCENARIO);
  const times: number[] = [];
  const outside: number[] = [];
  const metrics = new Map<string, number[]>();
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const header = await new Promise<string>((resolve, reject) => {
        const req = request(`${base}/api/v1/optimise`, { method: 'POST', agent, headers: { ...auth, 'content-length': Buffer.byteLength(body) } }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`POST /api/v1/optimise answered ${res.statusCode}`));
          res.resume();
          res.on('end', () => resolve(String(res.headers['server-timing'] ?? '')));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
      const ms = performance.now() - started;
      times.push(ms);
      const timing = parseServerTiming(header);
      for (const [name, dur] of timing) {
        const seen = metrics.get(name) ?? [];
        seen.push(dur);
        metrics.set(name, seen);
      }
      if (timing.has('total')) outside.push(ms - timing.get('total')!);
    }
  } finally {
    agent.destroy();
  }
  return {
    medianMs: median(times)!,
    serverTiming: new Map([...metrics].map(([name, xs]) => [name, median(xs)!])),
    outsideMs: outside.length > 0 ? median(outside)! : Number.NaN,
  };
}

/** CPU time (ms) of each thread of process `pid` so far, by thread id; null where /proc is not there. */
function threadCpuMs(pid: number): Map<number, number> | null {
  try {
    const out = new Map<number, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // After the command name (in parentheses, which may hold spaces): utime and stime are fields 14 and 15, in clock ticks (100 a second).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * 10);
    }
    return out;
  } catch {
    return null;
  }
}

/** Per request, in ms of CPU: the server's event loop, its pool threads, its other threads, and this process (the load generator). */
interface CpuPerRequest {
  readonly eventLoop: number;
  readonly pool: number;
  readonly otherThreads: number;
  readonly loadGenerator: number;
}

/**
 * CPU per request while `work` runs: the server's main thread (its thread id is its process id), its
 * `poolThreads` busiest other threads (the CPU pool's, whose plans dominate), and the rest of its
 * threads (V8's garbage collector and compiler, libuv's); and this process's own, which generates the
 * load. Null without /proc.
 */
async function cpuPerRequest(pid: number, poolThreads: number, work: () => Promise<Measured & { total: number }>): Promise<[Measured, CpuPerRequest | null]> {
  const before = threadCpuMs(pid);
  const own = process.cpuUsage();
  const measured = await work();
  const ownMs = process.cpuUsage(own);
  const after = threadCpuMs(pid);
  if (!before || !after || measured.total === 0) return [measured, null];
  const used = [...after].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const);
  const eventLoop = used.find(([tid]) => tid === pid)?.[1] ?? 0;
  const others = used.filter(([tid]) => tid !== pid).map(([, ms]) => ms).sort((a, b) => b - a);
  const pool = others.slice(0, poolThreads).reduce((a, b) => a + b, 0);
  const rest = others.slice(poolThreads).reduce((a, b) => a + b, 0);
  const n = measured.total;
  return [measured, { eventLoop: eventLoop / n, pool: pool / n, otherThreads: rest / n, loadGenerator: (ownMs.user + ownMs.system) / 1000 / n }];
}

// Measured first, on a quiet machine (the server is not started yet), in a process of its own
// (bench/breakdown-run.ts), so this one, which generates the load, stays small.
process.stderr.write('measuring where a plan\'s time goes…\n');
const measured = await promisify(execFile)(process.execPath, ['--import', 'tsx', new URL('./breakdown-run.ts', import.meta.url).pathname], {
  env: process.env,
  maxBuffer: 1 << 20,
  timeout: 600_000,
});
const breakdown = JSON.parse(measured.stdout) as Breakdown;

let server: BenchServer | null = null;
try {
  server = await startBenchServer('bench', KEY);
  const { base } = server;

  const scenario = (await (await fetch(`${base}/api/v1/scenarios`, { method: 'POST', headers: auth, body: JSON.stringify(DEFAULT_SCENARIO) })).json()) as { id: string };
  const run = (await (await fetch(`${base}/api/v1/scenarios/${scenario.id}/runs`, { method: 'POST', headers: auth })).json()) as { id: string };
  // Warm the pool's threads before measuring: plans two at a time, so both threads run some (a
  // thread still starting gets none until it is up, so a few rounds).
  const warmPool = async () => {
    for (let i = 0; i < 5; i++) {
      await Promise.all([0, 1].map(() => fetch(`${base}/api/v1/optimise`, { method: 'POST', headers: auth, body: JSON.stringify(DEFAULT_SCENARIO) }).then((r) => r.arrayBuffer())));
    }
  };
  await warmPool();
  // Then a steady state, as a server that has run a while has it: V8 is still optimising a
  // thread's plan functions after hundreds of plans (the in-thread plan is warmed as long in
  // bench/breakdown.ts).
  process.stderr.write(`warming the server with plans for ${WARM_SECONDS} s…\n`);
  await autocannon({ url: `${base}/api/v1/optimise`, method: 'POST', headers: auth, body: JSON.stringify(DEFAULT_SCENARIO), connections: 2, duration: WARM_SECONDS });

  const cases: Case[] = [
    { name: 'GET /health (baseline)', method: 'GET', path: '/health', connections: 10 },
    { name: 'GET /api/v1/runs/:id', method: 'GET', path: `/api/v1/runs/${run.id}`, connections: 10 },
    { name: 'GET /api/v1/runs/:id/flows.geojson', method: 'GET', path: `/api/v1/runs/${run.id}/flows.geojson`, connections: 10 },
    { name: 'GET /api/v1/network.geojson', method: 'GET', path: '/api/v1/network.geojson', connections: 10 },
    { name: 'POST /api/v1/optimise, 1 connection', method: 'POST', path: '/api/v1/optimise', connections: 1, body: JSON.stringify(DEFAULT_SCENARIO) },
    { name: THROUGHPUT_CASE, method: 'POST', path: '/api/v1/optimise', connections: 4, body: JSON.stringify(DEFAULT_SCENARIO) },
  ];
  const results: Measured[] = [];
  const cores = Math.min(availableParallelism(), Number(process.env.CPU_THREADS ?? 2));
  let cpu: CpuPerRequest | null = null;
  for (const c of cases) {
    // autocannon stops a POST case with plans still running; their clients are gone, and a plan
    // still running past the cancel grace (server/pool/pool.ts, CANCEL_GRACE_MS: a cold thread's
    // slow plans) has its thread stopped and the pool starts a new one, cold. Warm the pool before
    // the next case, so each case measures warm threads rather than a thread's start.
    if (c.method === 'POST') await warmPool();
    process.stderr.write(`measuring ${c.name} for ${SECONDS} s…\n`);
    if (c.name === THROUGHPUT_CASE && server.server.child.pid !== undefined) {
      const [measured, used] = await cpuPerRequest(server.server.child.pid, cores, () => measure(base, c));
      results.push(measured);
      cpu = used;
    } else {
      results.push(await measure(base, c));
    }
  }

  const baselineP99 = results[0]!.p99Ms;
  const rows = results.map((r) => ({
    case: r.name,
    'req/s': r.requestsPerSecond.toFixed(0),
    'p50 ms': r.p50Ms.toFixed(1),
    'p99 ms': r.p99Ms.toFixed(1),
    'p99 / health p99': baselineP99 > 0 ? (r.p99Ms / baselineP99).toFixed(1) : 'n/a',
    'non-2xx': r.non2xx,
    errors: r.errors,
  }));
  process.stderr.write(`timing ${SEQUENTIAL_PLANS} plans one after another…\n`);
  const sequential = await sequentialPlans(base, SEQUENTIAL_PLANS);
  const sequentialMs = sequential.medianMs;
  console.log(`\nAPI benchmark, ${SECONDS} s per case, loopback, ${new Date().toISOString()}`);
  console.table(rows);
  console.log(`POST /api/v1/optimise, ${SEQUENTIAL_PLANS} plans one after another on one connection, each timed to the µs: median ${sequentialMs.toFixed(2)} ms`);

  const b = breakdown;
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  console.log('\nWhere a plan\'s time goes (default annual scenario, medians, in the benchmark process):');
  console.table({
    'route + validation (Fastify, stand-in model)': ms(b.routeMs),
    'worker hand-off (pool minus in-thread)': ms(b.handOffMs),
    'solve (bare HiGHS with duals)': ms(b.solveMs),
    'model build': ms(b.buildMs),
    'plan read-out': ms(b.readOutMs),
    'the rule\'s second solve (its rows freed, from the plan\'s basis)': ms(b.ruleSolveMs),
    'exact price gaps of the unserved markets': ms(b.priceGapsMs),
    'response validation + serialisation (in the pool thread)': ms(b.serialiseMs),
    'whole plan in one thread (rule cost included)': ms(b.planMs),
    'whole plan through the pool, serialised': ms(b.pooledPlanMs),
  });
  const t = (name: string) => sequential.serverTiming.get(name) ?? Number.NaN;
  console.log(`\nOn the wire: the same ${SEQUENTIAL_PLANS} plans one after another, medians of each step (the server's Server-Timing header, and the client's clock):`);
  console.table({
    'outside the server: HTTP on both sides, loopback, the hooks before the route': ms(sequential.outsideMs),
    'the event loop: authorisation, body validation, admission, size estimate, check (total minus the steps below)': ms(t('total') - t('wait') - t('plan') - t('serialise') - t('return')),
    'wait: queue and hand-off to a pool thread': ms(t('wait')),
    'plan: the pipeline in the thread': ms(t('plan')),
    '   of which model build': ms(t('build')),
    '   of which first solve': ms(t('solve')),
    'serialise: schema check, JSON, UTF-8 in the thread': ms(t('serialise')),
    'return: hand-back to the event loop': ms(t('return')),
    'the client\'s time, end to end': ms(sequentialMs),
  });
  if (cpu) {
    const total = cpu.eventLoop + cpu.pool + cpu.otherThreads + cpu.loadGenerator;
    console.log(`\nCPU per request, ${THROUGHPUT_CASE} (from /proc; the plan in one thread takes ${ms(b.planMs)} of wall time):`);
    console.table({
      'the server\'s event loop': ms(cpu.eventLoop),
      [`the server's ${cores} busiest other threads (the CPU pool: plans, their validation and serialisation)`]: ms(cpu.pool),
      'the server\'s other threads (V8\'s garbage collector and compiler, libuv)': ms(cpu.otherThreads),
      'the load generator (autocannon, this process)': ms(cpu.loadGenerator),
      [`all of it: ${cores} cores ÷ this = ${((cores * 1000) / total).toFixed(0)} req/s at most`]: ms(total),
    });
  }
  const byName = (name: string) => results.find((r) => r.name === name)!;
  const health = byName('GET /health (baseline)');
  const runs = byName('GET /api/v1/runs/:id');
  const four = byName(THROUGHPUT_CASE);
  const bound = (cores * 1000) / b.planMs;
  const ratio = (x: number, target: string) => `${x.toFixed(2)} (target ${target})`;
  console.log('Ratios, measured in this run:');
  console.table({
    'whole plan / bare solve': ratio(b.planMs / b.solveMs, '≤ 3'),
    'POST /optimise p50 (1 connection, timed per request) / whole plan': ratio(sequentialMs / b.planMs, '≤ 1.2'),
    [`POST /optimise req/s (4 connections) / compute bound (${cores} threads ÷ plan = ${bound.toFixed(0)} req/s)`]: ratio(four.requestsPerSecond / bound, '≥ 0.7'),
    'GET /runs/:id req/s / GET /health req/s': ratio(runs.requestsPerSecond / health.requestsPerSecond, '≥ 0.3'),
  });
  if (results.some((r) => r.non2xx > 0 || r.errors > 0)) {
    console.log('Some requests failed: see non-2xx / errors.');
    process.exitCode = 1;
  }
} finally {
  await server?.stop();
}
