/**
 * The PostgreSQL implementation of `Store` (node-postgres), for several API processes on one
 * database. Same semantics as the SQLite store: versioned scenarios with optimistic concurrency,
 * immutable runs (a trigger refuses UPDATE), newest-first paging by `seq` with the same opaque
 * cursors, idempotency claims with a TTL, API keys as SHA-256 hashes.
 *
 * Every method that runs more than one statement runs them in one transaction. A lost or refused
 * connection becomes `StoreUnavailableError` (the API answers 503); the pool drops broken clients
 * and opens new ones, so the store recovers by itself when the database is back.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Scenario } from '../core/schema.ts';
import type { Plan } from '../core/plan-schema.ts';
import { POSTGRES_MIGRATIONS, type Migration } from './migrations.ts';
import { isConnectionError } from './connection-errors.ts';

export { isConnectionError };
import {
  StoreUnavailableError,
  type DeleteResult,
  type IdempotencyClaim,
  type IdempotencyLimits,
  type Page,
  type PageRequest,
  type Role,
  type RunRecord,
  type RunSummary,
  type ScenarioRecord,
  type ScenarioSummary,
  type Store,
  type NewRunFromJson,
  type RunJson,
  type ScenarioJson,
  type StoredApiKey,
  type StoredResponse,
  type UpdateResult,
  type CompletesKey,
  decodeCursor,
  encodeCursor,
  runsList,
  SCENARIOS_LIST,
} from './store.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;
/** One statement, on the pool or on a transaction's client. */
type Statement = (text: string, values?: unknown[]) => Promise<unknown>;

/** Completes an idempotency claim with its response. */
async function completeKey(run: Statement, scope: string, key: string, response: StoredResponse): Promise<void> {
  await run("UPDATE idempotency_keys SET state = 'done', response = $1 WHERE scope = $2 AND key = $3", [JSON.stringify(response), scope, key]);
}

interface ScenarioRow {
  seq: string;
  id: string;
  name: string;
  version: number;
  body: Scenario;
  created_at: Date;
  updated_at: Date;
  created_by: string | null;
}

interface RunRow {
  seq: string;
  id: string;
  scenario_id: string;
  scenario_version: number;
  status: string;
  inputs_hash: string;
  model_version: string;
  scenario: Scenario;
  plan: Plan;
  created_at: Date;
  created_by: string | null;
}

const newId = (prefix: string): string => `${prefix}_${randomBytes(10).toString('hex')}`;
const now = (): string => new Date().toISOString();
const iso = (value: Date | string): string => new Date(value).toISOString();


/** Held while migrating, so two processes starting at once apply each migration once. */
const MIGRATION_LOCK_KEY = 7_231_405_118;
/** How often expired idempotency keys are swept (a claim ignores an expired row on its own). */
const IDEMPOTENCY_SWEEP_MS = 60_000;

function translate(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (isConnectionError(error)) {
    return new StoreUnavailableError(`the database is not reachable: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  return error;
}

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq-style parameters such as `sslmode` are understood). */
  readonly connectionString: string;
  /** Connections per process. Default 10. */
  readonly poolSize?: number;
  /** Waiting for a connection (opening one, or a free one in the pool) longer than this fails. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Server-side limit on one statement. Default 30 s. */
  readonly statementTimeoutMs?: number;
  /** At start, how long to keep retrying while the database cannot be reached. Default 30 s; 0 = one try. */
  readonly startupTimeoutMs?: number;
  /** Errors of idle connections (the database restarted, the network dropped). Default: ignored. */
  readonly onConnectionError?: (error: Error) => void;
}

/** Opens the pool, waits for the database (up to `startupTimeoutMs`) and applies pending migrations. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    statement_timeout: statementTimeoutMs,
    // The client's own limit, for a connection that stops answering without being closed.
    query_timeout: statementTimeoutMs + 5_000,
    application_name: 'caspian-export-optimiser',
  });
  // An idle client whose connection dies emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', (error) => options.onConnectionError?.(error));

  const deadline = Date.now() + (options.startupTimeoutMs ?? 30_000);
  for (let attempt = 1; ; attempt++) {
    try {
      await migratePostgres(pool, POSTGRES_MIGRATIONS);
      break;
    } catch (error) {
      if (!isConnectionError(error) || Date.now() >= deadline) {
        await pool.end().catch(() => undefined);
        throw translate(error);
      }
      await new Promise((r) => setTimeout(r, Math.min(200 * attempt, 2_000)));
    }
  }
  return new PostgresStore(pool);
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction,
 * under an advisory lock: a second process starting at the same time waits, then finds them applied.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[]): Promise<number[]> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL
      )`);
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      const ran: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            now(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        ran.push(migration.version);
      }
      return ran;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } catch (error) {
    if (isConnectionError(error)) broken = error as Error;
    throw error;
  } finally {
    client.off('error', ignore);
    client.release(broken);
  }
}

