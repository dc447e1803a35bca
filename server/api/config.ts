/**
 * The service's configuration from the environment. Everything has a default, so `npm start`
 * needs no set-up.
 *
 * PORT (3000), HOST (0.0.0.0), DATABASE_PATH (var/caspian.db), DATABASE_URL (postgres://…: the
 * PostgreSQL store instead of SQLite), DATABASE_POOL_SIZE (10), API_KEYS ("planner:<key>,viewer:<key>"),
 * API_KEYS_FILE (JSON, see parseApiKeysFile), PUBLIC_READ (true when unset and no keys are configured),
 * CORS_ORIGINS (comma list or *), SOLVE_RATE_LIMIT (solves per minute per key, 30; 0 = off),
 * MAX_SOLVE_MS (60000), MAX_MODEL_VARIABLES (250000), QUEUE_PER_KEY (4), QUEUE_TOTAL (16),
 * CPU_THREADS (min(2, cores); read by server/pool/pool.ts), LOG_LEVEL (info), SHUTDOWN_TIMEOUT_MS (30000).
 */
import { readFileSync } from 'node:fs';
import { parseApiKeysEnv, parseApiKeysFile, type ApiKeyEntry } from './plugins/auth.ts';
import type { RateLimit } from './context.ts';
import { envBoolean, envNumber } from '../env.ts';

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

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const keys: ApiKeyEntry[] = [];
  if (env.API_KEYS?.trim()) keys.push(...parseApiKeysEnv(env.API_KEYS));
  if (env.API_KEYS_FILE?.trim()) {
    keys.push(...parseApiKeysFile(JSON.parse(readFileSync(env.API_KEYS_FILE, 'utf8')) as unknown));
  }
  const solvesPerMinute = envNumber(env, 'SOLVE_RATE_LIMIT', 0, 1_000_000) ?? 30;
  return {
    port: envNumber(env, 'PORT', 0, 65535) ?? 3000,
    host: env.HOST?.trim() || '0.0.0.0',
    databasePath: env.DATABASE_PATH?.trim() || 'var/caspian.db',
    databaseUrl: databaseUrl(env.DATABASE_URL),
    databasePoolSize: envNumber(env, 'DATABASE_POOL_SIZE', 1, 1000) ?? 10,
    keys,
    publicRead: envBoolean(env, 'PUBLIC_READ'),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    rateLimit: solvesPerMinute === 0 ? false : { max: solvesPerMinute, timeWindowMs: 60_000 },
    maxSolveMs: envNumber(env, 'MAX_SOLVE_MS', 10, 600_000) ?? 60_000,
    maxModelVariables: envNumber(env, 'MAX_MODEL_VARIABLES', 100, 10_000_000) ?? 250_000,
    queueLimits: { perKey: envNumber(env, 'QUEUE_PER_KEY', 1, 10_000) ?? 4, total: envNumber(env, 'QUEUE_TOTAL', 1, 100_000) ?? 16 },
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    shutdownTimeoutMs: envNumber(env, 'SHUTDOWN_TIMEOUT_MS', 0, 600_000) ?? 30_000,
    plannerKeyFile: env.PLANNER_KEY_FILE?.trim() || 'var/planner-key.txt',
  };
}

function databaseUrl(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  if (!/^postgres(ql)?:\/\//i.test(value)) throw new Error('DATABASE_URL must be a postgres:// (or postgresql://) URL');
  return value;
}
