/**
 * Load test: the real server in its own process on loopback, 50 connections for a fixed time
 * mixing what the service does all day, all at once:
 *   reads  (36 connections): GET /scenarios (a page), GET /runs/:id, GET /network, in turn;
 *   writes  (8 connections): POST /scenarios with a planner key;
 *   solves  (6 connections): POST /optimise on the default scenario.
 * Prints throughput, p50 / p99 latency per mix and overall, and the errors (non-2xx, socket
 * errors and timeouts), which must be 0: the exit code is 1 otherwise.
 *
 *   npm run bench:load                                   # 60 s, SQLite in a temp dir
 *   LOAD_SECONDS=10 npm run bench:load
 *   DATABASE_URL=postgres://user@127.0.0.1:5432/caspian_bench npm run bench:load   # PostgreSQL
 *
 * Solves are not rate-limited for the run (SOLVE_RATE_LIMIT=0 and QUEUE_PER_KEY=8 in the server's
 * environment only: six solving connections share one key).
 *
 * Then the abuse case: /health's p99 idle, then while four clients post the largest bodies the
 * service accepts (a network just under the model-size cap) over and over, each with a 3 s time
 * limit. /health is probed from a process of its own, one request after another, each timed to the
 * microsecond (bench/health-probe.ts). Prints the p99 under abuse as a ratio to idle (target ≤ 3)
 * and how many heavy requests ended within their time limit plus one second.
 *
 *   LOAD_CASES=abuse npm run bench:load                  # the abuse case only (or `mix` for the load only)
 */
import { startBenchServer, type BenchServer } from './bench-server.ts';
import { autocannon, type AutocannonRequest } from './autocannon.ts';
import { generateNetwork } from '../server/solver/generate-network.ts';
import { probeHealth } from './health-probe.ts';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const DATABASE_URL = process.env.DATABASE_URL?.trim() || null;
const CASES = new Set((process.env.LOAD_CASES ?? 'mix,abuse').split(',').map((c) => c.trim()));
const KEY = 'load-planner-key-0123456789';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const SCENARIO = { name: 'Load: phase 1, default network', phase: 1, policy: { domesticShare: 0.5, basis: 'sales' } };

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

let server: BenchServer | null = null;
try {
  server = await startBenchServer('load', KEY, { DATABASE_URL: DATABASE_URL ?? '', QUEUE_PER_KEY: '8' });
  const { base } = server;

  // Something to read: a few scenarios and a stored run. Warm the solver workers.
  for (let i = 0; i < 20; i++) await fetch(`${base}/api/v1/scenarios`, { method: 'POST', headers: auth, body: JSON.stringify({ ...SCENARIO, name: `seed ${i}` }) });
  const seed = (await (await fetch(`${base}/api/v1/scenarios`, { method: 'POST', headers: auth, body: JSON.stringify(SCENARIO) })).json()) as { id: string };
  const runRes = await fetch(`${base}/api/v1/scenarios/${seed.id}/runs`, { method: 'POST', headers: auth });
  if (runRes.status !== 201) throw new Error(`could not store a run to read: ${runRes.status}`);
  const run = (await runRes.json()) as { id: string };
  for (let i = 0; i < 3; i++) await fetch(`${base}/api/v1/optimise`, { method: 'POST', headers: auth, body: JSON.stringify(SCENARIO) });

  if (CASES.has('mix')) await mixedLoad(base, run.id);
  if (CASES.has('abuse')) await abuse(base);
} finally {
  await server?.stop();
}