export class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  #closed: Promise<void> | null = null;
  #lastSweep = 0;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async createScenario(scenario: Scenario, createdBy: string | null = null, completes?: CompletesKey<ScenarioRecord>): Promise<ScenarioRecord> {
    const id = newId('sc');
    const at = now();
    const record: ScenarioRecord = { id, version: 1, createdAt: at, updatedAt: at, createdBy, scenario };
    const insert = (exec: Statement) =>
      exec('INSERT INTO scenarios (id, name, version, body, created_at, updated_at, created_by) VALUES ($1, $2, 1, $3, $4, $4, $5)', [id, scenario.name, JSON.stringify(scenario), at, createdBy]);
    await this.#insertCompleting(insert, completes, record);
    return record;
  }

  async getScenario(id: string): Promise<ScenarioRecord | null> {
    const { rows } = await this.#query<ScenarioRow>('SELECT * FROM scenarios WHERE id = $1', [id]);
    return rows[0] ? toScenarioRecord(rows[0]) : null;
  }

  async getScenarioJson(id: string): Promise<ScenarioJson | null> {
    // As text: the driver would otherwise parse the JSON column here, on the event loop.
    const { rows } = await this.#query<Omit<ScenarioRow, 'body'> & { body: string }>('SELECT id, version, created_at, updated_at, created_by, body::text AS body FROM scenarios WHERE id = $1', [id]);
    const row = rows[0];
    if (!row) return null;
    return { id: row.id, version: row.version, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), createdBy: row.created_by, scenarioJson: row.body };
  }

  async scenarioVersion(id: string): Promise<number | null> {
    const { rows } = await this.#query<{ version: number }>('SELECT version FROM scenarios WHERE id = $1', [id]);
    return rows[0] ? rows[0].version : null;
  }

  async listScenarios(page: PageRequest): Promise<Page<ScenarioSummary>> {
    // One transaction, so the total and the page are of the same moment.
    return this.#transaction(async (db) => {
      const total = Number((await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM scenarios')).rows[0]!.n);
      const rows = await pageRows<ScenarioRow>(db, 'SELECT seq, id, name, version, created_at, updated_at, created_by FROM scenarios', [], page, SCENARIOS_LIST);
      return toPage(rows, page, total, SCENARIOS_LIST, (r) => ({
        id: r.id,
        version: r.version,
        name: r.name,
        createdAt: iso(r.created_at),
        updatedAt: iso(r.updated_at),
        createdBy: r.created_by,
      }));
    }, 'REPEATABLE READ READ ONLY');
  }

  async updateScenario(id: string, expectedVersion: number, scenario: Scenario): Promise<UpdateResult> {
    return this.#transaction(async (db): Promise<UpdateResult> => {
      const row = (
        await db.query<{ version: number; created_at: Date; created_by: string | null }>('SELECT version, created_at, created_by FROM scenarios WHERE id = $1 FOR UPDATE', [id])
      ).rows[0];
      if (!row) return { ok: false, reason: 'not_found' };
      if (row.version !== expectedVersion) return { ok: false, reason: 'version_conflict', currentVersion: row.version };
      const at = now();
      await db.query('UPDATE scenarios SET name = $1, version = version + 1, body = $2, updated_at = $3 WHERE id = $4', [
        scenario.name,
        JSON.stringify(scenario),
        at,
        id,
      ]);
      return { ok: true, record: { id, version: row.version + 1, createdAt: iso(row.created_at), updatedAt: at, createdBy: row.created_by, scenario } };
    });
  }

  async deleteScenario(id: string, expectedVersion?: number): Promise<DeleteResult> {
    return this.#transaction(async (db): Promise<DeleteResult> => {
      const row = (await db.query<{ version: number }>('SELECT version FROM scenarios WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!row) return { ok: false, reason: 'not_found' };
      if (expectedVersion !== undefined && row.version !== expectedVersion) {
        return { ok: false, reason: 'version_conflict', currentVersion: row.version };
      }
      await db.query('DELETE FROM scenarios WHERE id = $1', [id]);
      return { ok: true };
    });
  }

  async createRun(run: Omit<RunRecord, 'id' | 'createdAt' | 'createdBy'> & { readonly createdBy?: string | null }): Promise<RunRecord> {
    const { plan, ...rest } = run;
    return { ...(await this.createRunFromJson({ ...rest, planJson: JSON.stringify(plan) })), plan };
  }

  async createRunFromJson(run: NewRunFromJson, completes?: CompletesKey<Omit<RunRecord, 'plan'>>): Promise<Omit<RunRecord, 'plan'>> {
    const { planJson, scenarioJson, ...record } = run;
    const id = newId('run');
    const createdAt = now();
    const created = { ...record, id, createdAt, createdBy: run.createdBy ?? null };
    const insert = (exec: Statement) =>
      exec(
      `INSERT INTO runs (id, scenario_id, scenario_version, status, inputs_hash, model_version, scenario, plan, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        run.scenarioId,
        run.scenarioVersion,
        run.status,
        run.inputsHash,
        run.modelVersion,
        scenarioJson ?? JSON.stringify(run.scenario),
        planJson,
        createdAt,
        run.createdBy ?? null,
      ],
    );
    await this.#insertCompleting(insert, completes, created);
    return created;
  }

  async getRun(id: string): Promise<RunRecord | null> {
    const { rows } = await this.#query<RunRow>('SELECT * FROM runs WHERE id = $1', [id]);
    const row = rows[0];
    if (!row) return null;
    return { ...toRunSummary(row), scenario: row.scenario, plan: row.plan };
  }

  async getRunJson(id: string): Promise<RunJson | null> {
    // As UTF-8 bytes: the driver would otherwise parse the JSON columns here, on the event loop.
    const { rows } = await this.#query<Omit<RunRow, 'scenario' | 'plan'> & { scenario: Buffer; plan: Buffer }>(
      "SELECT seq, id, scenario_id, scenario_version, status, inputs_hash, model_version, created_at, created_by, convert_to(scenario::text, 'UTF8') AS scenario, convert_to(plan::text, 'UTF8') AS plan FROM runs WHERE id = $1",
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    return { ...toRunSummary(row), scenarioJson: row.scenario, planJson: row.plan };
  }

  async listRuns(scenarioId: string, page: PageRequest): Promise<Page<RunSummary>> {
    return this.#transaction(async (db) => {
      const total = Number((await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM runs WHERE scenario_id = $1', [scenarioId])).rows[0]!.n);
      const rows = await pageRows<RunRow>(
        db,
        'SELECT seq, id, scenario_id, scenario_version, status, inputs_hash, model_version, created_at, created_by FROM runs WHERE scenario_id = $1',
        [scenarioId],
        page,
        runsList(scenarioId),
      );
      return toPage(rows, page, total, runsList(scenarioId), toRunSummary);
    }, 'REPEATABLE READ READ ONLY');
  }

  async claimIdempotencyKey(scope: string, key: string, fingerprint: string, limits: IdempotencyLimits): Promise<IdempotencyClaim> {
    const nowMs = Date.now();
    if (nowMs - this.#lastSweep > IDEMPOTENCY_SWEEP_MS) {
      this.#lastSweep = nowMs;
      await this.#query('DELETE FROM idempotency_keys WHERE created_at_ms < $1', [nowMs - limits.ttlMs]);
    }
    return this.#transaction(async (db): Promise<IdempotencyClaim> => {
      // Claims of the same key queue here; claims of other keys do not wait for each other.
      await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${scope}\n${key}`]);
      const found = (
        await db.query<{ fingerprint: string; state: string; response: string | null; created_at_ms: string }>(
          'SELECT fingerprint, state, response, created_at_ms FROM idempotency_keys WHERE scope = $1 AND key = $2',
          [scope, key],
        )
      ).rows[0];
      // An expired claim is forgotten, as if the sweep had already removed it.
      const row = found && Number(found.created_at_ms) >= nowMs - limits.ttlMs ? found : undefined;
      if (row && row.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (row && row.state === 'done' && row.response !== null) {
        return { state: 'replay', response: JSON.parse(row.response) as StoredResponse };
      }
      if (row && Number(row.created_at_ms) >= nowMs - limits.staleAfterMs) return { state: 'in_progress' };
      await db.query(
        `INSERT INTO idempotency_keys (scope, key, fingerprint, state, created_at_ms) VALUES ($1, $2, $3, 'in_progress', $4)
         ON CONFLICT (scope, key) DO UPDATE
           SET fingerprint = excluded.fingerprint, state = 'in_progress', response = NULL, created_at_ms = excluded.created_at_ms`,
        [scope, key, fingerprint, nowMs],
      );
      return { state: 'claimed' };
    });
  }

  async completeIdempotencyKey(scope: string, key: string, response: StoredResponse): Promise<void> {
    await completeKey((text, values) => this.#query(text, values), scope, key, response);
  }

  async releaseIdempotencyKey(scope: string, key: string): Promise<void> {
    await this.#query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_progress'", [scope, key]);
  }

  async listApiKeys(): Promise<StoredApiKey[]> {
    const { rows } = await this.#query<{ id: string; role: Role; sha256: string; created_at: Date }>(
      'SELECT id, role, sha256, created_at FROM api_keys ORDER BY created_at, seq',
    );
    return rows.map((r) => ({ id: r.id, role: r.role, sha256: r.sha256, createdAt: iso(r.created_at) }));
  }

  async addApiKey(role: Role, sha256: string): Promise<StoredApiKey> {
    const key: StoredApiKey = { id: newId('key'), role, sha256: sha256.toLowerCase(), createdAt: now() };
    await this.#query('INSERT INTO api_keys (id, role, sha256, created_at) VALUES ($1, $2, $3, $4)', [key.id, key.role, key.sha256, key.createdAt]);
    return key;
  }

  async ping(): Promise<void> {
    await this.#query('SELECT 1');
  }

  /** Waits for the statements in flight, then closes every connection. */
  close(): Promise<void> {
    this.#closed ??= this.#pool.end();
    return this.#closed;
  }

  async #query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    if (this.#closed) throw new StoreUnavailableError('the store is closed');
    try {
      return await this.#pool.query<R>(text, values);
    } catch (error) {
      throw translate(error);
    }
  }

  /** Runs `insert`; with an idempotency claim, in one transaction with the claim's completion (CompletesKey). */
  async #insertCompleting<T>(insert: (exec: Statement) => Promise<unknown>, completes: CompletesKey<T> | undefined, created: T): Promise<void> {
    if (!completes) {
      await insert((text, values) => this.#query(text, values));
      return;
    }
    await this.#transaction(async (db) => {
      const exec: Statement = (text, values) => db.query(text, values);
      await insert(exec);
      await completeKey(exec, completes.scope, completes.key, completes.respond(created));
    });
  }

  async #transaction<T>(work: (db: Queryable) => Promise<T>, mode = 'READ COMMITTED'): Promise<T> {
    if (this.#closed) throw new StoreUnavailableError('the store is closed');
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw translate(error);
    }
    // A checked-out client whose connection dies between statements emits 'error': handled here,
    // the next statement fails and the client is discarded on release.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${mode}`);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (isConnectionError(error)) broken = error as Error;
      else {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
      }
      throw translate(error);
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }
}

