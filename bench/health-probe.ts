/**
 * /health probed from a process of its own, one request after another on one kept-alive
 * connection, each timed to the microsecond (autocannon reports whole milliseconds, and /health
 * answers in a fraction of one). Run as a script it probes `PROBE_URL` for `PROBE_SECONDS` and
 * prints the summary as JSON; `probeHealth` runs it so and reads that.
 */
import { execFile } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface HealthProbe {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Answers other than 200, and failed requests. */
  readonly failures: number;
}

/** Probes `base`/health for `seconds` from a child process (a client the caller's own work cannot hold up). */
export async function probeHealth(base: string, seconds: number): Promise<HealthProbe> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, PROBE_URL: `${base}/health`, PROBE_SECONDS: String(seconds) },
    timeout: (seconds + 60) * 1000,
  });
  return JSON.parse(stdout) as HealthProbe;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function probe(url: string, seconds: number): Promise<HealthProbe> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let failures = 0;
  const end = performance.now() + seconds * 1000;
  try {
    while (performance.now() < end) {
      const t0 = performance.now();
      const ok = await new Promise<boolean>((resolve) => {
        const req = request(url, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200));
          res.on('error', () => resolve(false));
        });
        req.setTimeout(30_000, () => req.destroy());
        req.on('error', () => resolve(false));
        req.end();
      });
      times.push(performance.now() - t0);
      if (!ok) failures++;
    }
  } finally {
    agent.destroy();
  }
  const sorted = Float64Array.from(times).sort();
  return { count: times.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted[sorted.length - 1] ?? Number.NaN, failures };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.PROBE_URL;
  if (!url) throw new Error('PROBE_URL is not set');
  process.stdout.write(`${JSON.stringify(await probe(url, Number(process.env.PROBE_SECONDS ?? 5)))}\n`);
}
