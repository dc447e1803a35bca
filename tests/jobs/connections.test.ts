/**
 * How many PostgreSQL connections an API process holds, as docs/operations.md states it: the
 * store's pool (DATABASE_POOL_SIZE) and the job queue's two pools beside it. The stated figure is
 * the code's, and a process driven hard (store reads, job reads and submissions at once) stays
 * within it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { QUEUE_POOL_SIZE } from '../../server/jobs/pgboss/boss.ts';
import { PgBossQueue } from '../../server/jobs/pgboss/queue.ts';
import { openPostgresStore, type PostgresStore } from '../../server/store/postgres.ts';
import { defaultNetwork } from '../analysis/helpers.ts';
import { FAST_RETRY, freshDatabase, monteCarloRequest, postgresUrl } from './helpers.ts';

const operations = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');

describe('PostgreSQL connections per API process', () => {
  it('docs/operations.md states the queue\'s pools beside DATABASE_POOL_SIZE, as the code has them', () => {
    const stated = [...operations.matchAll(/`?DATABASE_POOL_SIZE`? \+ (\d+)/g)].map((m) => Number(m[1]));
    expect(stated.length).toBeGreaterThanOrEqual(2); // the variables' table and the Connections paragraph
    for (const extra of stated) expect(extra).toBe(2 * QUEUE_POOL_SIZE);
  });

  describe.skipIf(!postgresUrl)('measured', () => {
    const closing: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const close of closing.reverse()) await close();
    });

    it('a process under load holds no more than DATABASE_POOL_SIZE + the queue\'s pools', async () => {
      const url = await freshDatabase();
      const poolSize = 2;
      const store: PostgresStore = await openPostgresStore({ connectionString: url, poolSize });
      closing.push(() => store.close());
      const queue = await PgBossQueue.open({ connectionString: url, ...FAST_RETRY, maxRunning: 1000 });
      closing.push(() => queue.close());
      const watcher = new pg.Client({ connectionString: url, application_name: 'connections-test' });
      await watcher.connect();
      closing.push(() => watcher.end());

      const count = async () => {
        const { rows } = await watcher.query<{ app: string; n: string }>(
          `SELECT application_name AS app, count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1`,
        );
        return Object.fromEntries(rows.map((r) => [r.app, Number(r.n)]));
      };
      const network = defaultNetwork();
      let loading = true;
      const load = (async () => {
        const id = await queue.submit({ kind: 'montecarlo', request: monteCarloRequest(100), network });
        await Promise.all([
          ...Array.from({ length: 40 }, () => store.listScenarios({ limit: 10 })),
          ...Array.from({ length: 40 }, () => queue.get(id)),
          ...Array.from({ length: 6 }, (_, i) => queue.submit({ kind: 'montecarlo', request: monteCarloRequest(100, i + 2), network })),
        ]);
      })().finally(() => {
        loading = false;
      });
      let peak: Record<string, number> = {};
      let peakTotal = 0;
      while (loading) {
        const now = await count();
        const total = Object.values(now).reduce((a, b) => a + b, 0);
        if (total > peakTotal) [peak, peakTotal] = [now, total];
      }
      await load;
      const after = await count();
      const afterTotal = Object.values(after).reduce((a, b) => a + b, 0);
      if (afterTotal > peakTotal) [peak, peakTotal] = [after, afterTotal];
      expect(peak['caspian-export-optimiser'] ?? 0).toBeLessThanOrEqual(poolSize);
      expect(peak['caspian-jobs'] ?? 0).toBeLessThanOrEqual(2 * QUEUE_POOL_SIZE);
      expect(peakTotal).toBeLessThanOrEqual(poolSize + 2 * QUEUE_POOL_SIZE);
      // The queue's pools are really there beside the store's (what the docs warn about).
      expect(peak['caspian-jobs'] ?? 0).toBeGreaterThan(0);
    });
  });
});
