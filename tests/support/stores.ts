/**
 * The stores under test, each able to make a fresh, empty database and to reach it directly
 * (raw SQL, applied migrations) beside the `Store` interface.
 */
import { tempDir } from './temp.ts';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { inject } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite.ts';
import { openPostgresStore } from '../../server/store/postgres.ts';
import type { Store } from '../../server/store/store.ts';
import { createTestDatabase } from './postgres.ts';

export interface TestDatabase {
  /** Opens a store on this database (again and again: migrations run on every open). */
  open(): Promise<Store>;
  /** Runs SQL on the database, bypassing the store. */
  exec(sql: string): Promise<void>;
  /** Versions recorded in schema_migrations, in order. */
  appliedMigrations(): Promise<number[]>;
  /** What the server process needs to use this database. */
  readonly env: Record<string, string>;
}

export interface StoreKind {
  readonly name: 'SQLite' | 'PostgreSQL';
  /** False when PostgreSQL is not installed (its tests skip). */
  readonly available: boolean;
  fresh(): Promise<TestDatabase>;
}

export const sqlite: StoreKind = {
  name: 'SQLite',
  available: true,
  async fresh() {
    const path = join(tempDir('caspian-store-'), 'caspian.db');
    const withDb = <T>(fn: (db: Database.Database) => T): T => {
      const db = new Database(path);
      try {
        return fn(db);
      } finally {
        db.close();
      }
    };
    return {
      open: async () => openSqliteStore({ path }),
      exec: async (sql) => withDb((db) => void db.exec(sql)),
      appliedMigrations: async () =>
        withDb((db) => (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version)),
      env: { DATABASE_PATH: path, DATABASE_URL: '' },
    };
  },
};

const postgresUrl = inject('postgresUrl');

export const postgres: StoreKind = {
  name: 'PostgreSQL',
  available: postgresUrl !== null,
  async fresh() {
    if (!postgresUrl) throw new Error('no PostgreSQL cluster for this run');
    const url = await createTestDatabase(postgresUrl);
    return postgresDatabase(url);
  },
};

export function postgresDatabase(url: string): TestDatabase {
  const withClient = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    open: () => openPostgresStore({ connectionString: url, poolSize: 4, startupTimeoutMs: 0 }),
    exec: (sql) => withClient(async (c) => void (await c.query(sql))),
    appliedMigrations: () =>
      withClient(async (c) => (await c.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version)),
    env: { DATABASE_URL: url },
  };
}

export const STORES: readonly StoreKind[] = [sqlite, postgres];
