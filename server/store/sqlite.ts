/**
 * The SQLite implementation of `Store` (better-sqlite3). WAL journal with synchronous=FULL: a
 * write is on disk before the request that made it is acknowledged, so it survives `kill -9`
 * and power loss. better-sqlite3 is synchronous; each call is a short indexed statement.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Scenario } from '../core/schema.ts';
import type { Plan } from '../core/plan-schema.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { SqliteJobRecords } from './sqlite-jobs.ts';
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

interface ScenarioRow {
  seq: number;
  id: string;
  name: string;
  version: number;
  body: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
}

interface RunRow {
  seq: number;
  id: string;
  scenario_id: string;
  scenario_version: number;
  status: string;
  inputs_hash: string;
  model_version: string;
  scenario: string;
  plan: string;
  created_at: string;
  created_by: string | null;
}

const newId = (prefix: string): string => `${prefix}_${randomBytes(10).toString('hex')}`;
const now = (): string => new Date().toISOString();


export interface SqliteStoreOptions {
  /** File path, or `:memory:` for a throw-away store. Parent directories are created. */
  readonly path: string;
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const onDisk = options.path !== ':memory:' && options.path !== '';
  if (onDisk) {
    mkdirSync(dirname(options.path), { recursive: true });
    // The file holds key hashes and every plan: readable by its owner only, from its creation on.
    if (!existsSync(options.path)) closeSync(openSync(options.path, 'a', 0o600));
    chmodSync(options.path, 0o600);
  }
  const previous = process.umask(0o077);
  let db: Database.Database;
  try {
    // The -wal and -shm files SQLite creates next to it get the same mode.
    db = new Database(options.path);
    db.pragma('journal_mode = WAL');
  } finally {
    process.umask(previous);
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, MIGRATIONS);
  return new SqliteStore(db);
}

/** Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const ran: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
    })();
    ran.push(migration.version);
  }
  return ran;
}

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  #closed = false;
  #jobs: SqliteJobRecords | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** The in-process queue's analysis jobs, on this database (closed with the store). */
  jobRecords(): SqliteJobRecords {
    this.#jobs ??= new SqliteJobRecords(this.#db);
    return this.#jobs;
  }

  async createScenario(scenario: Scenario, createdBy: string | null = null, completes?: CompletesKey<ScenarioRecord>): Promise<ScenarioRecord> {
    const id = newId('sc');
    const at = now();
    const record: ScenarioRecord = { id, version: 1, createdAt: at, updatedAt: at, createdBy, scenario };
    this.#db.transaction(() => {
      this.#db
        .prepare('INSERT INTO scenarios (id, name, version, body, created_at, updated_at, created_by) VALUES (?, ?, 1, ?, ?, ?, ?)')
        .run(id, scenario.name, JSON.stringify(scenario), at, at, createdBy);
      if (completes) this.#complete(completes.scope, completes.key, completes.respond(record));
    })();
    return record;
  }

  #complete(scope: string, key: string, response: StoredResponse): void {
    this.#db.prepare("UPDATE idempotency_keys SET state = 'done', response = ? WHERE scope = ? AND key = ?").run(JSON.stringify(response), scope, key);
  }

  async getScenario(id: string): Promise<ScenarioRecord | null> {
    const row = this.#db.prepare('SELECT * FROM scenarios WHERE id = ?').get(id) as ScenarioRow | undefined;
    return row ? toScenarioRecord(row) : null;
  }

  async getScenarioJson(id: string): Promise<ScenarioJson | null> {
    const row = this.#db.prepare('SELECT * FROM scenarios WHERE id = ?').get(id) as ScenarioRow | undefined;
    if (!row) return null;
    return toScenarioJson(row);
  }

  async scenarioVersion(id: string): Promise<number | null> {
    const row = this.#db.prepare('SELECT version FROM scenarios WHERE id = ?').get(id) as { version: number } | undefined;
    return row ? row.version : null;
  }

  async listScenarios(page: PageRequest): Promise<Page<ScenarioSummary>> {
    const total = (this.#db.prepare('SELECT COUNT(*) AS n FROM scenarios').get() as { n: number }).n;
    const rows = this.#pageRows<ScenarioRow>(
      'SELECT seq, id, name, version, created_at, updated_at, created_by FROM scenarios',
      [],
      page,
      SCENARIOS_LIST,
    );
    return this.#page(rows, page, total, SCENARIOS_LIST, (r) => ({
      id: r.id,
      version: r.version,
      name: r.name,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      createdBy: r.created_by,
    }));
  }

  async updateScenario(id: string, expectedVersion: number, scenario: Scenario): Promise<UpdateResult> {
    return this.#db.transaction((): UpdateResult => {
      const row = this.#db.prepare('SELECT * FROM scenarios WHERE id = ?').get(id) as ScenarioRow | undefined;
      if (!row) return { ok: false, reason: 'not_found' };
      if (row.version !== expectedVersion) return { ok: false, reason: 'version_conflict', currentVersion: row.version };
      const at = now();
      this.#db
        .prepare('UPDATE scenarios SET name = ?, version = version + 1, body = ?, updated_at = ? WHERE id = ?')
        .run(scenario.name, JSON.stringify(scenario), at, id);
      return {
        ok: true,
        record: { id, version: row.version + 1, createdAt: row.created_at, updatedAt: at, createdBy: row.created_by, scenario },
      };
    }).immediate();
  }

  async deleteScenario(id: string, expectedVersion?: number): Promise<DeleteResult> {
    return this.#db.transaction((): DeleteResult => {
      const row = this.#db.prepare('SELECT version FROM scenarios WHERE id = ?').get(id) as
        | { version: number }
        | undefined;
      if (!row) return { ok: false, reason: 'not_found' };
      if (expectedVersion !== undefined && row.version !== expectedVersion) {
        return { ok: false, reason: 'version_conflict', currentVersion: row.version };
      }
      this.#db.prepare('DELETE FROM scenarios WHERE id = ?').run(id);
      return { ok: true };
    }).immediate();
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
    this.#db.transaction(() => {
      this.#insertRun(run, id, createdAt, scenarioJson, planJson);
      if (completes) this.#complete(completes.scope, completes.key, completes.respond(created));
    })();
    return created;
  }

  #insertRun(run: NewRunFromJson, id: string, createdAt: string, scenarioJson: string | undefined, planJson: string): void {
    this.#db
      .prepare(
        `INSERT INTO runs (id, scenario_id, scenario_version, status, inputs_hash, model_version, scenario, plan, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
      );
  }

  async getRun(id: string): Promise<RunRecord | null> {
    const row = this.#db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) return null;
    return {
      ...toRunSummary(row),
      scenario: JSON.parse(row.scenario) as Scenario,
      plan: JSON.parse(row.plan) as Plan,
    };
  }

  async getRunJson(id: string): Promise<RunJson | null> {
    // As BLOBs: the bytes as stored, not decoded into strings here.
    const row = this.#db
      .prepare('SELECT seq, id, scenario_id, scenario_version, status, inputs_hash, model_version, created_at, created_by, CAST(scenario AS BLOB) AS scenario, CAST(plan AS BLOB) AS plan FROM runs WHERE id = ?')
      .get(id) as (Omit<RunRow, 'scenario' | 'plan'> & { scenario: Buffer; plan: Buffer }) | undefined;
    if (!row) return null;
    return { ...toRunSummary(row), scenarioJson: row.scenario, planJson: row.plan };
  }

  async listRuns(scenarioId: string, page: PageRequest): Promise<Page<RunSummary>> {
    const total = (
      this.#db.prepare('SELECT COUNT(*) AS n FROM runs WHERE scenario_id = ?').get(scenarioId) as { n: number }
    ).n;
    const rows = this.#pageRows<RunRow>(
      'SELECT seq, id, scenario_id, scenario_version, status, inputs_hash, model_version, created_at, created_by FROM runs WHERE scenario_id = ?',
      [scenarioId],
      page,
      runsList(scenarioId),
    );
    return this.#page(rows, page, total, runsList(scenarioId), toRunSummary);
  }

  async claimIdempotencyKey(
    scope: string,
    key: string,
    fingerprint: string,
    limits: IdempotencyLimits,
  ): Promise<IdempotencyClaim> {
    const nowMs = Date.now();
    return this.#db.transaction((): IdempotencyClaim => {
      this.#db.prepare('DELETE FROM idempotency_keys WHERE created_at_ms < ?').run(nowMs - limits.ttlMs);
      const row = this.#db
        .prepare('SELECT fingerprint, state, response, created_at_ms FROM idempotency_keys WHERE scope = ? AND key = ?')
        .get(scope, key) as { fingerprint: string; state: string; response: string | null; created_at_ms: number } | undefined;
      if (row && row.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (row && row.state === 'done' && row.response !== null) {
        return { state: 'replay', response: JSON.parse(row.response) as StoredResponse };
      }
      if (row && row.created_at_ms >= nowMs - limits.staleAfterMs) return { state: 'in_progress' };
      this.#db
        .prepare(
          `INSERT INTO idempotency_keys (scope, key, fingerprint, state, created_at_ms) VALUES (?, ?, ?, 'in_progress', ?)
           ON CONFLICT (scope, key) DO UPDATE SET state = 'in_progress', response = NULL, created_at_ms = excluded.created_at_ms`,
        )
        .run(scope, key, fingerprint, nowMs);
      return { state: 'claimed' };
    }).immediate();
  }

  async completeIdempotencyKey(scope: string, key: string, response: StoredResponse): Promise<void> {
    this.#complete(scope, key, response);
  }

  async releaseIdempotencyKey(scope: string, key: string): Promise<void> {
    this.#db.prepare("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = 'in_progress'").run(scope, key);
  }

  async listApiKeys(): Promise<StoredApiKey[]> {
    const rows = this.#db.prepare('SELECT id, role, sha256, created_at FROM api_keys ORDER BY created_at, rowid').all() as {
      id: string;
      role: Role;
      sha256: string;
      created_at: string;
    }[];
    return rows.map((r) => ({ id: r.id, role: r.role, sha256: r.sha256, createdAt: r.created_at }));
  }

  async addApiKey(role: Role, sha256: string): Promise<StoredApiKey> {
    const key: StoredApiKey = { id: newId('key'), role, sha256: sha256.toLowerCase(), createdAt: now() };
    this.#db
      .prepare('INSERT INTO api_keys (id, role, sha256, created_at) VALUES (?, ?, ?, ?)')
      .run(key.id, key.role, key.sha256, key.createdAt);
    return key;
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new StoreUnavailableError('the store is closed');
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  /** Newest first; a cursor is the `seq` of the last item seen, and wins over `offset`. */
  #pageRows<Row extends { seq: number }>(select: string, params: unknown[], page: PageRequest, list: string): Row[] {
    const hasWhere = /\bWHERE\b/i.test(select);
    if (page.cursor !== undefined) {
      const before = decodeCursor(list, page.cursor);
      return this.#db
        .prepare(`${select} ${hasWhere ? 'AND' : 'WHERE'} seq < ? ORDER BY seq DESC LIMIT ?`)
        .all(...params, before, page.limit + 1) as Row[];
    }
    return this.#db
      .prepare(`${select} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...params, page.limit + 1, page.offset ?? 0) as Row[];
  }

  #page<Row extends { seq: number }, T>(rows: Row[], page: PageRequest, total: number, list: string, map: (row: Row) => T): Page<T> {
    const more = rows.length > page.limit;
    const items = more ? rows.slice(0, page.limit) : rows;
    const last = items[items.length - 1];
    return { items: items.map(map), nextCursor: more && last ? encodeCursor(list, last.seq) : null, total };
  }
}

function toScenarioRecord(row: ScenarioRow): ScenarioRecord {
  const { scenarioJson, ...head } = toScenarioJson(row);
  return { ...head, scenario: JSON.parse(scenarioJson) as Scenario };
}

function toScenarioJson(row: ScenarioRow): ScenarioJson {
  return { id: row.id, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at, createdBy: row.created_by, scenarioJson: row.body };
}

function toRunSummary(row: Omit<RunRow, 'scenario' | 'plan'>): RunSummary {
  return {
    id: row.id,
    scenarioId: row.scenario_id,
    scenarioVersion: row.scenario_version,
    createdAt: row.created_at,
    status: row.status as RunSummary['status'],
    inputsHash: row.inputs_hash,
    modelVersion: row.model_version,
    createdBy: row.created_by,
  };
}
