/**
 * The one persistence interface of the service, implemented by the SQLite store (one machine,
 * the default) and the PostgreSQL store (several API processes on one database). Every method is
 * async and nothing here mentions a database type. Records carry plain JSON values and ISO-8601
 * timestamps.
 */
import type { Scenario } from '../core/schema.ts';
import type { Plan } from '../core/plan-schema.ts';

export type Role = 'planner' | 'viewer';

export interface ScenarioRecord {
  readonly id: string;
  /** Starts at 1 and grows by one on every update (optimistic concurrency, `If-Match`). */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Who stored it: the API key's id, or `anonymous`; null when the store did not record it (older rows). */
  readonly createdBy: string | null;
  readonly scenario: Scenario;
}

export interface ScenarioSummary {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: string | null;
}

/** A solved scenario, never changed once written. */
export interface RunRecord {
  readonly id: string;
  readonly scenarioId: string;
  readonly scenarioVersion: number;
  readonly createdAt: string;
  readonly status: Plan['status'];
  readonly inputsHash: string;
  readonly modelVersion: string;
  /** Who asked for the run: the API key's id, or `anonymous`; null when not recorded (older rows). */
  readonly createdBy: string | null;
  /** The scenario exactly as it was solved (the stored scenario may change later). */
  readonly scenario: Scenario;
  readonly plan: Plan;
}

export type RunSummary = Omit<RunRecord, 'scenario' | 'plan'>;

/** A run to store with its plan as JSON text, and its scenario's text too when the caller has it (stored as it is). */
export type NewRunFromJson = Omit<RunRecord, 'id' | 'createdAt' | 'createdBy' | 'plan'> & {
  readonly createdBy?: string | null;
  readonly planJson: string;
  /** The scenario as the JSON text it is stored as (`JSON.stringify(scenario)` otherwise). */
  readonly scenarioJson?: string;
};

/** A stored scenario with the scenario as the JSON text it is stored as. */
export interface ScenarioJson extends Omit<ScenarioRecord, 'scenario'> {
  readonly scenarioJson: string;
}

/**
 * A stored run with its scenario and plan as the UTF-8 bytes of the JSON text they are stored as, not
 * decoded or parsed: a large plan (megabytes) is decoded, parsed, checked and turned into a response
 * in the CPU pool, off the event loop, and the bytes move there rather than being copied.
 */
export interface RunJson extends RunSummary {
  readonly scenarioJson: Uint8Array;
  readonly planJson: Uint8Array;
}

export interface PageRequest {
  readonly limit: number;
  /** Opaque cursor from a previous page's `nextCursor`; wins over `offset`. */
  readonly cursor?: string;
  readonly offset?: number;
}

export interface Page<T> {
  readonly items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  readonly nextCursor: string | null;
  readonly total: number;
}

export type UpdateResult =
  | { readonly ok: true; readonly record: ScenarioRecord }
  | { readonly ok: false; readonly reason: 'not_found' }
  | { readonly ok: false; readonly reason: 'version_conflict'; readonly currentVersion: number };

export type DeleteResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'not_found' }
  | { readonly ok: false; readonly reason: 'version_conflict'; readonly currentVersion: number };

/** What an idempotent request left behind: its status, content type and body, to replay. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/**
 * An idempotent request's claim completed in the same transaction as the write it made: a crash
 * between the two can no longer leave the object stored and its key claimed, so that a retry after
 * the claim goes stale stores it again. `respond` gives the response from what was written.
 */
export interface CompletesKey<T> {
  readonly scope: string;
  readonly key: string;
  respond(created: T): StoredResponse;
}

export type IdempotencyClaim =
  /** First use of the key: the caller runs the request, then completes or releases the claim. */
  | { readonly state: 'claimed' }
  /** Same key, same request, already answered: replay the stored response. */
  | { readonly state: 'replay'; readonly response: StoredResponse }
  /** Same key, same request, still running elsewhere. */
  | { readonly state: 'in_progress' }
  /** Same key used for a different request. */
  | { readonly state: 'mismatch' };

export interface IdempotencyLimits {
  readonly ttlMs: number;
  readonly staleAfterMs: number;
}

