/**
 * The page's calls to /api/v1. Outcomes are values: `{ ok: true, data }` or `{ ok: false, report }`,
 * never exceptions, so every caller shows a failure in words.
 */
import { Network, type ScenarioInput } from '../../server/core/schema.ts';
import { Plan } from '../../server/core/plan-schema.ts';
import { errorReport, type ErrorReport } from './lib/api-errors.ts';
import { apiKeyProblem } from './lib/api-key.ts';
import { UnexpectedAnswer } from './lib/answer.ts';
import { backtestState, type BacktestState } from './lib/backtest.ts';
import type { RunSummaryRow, ScenarioSummaryRow } from './lib/library.ts';
import { t } from './i18n/index.ts';

export type Result<T> = { ok: true; data: T } | { ok: false; report: ErrorReport };

/** The most rows a list reads (its pages are 100 each): past it the library says how many it shows of how many. */
export const LIST_CAP = 5_000;

/** A paged list read whole, following `nextCursor`, up to LIST_CAP rows. */
async function allPages<T>(path: string, signal?: AbortSignal): Promise<Result<{ items: T[]; total: number }>> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page: Result<{ items: T[]; total: number; nextCursor: string | null }> = await call(
      'GET',
      `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      undefined,
      (v) => v as { items: T[]; total: number; nextCursor: string | null },
      signal,
    );
    if (!page.ok) return page;
    items.push(...page.data.items);
    cursor = page.data.nextCursor;
    if (!cursor || items.length >= LIST_CAP) return { ok: true, data: { items, total: page.data.total } };
  }
}

const BASE = '/api/v1';
const KEY_STORAGE = 'caspian.apiKey';

export function storedApiKey(): string {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function storeApiKey(key: string): void {
  try {
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
  } catch {
    // Private mode without storage: the key lasts for this page only.
  }
}

/**
 * Accept plus the stored key, if any, as a bearer token. A stored key that cannot be a key (set by
 * hand, or by an older page) is not sent: the browser would refuse the whole request over it.
 */
export function authHeaders(accept: string): Record<string, string> {
  const headers: Record<string, string> = { accept };
  const key = storedApiKey();
  if (key && !apiKeyProblem(key)) headers.authorization = `Bearer ${key}`;
  return headers;
}

/** A request that got no answer: cancelled by the page, or the server is out of reach. */
export function unreachable(err: unknown): { ok: false; report: ErrorReport } {
  const aborted = (err as Error)?.name === 'AbortError';
  return {
    ok: false,
    report: { status: 0, code: aborted ? 'aborted' : 'network', summary: aborted ? t('Cancelled') : t('The server cannot be reached'), fields: [] },
  };
}

/**
 * A JSON call to `/api/v1` + `path`: an error answer becomes its report; an answer `parse` rejects is
 * `bad_response` (with the parser's words when it throws an UnexpectedAnswer).
 */
export async function call<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body: unknown,
  parse: (value: unknown) => T,
  signal?: AbortSignal,
  extraHeaders: Record<string, string> = {},
  /** false: asked without the stored key (what the server lets anyone do). */
  withKey = true,
): Promise<Result<T>> {
  const headers: Record<string, string> = { ...(withKey ? authHeaders('application/json') : { accept: 'application/json' }), ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (err) {
    return unreachable(err);
  }
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const report = errorReport(response.status, payload, response.headers.get('retry-after'));
    // A key was sent and refused: it is the key (mistyped, revoked, the server's keys changed), not a
    // missing one.
    if (response.status === 401 && headers.authorization) return { ok: false, report: { ...report, code: 'key_refused', summary: t('The server does not accept this API key (mistyped, or no longer valid): enter a valid one under “Access”') } };
    return { ok: false, report };
  }
  try {
    return { ok: true, data: parse(payload) };
  } catch (err) {
    const summary = err instanceof UnexpectedAnswer ? err.message : t('The server answered in an unexpected shape');
    return { ok: false, report: { status: response.status, code: 'bad_response', summary, fields: [] } };
  }
}

export interface Session {
  role: 'planner' | 'viewer' | 'anonymous';
  publicRead: boolean;
  canWrite: boolean;
  canRead: boolean;
}

export const api = {
  session: (signal?: AbortSignal) => call('GET', '/session', undefined, (v) => v as Session, signal),
  /** What the server lets anyone do, asked without the stored key (a refused key does not say it). */
  sessionWithoutKey: () => call('GET', '/session', undefined, (v) => v as Session, undefined, {}, false),
  network: (signal?: AbortSignal) => call('GET', '/network', undefined, (v) => Network.parse(v), signal),
  optimise: (scenario: ScenarioInput, signal?: AbortSignal) =>
    call('POST', '/optimise', scenario, (v) => Plan.parse(v), signal),
  createScenario: (scenario: ScenarioInput) =>
    call('POST', '/scenarios', scenario, (v) => v as { id: string; version: number }),
  runScenario: (scenarioId: string) =>
    call('POST', `/scenarios/${encodeURIComponent(scenarioId)}/runs`, undefined, (v) => v as StoredRun),
  run: (runId: string) => call('GET', `/runs/${encodeURIComponent(runId)}`, undefined, (v) => parseRun(v)),
  /** The lighter run (no flows GeoJSON): for the library's margins. */
  runLight: (runId: string, signal?: AbortSignal) =>
    call('GET', `/runs/${encodeURIComponent(runId)}?flows=false`, undefined, (v) => v as { id: string; plan: { kpis: { marginUsd: number } | null } }, signal),
  /** Every stored scenario, newest first, page after page (up to LIST_CAP; `total` says how many there are). */
  listScenarios: (signal?: AbortSignal) => allPages<ScenarioSummaryRow>('/scenarios', signal),
  /** Every run of a scenario, newest first, page after page (up to LIST_CAP). */
  listRuns: (scenarioId: string, signal?: AbortSignal) => allPages<RunSummaryRow>(`/scenarios/${encodeURIComponent(scenarioId)}/runs`, signal),
  scenario: (scenarioId: string) =>
    call('GET', `/scenarios/${encodeURIComponent(scenarioId)}`, undefined, (v) => v as { id: string; version: number; scenario: ScenarioInput }),
  /** Replaces a stored scenario; `version` is the one last read (If-Match), so a change made meanwhile is a 409. */
  updateScenario: (scenarioId: string, version: number, scenario: ScenarioInput) =>
    call('PUT', `/scenarios/${encodeURIComponent(scenarioId)}`, scenario, (v) => v as { id: string; version: number }, undefined, { 'if-match': `"${version}"` }),
  /** Deletes a stored scenario (its runs stay on the server). */
  deleteScenario: (scenarioId: string) => call('DELETE', `/scenarios/${encodeURIComponent(scenarioId)}`, undefined, () => null),
};

export interface StoredRun {
  id: string;
  scenarioId: string;
  /** The version of the scenario that was run (null: not said). */
  scenarioVersion: number | null;
  /** When the run was stored (ISO-8601). */
  createdAt: string;
  scenario: ScenarioInput;
  plan: Plan;
}

function parseRun(value: unknown): StoredRun {
  const v = value as StoredRun;
  return {
    id: String(v.id),
    scenarioId: String(v.scenarioId),
    scenarioVersion: typeof v.scenarioVersion === 'number' ? v.scenarioVersion : null,
    createdAt: String(v.createdAt),
    scenario: v.scenario,
    plan: Plan.parse(v.plan),
  };
}

/** GET /api/v1/backtest as a view state: a 404, an error or no answer all say "not available". */
export async function fetchBacktest(signal?: AbortSignal): Promise<BacktestState> {
  let response: Response;
  try {
    response = await fetch(`${BASE}/backtest`, { headers: authHeaders('application/json'), signal });
  } catch {
    return backtestState(0, null);
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return backtestState(response.status, body);
}
