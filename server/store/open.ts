/** Picks the store from the configuration: PostgreSQL when a `DATABASE_URL` is set, else SQLite. */
import { openPostgresStore, type PostgresStoreOptions } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';

export interface StoreConfig {
  readonly databaseUrl: string | null;
  readonly databasePath: string;
  readonly databasePoolSize?: number;
  readonly onConnectionError?: PostgresStoreOptions['onConnectionError'];
}

export async function openStore(config: StoreConfig): Promise<{ store: Store; kind: 'postgres' | 'sqlite' }> {
  if (config.databaseUrl) {
    const store = await openPostgresStore({
      connectionString: config.databaseUrl,
      poolSize: config.databasePoolSize,
      onConnectionError: config.onConnectionError,
    });
    return { store, kind: 'postgres' };
  }
  return { store: openSqliteStore({ path: config.databasePath }), kind: 'sqlite' };
}
