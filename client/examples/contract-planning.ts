/**
 * A contract-planning system on the typed client: how many tonnes to offer each market for 2027
 * once competitors are counted in (the market-clearing mode), kept as an immutable run.
 *
 *   1. optimise the scenario with `"market": "clearing"` (nothing stored): a first look;
 *   2. store the scenario and solve it into a run, each POST with an Idempotency-Key, so a retry
 *      after a lost answer gets the same scenario and run back instead of a second one (the
 *      example retries the run once on purpose: `Idempotent-Replayed: true`, the same run);
 *   3. read the stored run back with its ETag, and again with `If-None-Match` (304: unchanged);
 *   4. print per market our tonnes and the clearing price.
 *
 * Run against `npm start`: `npx tsx client/examples/contract-planning.ts` (CASPIAN_API, default
 * http://localhost:3000; CASPIAN_KEY, default the key in var/planner-key.txt).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCaspianClient, type Schema } from '../index.ts';

export type ScenarioInput = Schema<'ScenarioInput'>;

/** Phase 1 (1.3 Mt/yr) in 2027, whole markets with competitors, half our sales at home. */
export const CONTRACT_SCENARIO: ScenarioInput = {
  name: 'Contract planning 2027 — market clearing',
  description: 'What to offer each market for 2027 contracts, with Aktobe Cem, Caspi Cement and imports competing.',
  horizon: { kind: 'annual', year: 2027 },
  phase: 1,
  policy: { domesticShare: 0.5, basis: 'sales' },
  objective: 'margin',
  market: 'clearing',
};

export interface MarketLine {
  readonly id: string;
  readonly name: string;
  readonly ourTonnes: number;
  readonly clearingPriceUsdPerTonne: number;
}

export interface ContractPlanningResult {
  /** The one-off optimisation (step 1). */
  readonly optimised: { readonly status: string; readonly marginUsd: number | null; readonly markets: readonly MarketLine[] };
  readonly scenarioId: string;
  readonly runId: string;
  /** The run's ETag as read back. */
  readonly etag: string;
  /** The retried POST was answered from the stored response (same run). */
  readonly replayed: boolean;
  /** The read with `If-None-Match` was a 304. */
  readonly notModified: boolean;
  /** Per market, from the stored run: our tonnes and the clearing price. */
  readonly markets: readonly MarketLine[];
}

export interface ContractPlanningOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly scenario?: ScenarioInput;
  /** Prefix of the Idempotency-Keys; default a fresh one per call (a retry of this call would reuse it). */
  readonly idempotencyKey?: string;
  /** Where the lines go; default stdout. */
  readonly print?: (line: string) => void;
}

type Plan = Schema<'Plan'>;

const marketLines = (plan: Plan): MarketLine[] =>
  (plan.clearing?.markets ?? []).map((m) => ({ id: m.id, name: m.name, ourTonnes: m.ourTonnes, clearingPriceUsdPerTonne: m.priceUsdPerTonne }));

/** The API's error, as a thrown Error naming the step. */
function failed(step: string, response: Response, error: unknown): Error {
  const body = error as { error?: { code?: string; message?: string } } | undefined;
  return new Error(`${step}: HTTP ${response.status} ${body?.error?.code ?? ''} ${body?.error?.message ?? ''}`.trim());
}

export async function main(options: ContractPlanningOptions): Promise<ContractPlanningResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const scenario = options.scenario ?? CONTRACT_SCENARIO;
  const key = options.idempotencyKey ?? `contract-planning-${randomUUID()}`;
  const api = createCaspianClient({ baseUrl: options.baseUrl, apiKey: options.apiKey });

  // 1. A first look, nothing stored (the flows' GeoJSON left out: only the figures are needed).
  const first = await api.POST('/api/v1/optimise', { params: { query: { flows: 'false' } }, body: scenario });
  if (!first.data) throw failed('optimise', first.response, first.error);
  const optimised = { status: first.data.status, marginUsd: first.data.kpis?.marginUsd ?? null, markets: marketLines(first.data) };
  print(`optimised: ${optimised.status}, margin ${Math.round(optimised.marginUsd ?? 0)} USD`);

  // 2. Store the scenario, then solve it into a run; a retry with the same keys is safe.
  const stored = await api.POST('/api/v1/scenarios', { params: { header: { 'idempotency-key': `${key}:scenario` } }, body: scenario });
  if (!stored.data) throw failed('store the scenario', stored.response, stored.error);
  const scenarioId = stored.data.id;
  const solveRun = () =>
    api.POST('/api/v1/scenarios/{id}/runs', {
      params: { path: { id: scenarioId }, header: { 'idempotency-key': `${key}:run`, 'if-match': `"${stored.data.version}"` } },
    });
  const created = await solveRun();
  if (!created.data) throw failed('solve the run', created.response, created.error);
  const runId = created.data.id;
  // As if the answer had been lost: the retry gets the same run back, solved and stored once.
  const retried = await solveRun();
  if (!retried.data) throw failed('retry the run', retried.response, retried.error);
  const replayed = retried.response.headers.get('idempotent-replayed') === 'true' && retried.data.id === runId;
  print(`stored scenario ${scenarioId} (version ${stored.data.version}), run ${runId}${replayed ? ' (retry replayed, same run)' : ''}`);

  // 3. Read the run back with its ETag; unchanged since, so If-None-Match is a 304 (no body).
  const read = await api.GET('/api/v1/runs/{id}', { params: { path: { id: runId }, query: { flows: 'false' } } });
  if (!read.data) throw failed('read the run', read.response, read.error);
  const etag = read.response.headers.get('etag') ?? '';
  const again = await api.GET('/api/v1/runs/{id}', {
    params: { path: { id: runId }, query: { flows: 'false' } },
    headers: { 'if-none-match': etag },
  });
  const notModified = again.response.status === 304;
  print(`run ${runId}: ETag ${etag}, If-None-Match → ${again.response.status}`);

  // 4. Per market: our tonnes and the clearing price, from the stored run.
  const markets = marketLines(read.data.plan);
  const width = Math.max(30, ...markets.map((m) => m.name.length));
  print(`${'market'.padEnd(width)} ${'our tonnes'.padStart(11)}   clearing price (USD/t)`);
  for (const m of markets) {
    print(`${m.name.padEnd(width)} ${Math.round(m.ourTonnes).toString().padStart(11)}   ${m.clearingPriceUsdPerTonne.toFixed(2).padStart(22)}`);
  }
  return { optimised, scenarioId, runId, etag, replayed, notModified, markets };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const baseUrl = process.env.CASPIAN_API ?? 'http://localhost:3000';
  const apiKey = process.env.CASPIAN_KEY ?? readFileSync(new URL('../../var/planner-key.txt', import.meta.url), 'utf8').trim();
  await main({ baseUrl, apiKey });
}
