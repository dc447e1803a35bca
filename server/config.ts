/**
 * Every setting the service (`npm start`) and the job worker (`npm run worker`) read from the
 * environment, in one zod schema per reader. Unset or blank means the default; a value that cannot
 * be used stops the process with one line per variable, naming it and what it must be. The table
 * in docs/operations.md lists them all.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseApiKeysEnv, parseApiKeysFile, type ApiKeyEntry } from './api/plugins/auth.ts';
import type { RateLimit } from './api/admission.ts';

/** The variable's value, trimmed; unset or blank is undefined. */
const setValue = (raw: unknown): unknown => (typeof raw === 'string' ? (raw.trim() === '' ? undefined : raw.trim()) : raw);

function integer(min: number, max: number) {
  const error = `an integer from ${min} to ${max}`;
  return z.preprocess(setValue, z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).optional());
}

function decimal(min: number, max: number) {
  const error = `a number from ${min} to ${max}`;
  return z.preprocess(setValue, z.coerce.number({ error }).min(min, { error }).max(max, { error }).optional());
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];
const boolean = z.preprocess(
  (raw) => {
    const value = setValue(raw);
    return typeof value === 'string' ? value.toLowerCase() : value;
  },
  z
    .enum([...TRUE, ...FALSE], { error: 'true or false (1/0, yes/no, on/off)' })
    .optional()
    .transform((value) => (value === undefined ? undefined : TRUE.includes(value))),
);

const text = z.preprocess(setValue, z.string().optional());

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const postgresUrl = z.preprocess(setValue, z.string().regex(POSTGRES_URL, { error: 'a postgres:// (or postgresql://) URL' }).optional());

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const logLevel = z.preprocess(setValue, z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }).default('info'));

const apiKeys = z.preprocess(
  setValue,
  z
    .string()
    .optional()
    .transform((value, ctx): ApiKeyEntry[] => {
      if (value === undefined) return [];
      try {
        return parseApiKeysEnv(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: '"planner:<key>,viewer:<key>" with keys of at least 8 characters' });
        return z.NEVER;
      }
    }),
);

const apiKeysFile = z.preprocess(
  setValue,
  z
    .string()
    .optional()
    .transform((path, ctx): ApiKeyEntry[] => {
      if (path === undefined) return [];
      try {
        return parseApiKeysFile(JSON.parse(readFileSync(path, 'utf8')) as unknown);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `a readable JSON file of keys (${path}: ${(error as Error).message})` });
        return z.NEVER;
      }
    }),
);

/** Read by the service and the worker alike. */
const COMMON = {
  DATABASE_URL: postgresUrl,
  LOG_LEVEL: logLevel,
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000),
};

/** The CPU pool (server/pool/pool.ts), in the service and the worker. */
export const PoolEnv = z.object({
  CPU_THREADS: integer(1, 64),
});

/** The job queue (in the service; with PostgreSQL, in the worker too). */
export const JobsEnv = z.object({
  EMBEDDED_WORKER: boolean,
  WORKER_CONCURRENCY: integer(1, 1024),
  JOB_CHUNK_EXPIRE_SECONDS: integer(1, 86_000),
  JOB_CHUNK_RETRY_LIMIT: integer(0, 100),
  JOB_MAINTENANCE_INTERVAL_SECONDS: integer(1, 86_000),
  JOB_POLL_INTERVAL_SECONDS: decimal(0.5, 3600),
  JOB_CHUNK_DRAWS: integer(1, 200_000),
  JOB_CHUNK_POINTS: integer(1, 2000),
  JOB_EVENTS_POLL_MS: integer(20, 60_000),
  JOB_MAX_RUNNING: integer(1, 10_000),
  JOB_KEEP_DAYS: decimal(0.001, 3650),
  JOB_MAX_MINUTES: decimal(0.01, 24 * 60),
});

/** The API service (server/server.ts). */
export const ServiceEnv = z.object({
  ...COMMON,
  PORT: integer(0, 65535),
  HOST: text,
  DATABASE_PATH: text,
  DATABASE_POOL_SIZE: integer(1, 1000),
  API_KEYS: apiKeys,
  API_KEYS_FILE: apiKeysFile,
  PUBLIC_READ: boolean,
  CORS_ORIGINS: z.preprocess(
    setValue,
    z
      .string()
      .refine(
        (v) => v.split(',').map((o) => o.trim()).filter((o) => o !== '').every((o) => o === '*' || /^https?:\/\/[^/\s]+$/i.test(o)),
        'comma-separated origins such as https://planning.example (scheme and host, no path), or *',
      )
      .optional(),
  ),
  SOLVE_RATE_LIMIT: integer(0, 1_000_000),
  MAX_SOLVE_MS: integer(10, 600_000),
  MAX_MODEL_VARIABLES: integer(100, 10_000_000),
  QUEUE_PER_KEY: integer(1, 10_000),
  QUEUE_TOTAL: integer(1, 100_000),
  PLANNER_KEY_FILE: text,
});

