/**
 * Picks the job queue: pg-boss on PostgreSQL when a DATABASE_URL is set, else in this process,
 * its jobs kept in `records` (the SQLite store's) when given.
 */
import { InProcessQueue } from './in-process.ts';
import type { PgBossQueueOptions, QueueLogger } from './pgboss/boss.ts';
import { PgBossQueue } from './pgboss/queue.ts';
import type { JobsConfig } from '../config.ts';
import type { JobQueue } from './queue.ts';
import type { JobRecords } from './records.ts';

export function pgBossOptions(databaseUrl: string, config: JobsConfig, log?: QueueLogger): PgBossQueueOptions {
  return {
    connectionString: databaseUrl,
    maxRunning: config.maxRunning,
    maxJobMs: config.maxJobMinutes * 60_000,
    chunkSizes: { draws: config.chunkDraws, points: config.chunkPoints },
    expireInSeconds: config.expireInSeconds,
    retryLimit: config.retryLimit,
    maintenanceIntervalSeconds: config.maintenanceIntervalSeconds,
    pollingIntervalSeconds: config.pollingIntervalSeconds,
    eventPollMs: config.eventPollMs,
    embeddedWorker: config.embeddedWorker ? { concurrency: config.workerConcurrency } : false,
    log,
  };
}

export async function openJobQueue(databaseUrl: string | null, config: JobsConfig, log?: QueueLogger, records?: JobRecords | null): Promise<JobQueue> {
  if (!databaseUrl) {
    const maxJobMs = config.maxJobMinutes * 60_000;
    if (!records) return new InProcessQueue({ maxRunning: config.maxRunning, maxJobMs });
    return new InProcessQueue({ maxRunning: config.maxRunning, maxJobMs, records, keepMs: config.keepDays * 24 * 3600_000 });
  }
  return PgBossQueue.open(pgBossOptions(databaseUrl, config, log));
}
