/** Two runs side by side: per KPI, per market and per leg (tonnes, utilisation, CO2, freight), each as { a, b, delta = b − a }. */
import { createHash } from 'node:crypto';
import { networkMismatch } from '../../core/network-digest.ts';
import type { Plan, PriceRange } from '../../core/plan-schema.ts';
import type { RunRecord } from '../../store/store.ts';
import { horizonMismatch, yearsOf, yearsText } from '../../core/horizon-span.ts';
import { marketModeOf, modeMismatch, modeText } from '../../core/market-mode.ts';

export interface Diff {
  a: number | null;
  b: number | null;
  delta: number | null;
}

export const diff = (a: number | null | undefined, b: number | null | undefined): Diff => {
  const av = a ?? null;
  const bv = b ?? null;
  // To 6 decimals, as the figures themselves: b − a of two rounded numbers carries binary noise (−90570.83333300008).
  return { a: av, b: bv, delta: av === null || bv === null ? null : Math.round((bv - av) * 1e6) / 1e6 };
};

const runRef = (run: RunRecord) => ({
  id: run.id,
  scenarioId: run.scenarioId,
  scenarioVersion: run.scenarioVersion,
  scenarioName: run.plan.scenarioName,
  status: run.status,
  inputsHash: run.inputsHash,
  createdAt: run.createdAt,
  horizon: { kind: run.plan.horizon.kind, periods: run.plan.horizon.periods.length, years: yearsOf(run.plan) },
  market: marketModeOf(run.plan, run.scenario),
});

/** A clearing plan's price range in a market (null where the price is fixed, or in the price-taker mode). */
const priceRangeOf = (plan: Plan, marketId: string): PriceRange | null => plan.clearing?.markets.find((m) => m.id === marketId)?.priceRangeUsdPerTonne ?? null;

const usd = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: 0 });
const usdPerTonne = (x: number) => x.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const span = (r: PriceRange, format: (x: number) => string, unit: string) => (r.high === null ? `${format(r.low)} ${unit} or more` : `anywhere from ${format(r.low)} to ${format(r.high)} ${unit}`);

/**
 * The note on a clearing run whose market does not fix a price it sells at or its margin: the
 * comparison's figures for it are one equilibrium's (the solver's end of each range), not facts.
 */
