/**
 * The settings module (server/config.ts): every environment variable the service and the worker
 * read, validated by zod, each problem named by its variable; and docs/operations.md lists exactly
 * those variables.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, JobsEnv, jobsConfigFromEnv, PoolEnv, poolThreadsFromEnv, ServiceEnv, WorkerEnv, workerConfigFromEnv } from '../../server/config.ts';

/** What a thrown ConfigError says, one line per variable. */
function problems(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems].sort();
    throw error;
  }
  throw new Error('no configuration error');
}

describe('configuration from the environment', () => {
  it('reports every unusable variable at once, each by name and with what it must be', () => {
    expect(
      problems(() => configFromEnv({ PORT: 'eighty', QUEUE_TOTAL: '0', PUBLIC_READ: 'maybe', LOG_LEVEL: 'loud', SHUTDOWN_TIMEOUT_MS: '-1' })),
    ).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      'PORT must be an integer from 0 to 65535',
      'PUBLIC_READ must be true or false (1/0, yes/no, on/off)',
      'QUEUE_TOTAL must be an integer from 1 to 100000',
      'SHUTDOWN_TIMEOUT_MS must be an integer from 0 to 600000',
    ]);
    expect(problems(() => configFromEnv({ API_KEYS: 'planner:short' }))).toEqual(['API_KEYS must be "planner:<key>,viewer:<key>" with keys of at least 8 characters']);
    // An origin the browser could never send is refused, not silently never matched.
    for (const bad of ['notanorigin', 'example.com', 'https://a.example/path']) {
      expect(problems(() => configFromEnv({ CORS_ORIGINS: bad }))[0], bad).toMatch(/^CORS_ORIGINS must be comma-separated origins such as https:\/\/planning\.example/);
    }
    expect(configFromEnv({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(configFromEnv({ CORS_ORIGINS: 'http://localhost:5173' }).corsOrigins).toEqual(['http://localhost:5173']);
    expect(problems(() => configFromEnv({ API_KEYS_FILE: '/no/such/keys.json' }))[0]).toMatch(/^API_KEYS_FILE must be a readable JSON file of keys \(\/no\/such\/keys\.json: ENOENT/);
  });

  it('trims values, treats blank as unset and reads booleans in any case', () => {
    const config = configFromEnv({ PORT: ' 8080 ', HOST: ' ', PUBLIC_READ: 'YES', SHUTDOWN_TIMEOUT_MS: '', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.publicRead).toBe(true);
    expect(config.shutdownTimeoutMs).toBe(30_000);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(configFromEnv({ SOLVE_RATE_LIMIT: '0' }).rateLimit).toBe(false);
  });

  it('reads the job queue, with whole numbers where a count is meant', () => {
    const jobs = jobsConfigFromEnv({ EMBEDDED_WORKER: 'on', JOB_KEEP_DAYS: '0.5', JOB_POLL_INTERVAL_SECONDS: '2', JOB_CHUNK_DRAWS: '500' });
    expect([jobs.embeddedWorker, jobs.keepDays, jobs.pollingIntervalSeconds, jobs.chunkDraws, jobs.maxRunning]).toEqual([true, 0.5, 2, 500, undefined]);
    expect(problems(() => jobsConfigFromEnv({ JOB_CHUNK_DRAWS: '1.5', JOB_POLL_INTERVAL_SECONDS: '0.1' }))).toEqual([
      'JOB_CHUNK_DRAWS must be an integer from 1 to 200000',
      'JOB_POLL_INTERVAL_SECONDS must be a number from 0.5 to 3600',
    ]);
  });

  it('gives the worker a PostgreSQL URL or says it needs one', () => {
    expect(workerConfigFromEnv({ DATABASE_URL: 'postgres://db/caspian', SHUTDOWN_TIMEOUT_MS: '5000', LOG_LEVEL: 'warn' })).toEqual({
      databaseUrl: 'postgres://db/caspian',
      logLevel: 'warn',
      shutdownTimeoutMs: 5000,
    });
    expect(problems(() => workerConfigFromEnv({}))).toEqual(['DATABASE_URL must be set to a postgres:// URL (the database the API queues jobs on)']);
    expect(problems(() => workerConfigFromEnv({ DATABASE_URL: 'mysql://db/caspian' }))[0]).toMatch(/^DATABASE_URL must be a postgres:\/\//);
  });

  it('sizes the CPU pool from CPU_THREADS', () => {
    expect(poolThreadsFromEnv({ CPU_THREADS: '3' })).toBe(3);
    expect(poolThreadsFromEnv({})).toBeGreaterThanOrEqual(1);
    expect(problems(() => poolThreadsFromEnv({ CPU_THREADS: 'Infinity' }))).toEqual(['CPU_THREADS must be an integer from 1 to 64']);
  });

  it('is documented in docs/operations.md: every variable read, and no other', () => {
    const read = new Set([ServiceEnv, JobsEnv, PoolEnv, WorkerEnv].flatMap((schema) => Object.keys(schema.shape)));
    const section = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8').split('## Environment variables')[1]!.split('\n## ')[0]!;
    const documented = new Set([...section.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]!));
    expect([...documented].sort()).toEqual([...read].sort());
  });
});
