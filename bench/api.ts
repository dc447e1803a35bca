/**
 * API benchmark: starts the real server on loopback (own process, temp database), then measures
 * with autocannon, in one run:
 *   GET /health (baseline), GET plan reads (a stored run, its flows, the network),
 *   POST /api/v1/optimise on the default scenario.
 * Prints requests/s, p50 and p99 latency, and each p99 against the /health p99.
 *
 *   npm run bench:api                      # 5 s per case
 *   BENCH_SECONDS=15 npm run bench:api
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../tests/support/server.ts';
import { autocannon } from './autocannon.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const KEY = 'bench-planner-key-0123456789';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const DEFAULT_SCENARIO = { name: 'Benchmark: phase 1, default network' };

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

async function measure(base: string, c: Case): Promise<Measured> {
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
  };
}

const dir = mkdtempSync(join(tmpdir(), 'caspian-bench-'));
let server: ServerProcess | null = null;
try {
  server = await startServer({
    how: 'node',
    detached: false,
    stderr: 'inherit',
    env: { DATABASE_PATH: join(dir, 'bench.db'), API_KEYS: `planner:${KEY}`, SOLVE_RATE_LIMIT: '0' },
  });
  const { base } = server;

  const scenario = (await (await fetch(`${base}/api/v1/scenarios`, { method: 'POST', headers: auth, body: JSON.stringify(DEFAULT_SCENARIO) })).json()) as { id: string };
  const run = (await (await fetch(`${base}/api/v1/scenarios/${scenario.id}/runs`, { method: 'POST', headers: auth })).json()) as { id: string };
  // Warm the solver workers before measuring.
  for (let i = 0; i < 3; i++) await fetch(`${base}/api/v1/optimise`, { method: 'POST', headers: auth, body: JSON.stringify(DEFAULT_SCENARIO) });

  const cases: Case[] = [
    { name: 'GET /health (baseline)', method: 'GET', path: '/health', connections: 10 },
    { name: 'GET /api/v1/runs/:id', method: 'GET', path: `/api/v1/runs/${run.id}`, connections: 10 },
    { name: 'GET /api/v1/runs/:id/flows.geojson', method: 'GET', path: `/api/v1/runs/${run.id}/flows.geojson`, connections: 10 },
    { name: 'GET /api/v1/network.geojson', method: 'GET', path: '/api/v1/network.geojson', connections: 10 },
    { name: 'POST /api/v1/optimise (default scenario)', method: 'POST', path: '/api/v1/optimise', connections: 4, body: JSON.stringify(DEFAULT_SCENARIO) },
  ];
  const results: Measured[] = [];
  for (const c of cases) {
    process.stderr.write(`measuring ${c.name} for ${SECONDS} s…\n`);
    results.push(await measure(base, c));
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
  console.log(`\nAPI benchmark, ${SECONDS} s per case, loopback, ${new Date().toISOString()}`);
  console.table(rows);
  if (results.some((r) => r.non2xx > 0 || r.errors > 0)) {
    console.log('Some requests failed: see non-2xx / errors.');
    process.exitCode = 1;
  }
} finally {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
