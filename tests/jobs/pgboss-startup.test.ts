/**
 * Several API processes and workers starting together on an empty database: pg-boss's schema and
 * queues are set up by one at a time (an advisory lock), so none fails with a deadlock.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PgBossQueue } from '../../server/jobs/pgboss/queue.ts';
import { ChunkWorker } from '../../server/jobs/pgboss/worker.ts';
import { closePool } from '../../server/pool/pool.ts';
import { FAST_RETRY, freshDatabase, postgresUrl } from './helpers.ts';

afterAll(closePool);

describe.skipIf(!postgresUrl)('pg-boss set-up on an empty database', () => {
  it('two API queues and two workers starting at once all start', async () => {
    const url = await freshDatabase();
    const started = await Promise.allSettled([
      PgBossQueue.open({ connectionString: url, ...FAST_RETRY }),
      PgBossQueue.open({ connectionString: url, ...FAST_RETRY }),
      ChunkWorker.start({ connectionString: url, ...FAST_RETRY, concurrency: 1 }),
      ChunkWorker.start({ connectionString: url, ...FAST_RETRY, concurrency: 1 }),
    ]);
    const failures = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? (s.value as { close?: () => Promise<void>; stop?: () => Promise<void> }) : null)).map((q) => q?.close?.() ?? q?.stop?.()));
    expect(failures).toEqual([]);
  }, 120_000);
});
