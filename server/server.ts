/**
 * Starts the service: reads the environment, opens the store (PostgreSQL with DATABASE_URL, else
 * SQLite), builds the app and listens. On SIGTERM / SIGINT it stops accepting connections, lets
 * in-flight requests (and so the solves they wait for) finish, closes the store (for PostgreSQL:
 * its connection pool) and exits (forcefully after SHUTDOWN_TIMEOUT_MS).
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { POOL_ENTRY_URL, poolThreads, warmUpPool } from './pool/pool.ts';
import { configFromEnv, jobsConfigFromEnv } from './config.ts';
import { openStore } from './store/open.ts';
import { openJobQueue } from './jobs/open.ts';
import { InProcessQueue } from './jobs/in-process.ts';
import { INTERRUPTED } from './jobs/records.ts';
import { keepRunningThroughLostConnections } from './process-guard.ts';

const { config, jobsConfig } = (() => {
  try {
    poolThreads();
    return { config: configFromEnv(), jobsConfig: jobsConfigFromEnv() };
  } catch (error) {
    process.stderr.write(`Configuration error: ${(error as Error).message}\n`);
    process.exit(1);
  }
})();
/** The app, once built: where the store's connection errors are logged. */
let logTo: FastifyInstance | undefined;
const { store, kind, jobRecords } = await (async () => {
  try {
    return await openStore({
      databaseUrl: config.databaseUrl,
      databasePath: config.databasePath,
      databasePoolSize: config.databasePoolSize,
      // A connection lost while idle (database restarted): the pool opens a new one when needed.
      onConnectionError: (error) => logTo?.log.warn({ err: error }, 'database connection lost; reconnecting on demand'),
    });
  } catch (error) {
    process.stderr.write(`Could not open the store: ${(error as Error).message}\n`);
    process.exit(1);
  }
})();

// Sweeps and Monte Carlo: pg-boss on the same PostgreSQL with DATABASE_URL (worker processes
// compute them; EMBEDDED_WORKER=true lets this process compute too), else in this process, kept in
// the SQLite file (jobs this process's predecessor left running are marked interrupted).
const jobs = await (async () => {
  try {
    return await openJobQueue(config.databaseUrl, jobsConfig, {
      info: (obj, msg) => logTo?.log.info(obj, msg),
      warn: (obj, msg) => logTo?.log.warn(obj, msg),
      error: (obj, msg) => logTo?.log.error(obj, msg),
      debug: (obj, msg) => logTo?.log.debug(obj, msg),
    }, jobRecords);
  } catch (error) {
    process.stderr.write(`Could not open the job queue: ${(error as Error).message}\n`);
    await store.close();
    process.exit(1);
  }
})();

let plannerKeyCreated = false;
const app = await buildApp({
  store,
  jobs,
  keys: config.keys,
  publicRead: config.publicRead,
  corsOrigins: config.corsOrigins,
  rateLimit: config.rateLimit,
  maxSolveMs: config.maxSolveMs,
  maxModelVariables: config.maxModelVariables,
  queueLimits: config.queueLimits,
  logger: { level: config.logLevel },
  onPlannerKeyCreated: (key) => {
    plannerKeyCreated = true;
    // Printed once; only its hash is stored. The file lets a local user open the map and write.
    mkdirSync(dirname(config.plannerKeyFile), { recursive: true });
    writeFileSync(config.plannerKeyFile, `${key}\n`, { mode: 0o600 });
    chmodSync(config.plannerKeyFile, 0o600);
    process.stdout.write(
      `\nNo API keys configured: created a planner key (shown once, also written to ${config.plannerKeyFile}, mode 0600):\n\n  ${key}\n\n` +
        'Use it as "Authorization: Bearer <key>". Set API_KEYS or API_KEYS_FILE to manage keys yourself.\n\n',
    );
  },
});

logTo = app;
// A later start reuses the stored key's hash: if its file is gone, the key cannot be shown again.
if (config.keys.length === 0 && !plannerKeyCreated && !existsSync(config.plannerKeyFile)) {
  app.log.warn(
    { plannerKeyFile: config.plannerKeyFile },
    `No API keys configured, and the planner key made on this database's first start is not in ${config.plannerKeyFile}: only its hash is stored, so it cannot be shown again. Set API_KEYS or API_KEYS_FILE to use keys of your own (the stored key then no longer applies).`,
  );
}
app.log.info({ jobs: jobs.mode }, jobs.mode === 'pg-boss' ? `analysis jobs: pg-boss on PostgreSQL (${jobsConfig.embeddedWorker ? 'this process computes chunks too' : 'computed by npm run worker'})` : `analysis jobs: in this process, kept in SQLite ${jobsConfig.keepDays} days after they finish`);
if (jobs instanceof InProcessQueue && jobs.interrupted.length > 0) {
  app.log.warn({ jobs: jobs.interrupted }, `analysis jobs: ${jobs.interrupted.length} left running by the previous process marked failed (${INTERRUPTED})`);
}
keepRunningThroughLostConnections(app.log);
app.log.info({ store: kind }, kind === 'postgres' ? 'store: PostgreSQL (DATABASE_URL)' : `store: SQLite (${config.databasePath})`);

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  app.log.info({ signal }, 'shutting down: finishing in-flight requests');
  const force = setTimeout(() => {
    app.log.error('in-flight requests did not finish in time; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  force.unref();
  try {
    await app.close(); // stops accepting, waits for in-flight requests and their solves, then closes the store (onClose)
    process.exit(0);
  } catch (error) {
    app.log.error({ err: error }, 'error while shutting down');
    process.exit(1);
  }
}
// `on`, not `once`: a second signal (a process manager often sends two) must not kill in-flight work.
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  // The CPU pool's threads started and their solver loaded before the first request.
  await warmUpPool().catch((error: unknown) => app.log.warn({ err: error }, 'the CPU pool did not warm up; it starts on first use'));
  app.log.info({ threads: poolThreads(), entry: fileURLToPath(POOL_ENTRY_URL) }, `CPU pool: ${poolThreads()} threads running ${fileURLToPath(POOL_ENTRY_URL)}`);
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  app.log.error({ err: error }, 'could not listen');
  await store.close();
  process.exit(1);
}
