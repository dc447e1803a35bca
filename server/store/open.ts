/** Picks the store from the configuration: PostgreSQL when a `DATABASE_URL` is set, else SQLite. */
import { openPostgresStore, type PostgresStoreOptions } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';
import type { JobRecords } from '../jobs/records.ts';

export interface StoreConfig {
  readonly databaseUrl: string | null;
  readonly databasePath: string;
  readonly databasePoolSize?: number;
  readonly onConnectionError?: PostgresStoreOptions['onConnectionError'];
}

/**
 * `jobRecords`: where the in-process job queue keeps its jobs (SQLite); null on PostgreSQL, where
 * the pg-boss queue keeps its own.
 */
export async function openStore(config: StoreConfig): Promise<{ store: Store; kind: 'postgres' | 'sqlite'; jobRecords: JobRecords | null }> {
  if (config.databaseUrl) {
    const store = await openPostgresStore({
      connectionString: config.databaseUrl,
      poolSize: config.databasePoolSize,
      onConnectionError: config.onConnectionError,
    });
    return { store, kind: 'postgres', jobRecords: null };
  }
  const store = openSqliteStore({ path: config.databasePath });
  return { store, kind: 'sqlite', jobRecords: store.jobRecords() };
}