export interface StoredApiKey {
  readonly id: string;
  readonly role: Role;
  /** Lower-case hex SHA-256 of the key; the key itself is never stored. */
  readonly sha256: string;
  readonly createdAt: string;
}

export interface Store {
  /** `createdBy`: the API key's id or `anonymous` (never the key itself); null when unknown. */
  createScenario(scenario: Scenario, createdBy?: string | null, completes?: CompletesKey<ScenarioRecord>): Promise<ScenarioRecord>;
  getScenario(id: string): Promise<ScenarioRecord | null>;
  /** The scenario record with the scenario as the JSON text it is stored as (not parsed: a 1 MB network is ~0.1 s to parse and check). */
  getScenarioJson(id: string): Promise<ScenarioJson | null>;
  /** The scenario's current version, or null when there is none (without reading the scenario itself). */
  scenarioVersion(id: string): Promise<number | null>;
  listScenarios(page: PageRequest): Promise<Page<ScenarioSummary>>;
  /** Replaces the scenario when `expectedVersion` is the current version. */
  updateScenario(id: string, expectedVersion: number, scenario: Scenario): Promise<UpdateResult>;
  /** Deletes the scenario (its runs stay: they are immutable records). */
  deleteScenario(id: string, expectedVersion?: number): Promise<DeleteResult>;

  createRun(run: Omit<RunRecord, 'id' | 'createdAt' | 'createdBy'> & { readonly createdBy?: string | null }): Promise<RunRecord>;
  /**
   * The same, with the plan as its JSON text, stored as it is (a plan serialised and checked in the
   * CPU pool is not parsed and serialised again on the event loop); the record comes back without it.
   */
  createRunFromJson(run: NewRunFromJson, completes?: CompletesKey<Omit<RunRecord, 'plan'>>): Promise<Omit<RunRecord, 'plan'>>;
  getRun(id: string): Promise<RunRecord | null>;
  getRunJson(id: string): Promise<RunJson | null>;
  listRuns(scenarioId: string, page: PageRequest): Promise<Page<RunSummary>>;

  /**
   * Claims `key` within `scope` for a request whose fingerprint is `fingerprint`. Claims older than
   * `ttlMs` are forgotten; a claim still in progress after `staleAfterMs` (its request died with
   * its process) is taken over.
   */
  claimIdempotencyKey(scope: string, key: string, fingerprint: string, limits: IdempotencyLimits): Promise<IdempotencyClaim>;
  completeIdempotencyKey(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets a claim whose request failed, so the client may retry with the same key. */
  releaseIdempotencyKey(scope: string, key: string): Promise<void>;

  listApiKeys(): Promise<StoredApiKey[]>;
  addApiKey(role: Role, sha256: string): Promise<StoredApiKey>;

  /** Resolves when the database answers a trivial query; rejects with `StoreUnavailableError` otherwise. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/**
 * The database cannot be reached (refused, reset, restarting, no free connection in time). The
 * request may succeed when retried: the API answers 503 `store_unavailable`, never 500.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message = 'the database is not reachable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export const isStoreUnavailable = (error: unknown): error is StoreUnavailableError =>
  error instanceof StoreUnavailableError ||
  (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'STORE_UNAVAILABLE');

/** Thrown when a cursor was not made by this store. */
/**
 * A page's cursor: the list it belongs to and the `seq` of the last item seen, base64url. A cursor is
 * refused (InvalidCursorError) on another list, or in any other spelling than the one given: a
 * client that mixes up two lists' cursors is told so rather than answered with a slice of the other.
 */
export function encodeCursor(list: string, seq: number): string {
  return Buffer.from(`${list}|seq:${seq}`).toString('base64url');
}

export function decodeCursor(list: string, cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(.*)\|seq:([1-9]\d{0,14})$/.exec(text);
  if (!match || match[1] !== list || encodeCursor(list, Number(match[2])) !== cursor) throw new InvalidCursorError();
  return Number(match[2]);
}

/** The list a cursor belongs to: every scenario, or one scenario's runs. */
export const SCENARIOS_LIST = 'scenarios';
export const runsList = (scenarioId: string): string => `runs:${scenarioId}`;

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}
