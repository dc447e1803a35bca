/**
 * Schema migrations, applied in order on start: `MIGRATIONS` for the SQLite store,
 * `POSTGRES_MIGRATIONS` for the PostgreSQL store (same tables, same versions, each in its own
 * dialect). Never edit a migration that has shipped: add a new one to both lists.
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
  {
    version: 2,
    name: 'api keys listed in the order they were added',
    // SQLite rows already carry that order in rowid; the version keeps both stores in step.
    sql: `CREATE INDEX IF NOT EXISTS api_keys_by_age ON api_keys (created_at);`,
  },
  {
    version: 3,
    name: 'analysis jobs of the in-process queue',
    // Sweeps and Monte Carlo runs of `npm start` without DATABASE_URL (server/store/sqlite-jobs.ts):
    // kept across restarts. Times are ISO-8601 text, like the other tables.
    sql: `
      CREATE TABLE analysis_jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('sweep', 'montecarlo')),
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
        done INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL,
        request TEXT NOT NULL,
        result TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX analysis_jobs_running ON analysis_jobs (status) WHERE status = 'running';
      CREATE INDEX analysis_jobs_finished ON analysis_jobs (finished_at) WHERE finished_at IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'who created a scenario or a run',
    // The API key's non-secret id (or "anonymous"); rows written before this migration stay NULL (unknown).
    sql: `ALTER TABLE scenarios ADD COLUMN created_by TEXT;
          ALTER TABLE runs ADD COLUMN created_by TEXT;`,
  },
  {
    version: 5,
    name: 'lists of runs and scenarios read from their indexes',
    // A row's columns are stored in order, and created_at and created_by come after the scenario, the
    // plan and the body, which a large network or plan spills over many overflow pages: listing ten
    // runs read all of them (30 ms for two 3 MB runs). Indexes that hold every listed column answer a
    // list without reading the rows.
    sql: `CREATE INDEX runs_listed ON runs (scenario_id, seq, id, scenario_version, status, inputs_hash, model_version, created_at, created_by);
          DROP INDEX runs_by_scenario;
          CREATE INDEX scenarios_listed ON scenarios (seq, id, name, version, created_at, updated_at, created_by);`,
  },
];

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'scenarios, runs, idempotency keys, api keys',
    sql: `
      CREATE TABLE scenarios (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        -- json, not jsonb: the scenario comes back exactly as it was written (key order, numbers).
        body JSON NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      );

      CREATE TABLE runs (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        scenario_id TEXT NOT NULL,
        scenario_version INTEGER NOT NULL,
        status TEXT NOT NULL,
        inputs_hash TEXT NOT NULL,
        model_version TEXT NOT NULL,
        scenario JSON NOT NULL,
        plan JSON NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX runs_by_scenario ON runs (scenario_id, seq);
      -- A run is evidence (it may be cited in a contract): the database refuses to change it.
      CREATE FUNCTION runs_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'runs are immutable' USING ERRCODE = 'restrict_violation';
      END;
      $$;
      CREATE TRIGGER runs_are_immutable BEFORE UPDATE ON runs
        FOR EACH ROW EXECUTE FUNCTION runs_are_immutable();

      CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
        response TEXT,
        created_at_ms BIGINT NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at_ms);

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('planner', 'viewer')),
        sha256 TEXT NOT NULL UNIQUE,
        created_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'api keys listed in the order they were added',
    // Two keys added in the same millisecond tie on created_at: an insertion sequence breaks the tie.
    sql: `ALTER TABLE api_keys ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;
          CREATE INDEX api_keys_by_age ON api_keys (created_at, seq);`,
  },
  {
    version: 3,
    name: 'analysis jobs of the in-process queue',
    // Nothing to create here: with DATABASE_URL jobs go through the pg-boss queue, and
    // server/jobs/pgboss/ creates its own tables (analysis_jobs, analysis_job_chunks) when it
    // starts (pg-boss keeps its queue in a schema of its own). The version keeps both stores in step.
    sql: `SELECT 1;`,
  },
  {
    version: 4,
    name: 'who created a scenario or a run',
    // Adding a nullable column does not rewrite the table, and an UPDATE trigger does not fire.
    sql: `ALTER TABLE scenarios ADD COLUMN created_by TEXT;
          ALTER TABLE runs ADD COLUMN created_by TEXT;`,
  },
  {
    version: 5,
    name: 'lists of runs and scenarios read from their indexes',
    // PostgreSQL keeps large values out of line (TOAST): a list never reads them. The version keeps both stores in step.
    sql: `SELECT 1;`,
  },
];