function rangesNote(side: 'a' | 'b', plan: Plan): string | null {
  const c = plan.clearing;
  if (!c) return null;
  const ours = new Set(plan.markets.map((m) => m.id));
  const ranged = c.markets.filter((m) => ours.has(m.id) && m.priceRangeUsdPerTonne);
  const margin = c.ourMarginRangeUsd;
  if (!ranged.length && !margin) return null;
  const prices = ranged.map((m) => `${m.name} (${span(m.priceRangeUsdPerTonne!, usdPerTonne, 'USD/t')})`).join(', ');
  const what = [
    ranged.length ? `the clearing price in ${prices}` : null,
    margin ? `our margin (${span(margin, usd, 'USD')})` : null,
  ].filter((x) => x !== null);
  return `In run ${side} the market does not fix ${what.join(' or ')}: its figures here, and the differences from them, are one equilibrium's, not facts (the ranges are in ${[ranged.length ? 'markets[].priceRangeUsdPerTonne' : null, margin ? 'marginRangeUsd' : null].filter((x) => x !== null).join(' and ')}).`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The note on two runs planned on different networks (a scenario's own network against the default
 * one, two networks of their own with different figures, or the default network at two versions):
 * a market, leg or place one network lacks is in one run only, and a name is run a's where both have the id.
 */
function networksNote(runA: RunRecord, runB: RunRecord): string | null {
  const found = networkMismatch(runA, runB, sha256);
  if (!found) return null;
  const which = (kind: string) => (kind === 'own' ? 'a network of its own' : 'the default network');
  let what: string;
  if (found.versions) what = `Runs a and b were planned on different versions of the default network (${found.versions.a} and ${found.versions.b}): its data changed between them, so`;
  else if (found.a === 'own' && found.b === 'own') what = 'Runs a and b were planned on two different networks of their own:';
  else what = `Run a was planned on ${which(found.a)} and run b on ${which(found.b)}:`;
  return `${what} the differences are the networks' as well as the inputs'; a market or leg that one network lacks is in one run only, and where both have an id its name is run a's.`;
}

/**
 * What a reader of the differences must know: runs in different market modes differ by the model as
 * well as by their inputs; runs on different networks differ by them; runs over different numbers of
 * years are compared as totals; a clearing run's price or margin that the market does not fix is one
 * point of a range.
 */
function comparisonNotes(runA: RunRecord, runB: RunRecord): string[] {
  const a: Plan = runA.plan;
  const b: Plan = runB.plan;
  const notes: string[] = [];
  const modes = modeMismatch(runA, runB);
  if (modes)
    notes.push(`Run a was planned in ${modeText(modes.a)} and run b in ${modeText(modes.b)}: margins, prices and volumes differ by the market model as well as by the inputs.`);
  const networks = networksNote(runA, runB);
  if (networks) notes.push(networks);
  const years = horizonMismatch(a, b);
  if (years) notes.push(`Run a covers ${yearsText(years.a)} and run b ${yearsText(years.b)}: the totals are compared as they are, not per year.`);
  for (const [side, plan] of [['a', a], ['b', b]] as const) {
    const note = rangesNote(side, plan);
    if (note) notes.push(note);
  }
  return notes;
}

/** Ids in order of first appearance: a's, then those only in b. */
function unionIds<T extends { id: string }>(a: readonly T[], b: readonly T[]): string[] {
  return [...new Set([...a.map((x) => x.id), ...b.map((x) => x.id)])];
}

export function compareRuns(runA: RunRecord, runB: RunRecord) {
  const a: Plan = runA.plan;
  const b: Plan = runB.plan;

  const kpiKeys = [...new Set([...Object.keys(a.kpis ?? {}), ...Object.keys(b.kpis ?? {})])];
  const numericKpi = (plan: Plan, key: string): number | null => {
    const value = (plan.kpis as Record<string, unknown> | null)?.[key];
    return typeof value === 'number' ? value : null;
  };
  // Figures only: a text KPI (the policy's basis) is left out whichever run has it, so a run
  // without KPIs (infeasible, timed out) on either side gives the same rows.
  const isText = (plan: Plan, key: string) => typeof (plan.kpis as Record<string, unknown> | null)?.[key] === 'string';
  const kpis = kpiKeys
    .filter((key) => !isText(a, key) && !isText(b, key))
    .map((key) => ({ key, ...diff(numericKpi(a, key), numericKpi(b, key)) }));

  const marketsA = new Map(a.markets.map((m) => [m.id, m]));
  const marketsB = new Map(b.markets.map((m) => [m.id, m]));
  const markets = unionIds(a.markets, b.markets).map((id) => {
    const ma = marketsA.get(id);
    const mb = marketsB.get(id);
    const any = (ma ?? mb)!;
    const rangeA = ma ? priceRangeOf(a, id) : null;
    const rangeB = mb ? priceRangeOf(b, id) : null;
    return {
      id,
      name: any.name,
      country: any.country,
      domestic: any.domestic,
      tonnes: diff(ma?.tonnes, mb?.tonnes),
      netbackUsdPerTonne: diff(ma?.netbackUsdPerTonne, mb?.netbackUsdPerTonne),
      priceUsdPerTonne: diff(ma?.priceUsdPerTonne, mb?.priceUsdPerTonne),
      ...(rangeA || rangeB ? { priceRangeUsdPerTonne: { a: rangeA, b: rangeB } } : {}),
      logisticsCostUsdPerTonne: diff(ma?.logisticsCostUsdPerTonne, mb?.logisticsCostUsdPerTonne),
    };
  });

  const legsA = new Map(a.legs.map((l) => [l.id, l]));
  const legsB = new Map(b.legs.map((l) => [l.id, l]));
  const legs = unionIds(a.legs, b.legs).map((id) => {
    const la = legsA.get(id);
    const lb = legsB.get(id);
    const any = (la ?? lb)!;
    return {
      id,
      name: any.name,
      mode: any.mode ?? null,
      tonnes: diff(la?.tonnes, lb?.tonnes),
      utilisation: diff(la?.utilisation, lb?.utilisation),
      co2Tonnes: diff(la?.co2Tonnes, lb?.co2Tonnes),
      freightUsd: diff(la?.freightUsd, lb?.freightUsd),
    };
  });

  const marginA = a.clearing?.ourMarginRangeUsd ?? null;
  const marginB = b.clearing?.ourMarginRangeUsd ?? null;
  return {
    a: runRef(runA),
    b: runRef(runB),
    notes: comparisonNotes(runA, runB),
    ...(marginA || marginB ? { marginRangeUsd: { a: marginA, b: marginB } } : {}),
    kpis,
    markets,
    legs,
  };
}
