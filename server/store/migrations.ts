/**
 * Schema migrations for the SQLite store, applied in order on start. Never edit a migration that
 * has shipped: add a new one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'scenarios, runs, idempotency keys, api keys',
    sql: `
      CREATE TABLE scenarios (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE runs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        scenario_id TEXT NOT NULL,
        scenario_version INTEGER NOT NULL,
        status TEXT NOT NULL,
        inputs_hash TEXT NOT NULL,
        model_version TEXT NOT NULL,
        scenario TEXT NOT NULL,
        plan TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX runs_by_scenario ON runs (scenario_id, seq);
      -- A run is evidence (it may be cited in a contract): the database refuses to change it.
      CREATE TRIGGER runs_are_immutable BEFORE UPDATE ON runs
      BEGIN
        SELECT RAISE(ABORT, 'runs are immutable');
      END;

      CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
        response TEXT,
        created_at_ms INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at_ms);

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('planner', 'viewer')),
        sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
    `,
  },
];