/** Newest first; a cursor is the `seq` of the last item seen, and wins over `offset`. */
async function pageRows<Row extends { seq: string }>(db: Queryable, select: string, params: unknown[], page: PageRequest, list: string): Promise<Row[]> {
  const hasWhere = /\bWHERE\b/i.test(select);
  const n = params.length;
  if (page.cursor !== undefined) {
    const before = decodeCursor(list, page.cursor);
    return (
      await db.query<Row>(`${select} ${hasWhere ? 'AND' : 'WHERE'} seq < $${n + 1} ORDER BY seq DESC LIMIT $${n + 2}`, [
        ...params,
        before,
        page.limit + 1,
      ])
    ).rows;
  }
  return (await db.query<Row>(`${select} ORDER BY seq DESC LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, page.limit + 1, page.offset ?? 0]))
    .rows;
}

function toPage<Row extends { seq: string }, T>(rows: Row[], page: PageRequest, total: number, list: string, map: (row: Row) => T): Page<T> {
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: more && last ? encodeCursor(list, Number(last.seq)) : null, total };
}

function toScenarioRecord(row: ScenarioRow): ScenarioRecord {
  return { id: row.id, version: row.version, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), createdBy: row.created_by, scenario: row.body };
}

function toRunSummary(row: Omit<RunRow, 'scenario' | 'plan'>): RunSummary {
  return {
    id: row.id,
    scenarioId: row.scenario_id,
    scenarioVersion: row.scenario_version,
    createdAt: iso(row.created_at),
    status: row.status as RunSummary['status'],
    inputsHash: row.inputs_hash,
    modelVersion: row.model_version,
    createdBy: row.created_by,
  };
}
