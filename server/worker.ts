/**
 * `npm run worker`: computes chunks of sweeps and Monte Carlo jobs queued on PostgreSQL by the API
 * (pg-boss). Needs DATABASE_URL; run as many as you like, on one machine or many. Each computes
 * WORKER_CONCURRENCY chunks at once (default: the CPU count). On SIGTERM / SIGINT it stops claiming
 * chunks, finishes the ones in progress (up to SHUTDOWN_TIMEOUT_MS; what is left goes back to the
 * queue for another worker) and exits. A worker killed outright loses nothing: its chunks are
 * retried after JOB_CHUNK_EXPIRE_SECONDS. Settings: server/config.ts.
 */
import pino from 'pino';
import { jobsConfigFromEnv, poolThreadsFromEnv, workerConfigFromEnv } from './config.ts';
import { pgBossOptions } from './jobs/open.ts';
import { ChunkWorker } from './jobs/pgboss/worker.ts';
import { keepRunningThroughLostConnections } from './process-guard.ts';

const { databaseUrl, logLevel, shutdownTimeoutMs, jobs } = (() => {
  try {
    poolThreadsFromEnv();
    return { ...workerConfigFromEnv(), jobs: jobsConfigFromEnv() };
  } catch (error) {
    process.stderr.write(`Configuration error: ${(error as Error).message}\n`);
    process.exit(1);
  }
})();
const log = pino({ level: logLevel, base: { role: 'worker', pid: process.pid } });
keepRunningThroughLostConnections(log);

const worker = await (async () => {
  try {
    return await ChunkWorker.start({ ...pgBossOptions(databaseUrl, jobs, log), concurrency: jobs.workerConcurrency, poolSize: Math.max(4, jobs.workerConcurrency + 2) });
  } catch (error) {
    process.stderr.write(`The worker could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
})();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal, worker: worker.id }, 'worker: finishing chunks in progress, then exiting');
  const force = setTimeout(() => {
    log.error('worker: chunks did not finish in time; exiting (they will be retried)');
    process.exit(1);
  }, shutdownTimeoutMs + 5000);
  force.unref();
  try {
    await worker.stop(shutdownTimeoutMs);
    log.info({ worker: worker.id }, 'worker: stopped');
    process.exit(0);
  } catch (error) {
    log.error({ err: error }, 'worker: error while stopping');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