/** The day's mix of reads, writes and solves, all at once, for SECONDS. */
async function mixedLoad(base: string, runId: string): Promise<void> {
  const mixes: { name: string; connections: number; requests: AutocannonRequest[] }[] = [
    {
      name: 'reads: GET scenarios page, run, network',
      connections: 36,
      requests: [
        { method: 'GET', path: '/api/v1/scenarios?limit=20' },
        { method: 'GET', path: `/api/v1/runs/${runId}` },
        { method: 'GET', path: '/api/v1/network' },
      ],
    },
    {
      name: 'writes: POST /scenarios',
      connections: 8,
      requests: [{ method: 'POST', path: '/api/v1/scenarios', body: JSON.stringify({ ...SCENARIO, name: 'Load: written' }) }],
    },
    { name: 'solves: POST /optimise', connections: 6, requests: [{ method: 'POST', path: '/api/v1/optimise', body: JSON.stringify(SCENARIO) }] },
  ];

  const store = DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'SQLite (temp file)';
  process.stderr.write(`load: ${mixes.reduce((n, m) => n + m.connections, 0)} connections for ${SECONDS} s on ${store}…\n`);
  const latencies: number[] = [];
  const results = await Promise.all(
    mixes.map(async (mix) => {
      const instance = autocannon({ url: base, connections: mix.connections, duration: SECONDS, timeout: 30, headers: auth, requests: mix.requests });
      instance.on('response', (_client, _status, _bytes, ms) => {
        latencies.push(ms);
      });
      return { mix, result: await instance };
    }),
  );

  const sorted = Float64Array.from(latencies).sort();
  const rows = results.map(({ mix, result }) => ({
    mix: mix.name,
    connections: mix.connections,
    requests: result.requests.total,
    'req/s': (result.requests.total / SECONDS).toFixed(0),
    'p50 ms': result.latency.p50.toFixed(1),
    'p99 ms': result.latency.p99.toFixed(1),
    'non-2xx': result.non2xx,
    'socket errors': result.errors,
    timeouts: result.timeouts,
  }));
  const total = results.reduce((n, { result }) => n + result.requests.total, 0);
  const errors = results.reduce((n, { result }) => n + result.non2xx + result.errors + result.timeouts, 0);
  console.log(`\nLoad test, ${SECONDS} s, 50 connections, loopback, ${store}, ${new Date().toISOString()}`);
  console.table(rows);
  console.log(`throughput: ${(total / SECONDS).toFixed(0)} req/s (${total} requests)`);
  console.log(`latency, all requests: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`);
  console.log(`errors (non-2xx + socket errors + timeouts): ${errors}`);
  if (errors > 0) process.exitCode = 1;
}

/** Four of the largest bodies over and over, while a separate client probes /health. */
async function abuse(base: string): Promise<void> {
  const probeSeconds = Math.max(3, Math.min(10, SECONDS / 4));
  process.stderr.write(`abuse: /health idle for ${probeSeconds} s, then under four of the largest bodies…\n`);
  const idle = await probeHealth(base, probeSeconds);
  const LIMIT_MS = 3_000;
  const bodies = [1, 2, 3, 4].map((seed) => {
    const { network, horizon } = generateNetwork(240_000, seed, { plants: 40 });
    return JSON.stringify({ name: `abuse ${seed}`, horizon: { kind: horizon }, network, timeLimitMs: LIMIT_MS });
  });
  let abusing = true;
  const heavy: { ms: number; status: number }[] = [];
  const abusers = bodies.map(async (body) => {
    while (abusing) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/optimise`, { method: 'POST', headers: auth, body });
      await res.arrayBuffer();
      heavy.push({ ms: performance.now() - t0, status: res.status });
    }
  });
  const underAbuse = await probeHealth(base, probeSeconds);
  abusing = false;
  await Promise.all(abusers);
  const inTime = heavy.filter((h) => h.ms <= LIMIT_MS + 1_000).length;
  console.log(`\nAbuse: four clients posting ${Math.round(bodies[0]!.length / 1024)} KB bodies (~240,000 variables, ${LIMIT_MS / 1000} s limit) over and over`);
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  console.table({
    idle: { probes: idle.count, p50: ms(idle.p50Ms), p99: ms(idle.p99Ms), max: ms(idle.maxMs), failures: idle.failures },
    'under abuse': { probes: underAbuse.count, p50: ms(underAbuse.p50Ms), p99: ms(underAbuse.p99Ms), max: ms(underAbuse.maxMs), failures: underAbuse.failures },
  });
  console.log(`/health p99 under abuse / idle: ${(underAbuse.p99Ms / idle.p99Ms).toFixed(2)} (target ≤ 3)`);
  console.log(`heavy requests: ${heavy.length} (statuses ${[...new Set(heavy.map((h) => h.status))].join(', ')}), ${inTime} ended within their time limit + 1 s`);
  if (idle.failures + underAbuse.failures > 0) process.exitCode = 1;
}