/** The job worker (server/worker.ts): it needs the PostgreSQL database the service queues on. */
export const WorkerEnv = z.object({
  ...COMMON,
  DATABASE_URL: z.preprocess(
    setValue,
    z
      .string({ error: 'set to a postgres:// URL (the database the API queues jobs on)' })
      .regex(POSTGRES_URL, { error: 'a postgres:// (or postgresql://) URL (the database the API queues jobs on)' }),
  ),
});

/** A setting that cannot be used; the message has one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

function parse<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')} must be ${issue.message}`));
}

export interface ServiceConfig {
  readonly port: number;
  readonly host: string;
  readonly databasePath: string;
  /** `postgres://…` selects the PostgreSQL store; unset = SQLite at `databasePath`. */
  readonly databaseUrl: string | null;
  readonly databasePoolSize: number;
  readonly keys: ApiKeyEntry[];
  readonly publicRead: boolean | undefined;
  readonly corsOrigins: string[];
  readonly rateLimit: RateLimit | false;
  readonly maxSolveMs: number;
  readonly maxModelVariables: number;
  readonly queueLimits: { readonly perKey: number; readonly total: number };
  readonly logLevel: string;
  readonly shutdownTimeoutMs: number;
  /** Where the key created on first start is written for the local user (mode 0600). */
  readonly plannerKeyFile: string;
}

/** The service's configuration. Everything has a default, so `npm start` needs no set-up. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const e = parse(ServiceEnv, env);
  const solvesPerMinute = e.SOLVE_RATE_LIMIT ?? 30;
  return {
    port: e.PORT ?? 3000,
    host: e.HOST ?? '0.0.0.0',
    databasePath: e.DATABASE_PATH ?? 'var/caspian.db',
    databaseUrl: e.DATABASE_URL ?? null,
    databasePoolSize: e.DATABASE_POOL_SIZE ?? 10,
    keys: [...e.API_KEYS, ...e.API_KEYS_FILE],
    publicRead: e.PUBLIC_READ,
    corsOrigins: (e.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    rateLimit: solvesPerMinute === 0 ? false : { max: solvesPerMinute, timeWindowMs: 60_000 },
    maxSolveMs: e.MAX_SOLVE_MS ?? 60_000,
    maxModelVariables: e.MAX_MODEL_VARIABLES ?? 250_000,
    queueLimits: { perKey: e.QUEUE_PER_KEY ?? 4, total: e.QUEUE_TOTAL ?? 16 },
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 30_000,
    plannerKeyFile: e.PLANNER_KEY_FILE ?? 'var/planner-key.txt',
  };
}

export interface JobsConfig {
  readonly embeddedWorker: boolean;
  readonly workerConcurrency: number;
  readonly expireInSeconds: number;
  readonly retryLimit: number;
  readonly maintenanceIntervalSeconds: number;
  readonly pollingIntervalSeconds: number;
  readonly chunkDraws: number | undefined;
  readonly chunkPoints: number | undefined;
  readonly eventPollMs: number;
  /** Unset: 4 in process, 16 with PostgreSQL (server/jobs/open.ts). */
  readonly maxRunning: number | undefined;
  /** In-process queue only (pg-boss keeps finished jobs 1 h). */
  readonly keepDays: number;
  /** A job's time cap (both queues). */
  readonly maxJobMinutes: number;
}

/** The job queue's configuration (the service and the worker). */
export function jobsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): JobsConfig {
  const e = parse(JobsEnv, env);
  return {
    embeddedWorker: e.EMBEDDED_WORKER ?? false,
    workerConcurrency: e.WORKER_CONCURRENCY ?? availableParallelism(),
    expireInSeconds: e.JOB_CHUNK_EXPIRE_SECONDS ?? 60,
    retryLimit: e.JOB_CHUNK_RETRY_LIMIT ?? 3,
    maintenanceIntervalSeconds: e.JOB_MAINTENANCE_INTERVAL_SECONDS ?? 15,
    pollingIntervalSeconds: e.JOB_POLL_INTERVAL_SECONDS ?? 0.5,
    chunkDraws: e.JOB_CHUNK_DRAWS,
    chunkPoints: e.JOB_CHUNK_POINTS,
    eventPollMs: e.JOB_EVENTS_POLL_MS ?? 500,
    maxRunning: e.JOB_MAX_RUNNING,
    keepDays: e.JOB_KEEP_DAYS ?? 7,
    maxJobMinutes: e.JOB_MAX_MINUTES ?? 15,
  };
}

/** Threads in the CPU pool: CPU_THREADS, default min(2, cores). */
export function poolThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return parse(PoolEnv, env).CPU_THREADS ?? Math.max(1, Math.min(2, availableParallelism()));
}

export interface WorkerConfig {
  readonly databaseUrl: string;
  readonly logLevel: string;
  readonly shutdownTimeoutMs: number;
}

/** The job worker's own settings (its queue settings: jobsConfigFromEnv). */
export function workerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = parse(WorkerEnv, env);
  return { databaseUrl: e.DATABASE_URL, logLevel: e.LOG_LEVEL, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 30_000 };
}
