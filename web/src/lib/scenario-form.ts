/**
 * The scenario panel's values and the Scenario they stand for. Pure: the panel reads inputs into a
 * ScenarioForm, this module turns it into the body of POST /api/v1/optimise, and back for links.
 * Blank capacity fields mean "as in the network", so a scenario only carries what the planner changed.
 * What a scenario holds that the form has no control for (per-market, per-plant and per-competitor
 * overrides, exchange rates, an inline network …) is carried along unchanged (`carried`) and merged
 * back, so a stored scenario opened in the form plans, compares and stores as itself.
 */
import { Scenario, type ScenarioInput } from '../../../server/core/schema.ts';
import { t } from '../i18n/index.ts';
import { DEFAULT_NAME, defaultScenarioName } from './scenario-name.ts';
import type { StoredRef } from './url-state.ts';

export { defaultScenarioName, isDefaultScenarioName } from './scenario-name.ts';

export interface CapacityEdit {
  /** null = keep the network's value. */
  capacityTonnesPerYear: number | null;
  closed: boolean;
}

export interface ScenarioForm {
  name: string;
  /** price-taker (model v1) or clearing: whole markets with competitors (DESIGN §3b). */
  market: 'price-taker' | 'clearing';
  phase: number;
  /** One year, its twelve months, or a run of years (one period a year) from `year` to `toYear`. */
  horizon: 'annual' | 'monthly' | 'multi-year';
  /** The year of an annual or monthly plan; the first year of a run of years. */
  year: number;
  /** The last year of a run of years (ignored for the other horizons). */
  toYear: number;
  /** A run of years: the first year at phase 2 (phase 1 before it); null = the plant phase in every year. */
  phase2FromYear: number | null;
  domesticShare: number;
  basis: 'sales' | 'production';
  /** null = no export cap. */
  exportCapTonnesPerYear: number | null;
  exportPriceMultiplier: number;
  domesticPriceMultiplier: number;
  freightMultiplier: number;
  freightByMode: { rail: number; road: number; sea: number };
  carbonPriceUsdPerTonneCo2: number;
  nodes: Record<string, CapacityEdit>;
  legs: Record<string, CapacityEdit>;
  /**
   * The rest of the scenario the form was filled from, as it was: every setting the form has no
   * control for (a deep part of the scenario; null = none). formToScenario merges it back.
   */
  carried: CarriedSettings | null;
  /**
   * The stored scenario the form's own network comes from (a stored scenario or run opened with one):
   * a link cannot carry a network, so it names this scenario instead. Set while the form carries that
   * network, or while it is still to be read from the server (`networkPending`); null = none.
   */
  stored: StoredRef | null;
}

/** A deep part of a scenario: the settings the form does not show. */
export type CarriedSettings = { [key: string]: unknown };

/** The form's defaults; its name is the source language's: `defaultForm()` has the page's. */
export const DEFAULT_FORM: ScenarioForm = {
  name: DEFAULT_NAME,
  market: 'price-taker',
  phase: 1,
  horizon: 'annual',
  year: 2027,
  toYear: 2031,
  phase2FromYear: null,
  domesticShare: 0.5,
  basis: 'sales',
  exportCapTonnesPerYear: null,
  exportPriceMultiplier: 1,
  domesticPriceMultiplier: 1,
  freightMultiplier: 1,
  freightByMode: { rail: 1, road: 1, sea: 1 },
  carbonPriceUsdPerTonneCo2: 0,
  nodes: {},
  legs: {},
  carried: null,
  stored: null,
};

/** The form's defaults, named in the page's language. */
export function defaultForm(): ScenarioForm {
  return { ...structuredClone(DEFAULT_FORM), name: defaultScenarioName() };
}

const ALL_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/**
 * The scenario the form describes, with the settings it carries (without an inline network among
 * them, the server's default network is used).
 */
export function formToScenario(form: ScenarioForm): ScenarioInput {
  const byMode: Record<string, number> = {};
  for (const mode of ['rail', 'road', 'sea'] as const) {
    if (form.freightByMode[mode] !== 1) byMode[mode] = form.freightByMode[mode];
  }
  const nodes: Record<string, { throughputTonnesPerYear?: number | null; closedMonths?: number[] }> = {};
  for (const [id, edit] of Object.entries(form.nodes)) {
    const o: { throughputTonnesPerYear?: number | null; closedMonths?: number[] } = {};
    if (edit.capacityTonnesPerYear != null) o.throughputTonnesPerYear = edit.capacityTonnesPerYear;
    if (edit.closed) o.closedMonths = ALL_MONTHS;
    if (Object.keys(o).length) nodes[id] = o;
  }
  const legs: Record<string, { capacityTonnesPerYear?: number | null; closedMonths?: number[] }> = {};
  for (const [id, edit] of Object.entries(form.legs)) {
    const o: { capacityTonnesPerYear?: number | null; closedMonths?: number[] } = {};
    if (edit.capacityTonnesPerYear != null) o.capacityTonnesPerYear = edit.capacityTonnesPerYear;
    if (edit.closed) o.closedMonths = ALL_MONTHS;
    if (Object.keys(o).length) legs[id] = o;
  }
  const scenario: ScenarioInput = {
    name: form.name.trim() || defaultScenarioName(),
    market: form.market,
    horizon:
      form.horizon === 'multi-year'
        ? { kind: 'multi-year', fromYear: form.year, toYear: form.toYear, ...(form.phase2FromYear != null ? { phase2FromYear: form.phase2FromYear } : {}) }
        : { kind: form.horizon, year: form.year },
    phase: form.phase,
    policy: {
      domesticShare: form.domesticShare,
      basis: form.basis,
      ...(form.exportCapTonnesPerYear != null ? { exportCapTonnesPerYear: form.exportCapTonnesPerYear } : {}),
    },
    carbonPriceUsdPerTonneCo2: form.carbonPriceUsdPerTonneCo2,
    overrides: {
      freightMultiplier: form.freightMultiplier,
      freightMultiplierByMode: byMode,
      exportPriceMultiplier: form.exportPriceMultiplier,
      domesticPriceMultiplier: form.domesticPriceMultiplier,
      nodes,
      legs,
    },
  };
  return form.carried ? (mergeCarried(form.carried, scenario as unknown as CarriedSettings) as unknown as ScenarioInput) : scenario;
}

const isRecord = (v: unknown): v is CarriedSettings => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The form's scenario over the carried settings. Where both hold the same setting the form's value
 * wins: it is what the planner sees and edits. That happens only for a port's or leg's row, whose
 * controls are a capacity and a whole-year closure: a stored "unlimited" capacity (null) or a closure
 * of some months is carried and applies until the planner types a capacity or ticks "closed" there.
 * Everything else the form writes (multipliers, policy, horizon) multiplies or sits beside the carried
 * settings (a market's own price multiplier applies on top of the form's export prices ×).
 */
function mergeCarried(carried: CarriedSettings, formPart: CarriedSettings): CarriedSettings {
  const out: CarriedSettings = { ...formPart };
  for (const [key, value] of Object.entries(carried)) {
    const mine = out[key];
    if (mine === undefined) out[key] = structuredClone(value);
    else if (isRecord(mine) && isRecord(value)) out[key] = mergeCarried(value, mine);
  }
  return out;
}

const FORM_OVERRIDES = ['freightMultiplier', 'exportPriceMultiplier', 'domesticPriceMultiplier'] as const;
const FORM_MODES = ['rail', 'road', 'sea'] as const;
const wholeYear = (months: unknown): boolean => Array.isArray(months) && new Set(months).size >= 12;

/** Deletes `obj[key]` when it has become an empty object (its settings all taken by the form). */
function dropIfEmpty(obj: CarriedSettings, key: string): void {
  const v = obj[key];
  if (isRecord(v) && Object.keys(v).length === 0) delete obj[key];
}

/**
 * What of a scenario the form does not show: the scenario without the settings scenarioToForm puts
 * into the form's controls (null when the form shows it all).
 */
export function carriedSettings(scenario: Partial<ScenarioInput>): CarriedSettings | null {
  const rest = structuredClone(scenario) as CarriedSettings;
  delete rest.name;
  if (rest.market === 'price-taker' || rest.market === 'clearing') delete rest.market;
  if (typeof rest.phase === 'number') delete rest.phase;
  const h = rest.horizon as { kind?: unknown } | undefined;
  if (h && (h.kind === 'annual' || h.kind === 'monthly' || h.kind === 'multi-year')) delete rest.horizon;
  if (typeof rest.carbonPriceUsdPerTonneCo2 === 'number') delete rest.carbonPriceUsdPerTonneCo2;
  const p = rest.policy;
  if (isRecord(p)) {
    if (typeof p.domesticShare === 'number') delete p.domesticShare;
    if (p.basis === 'sales' || p.basis === 'production') delete p.basis;
    if (typeof p.exportCapTonnesPerYear === 'number') delete p.exportCapTonnesPerYear;
    dropIfEmpty(rest, 'policy');
  }
  const o = rest.overrides;
  if (isRecord(o)) {
    for (const key of FORM_OVERRIDES) if (typeof o[key] === 'number') delete o[key];
    const byMode = o.freightMultiplierByMode;
    if (isRecord(byMode)) {
      for (const mode of FORM_MODES) if (typeof byMode[mode] === 'number') delete byMode[mode];
      dropIfEmpty(o, 'freightMultiplierByMode');
    }
    for (const [kind, capacity] of [['nodes', 'throughputTonnesPerYear'], ['legs', 'capacityTonnesPerYear']] as const) {
      const rows = o[kind];
      if (!isRecord(rows)) continue;
      for (const [id, row] of Object.entries(rows)) {
        if (!isRecord(row)) continue;
        if (typeof row[capacity] === 'number') delete row[capacity];
        if (wholeYear(row.closedMonths)) delete row.closedMonths;
        dropIfEmpty(rows, id);
      }
      dropIfEmpty(o, kind);
    }
    dropIfEmpty(rest, 'overrides');
  }
  // A stored scenario comes back whole, every default written out: those are no settings of its own.
  dropDefaults(rest, defaultScenario());
  return Object.keys(rest).length ? rest : null;
}

let defaults: CarriedSettings | null = null;
/** Every setting of a scenario at its default (the schema's), as a stored scenario writes them out. */
function defaultScenario(): CarriedSettings {
  defaults ??= Scenario.parse({ name: 'default' }) as unknown as CarriedSettings;
  return defaults;
}

/** Deletes what equals its default, at the top and one level down (overrides, policy). */
function dropDefaults(carried: CarriedSettings, base: CarriedSettings, depth = 0): void {
  for (const [key, value] of Object.entries(carried)) {
    const fallback = base[key];
    if (fallback === undefined) continue;
    if (JSON.stringify(value) === JSON.stringify(fallback)) delete carried[key];
    else if (depth === 0 && isRecord(value) && isRecord(fallback)) {
      dropDefaults(value, fallback, depth + 1);
      dropIfEmpty(carried, key);
    }
  }
}

const countOf = (v: unknown): number => (isRecord(v) ? Object.keys(v).length : 0);

/**
 * The carried settings in a short list for the panel ("3 markets, 1 plant, exchange rates by year"),
 * in the page's language. The description is text, not a setting, and is not listed.
 */
export function carriedSummary(carried: CarriedSettings | null): string[] {
  if (!carried) return [];
  const items: string[] = [];
  const count = (n: number, one: string, many: string) => {
    if (n > 0) items.push(n === 1 ? one : many);
  };
  const o = isRecord(carried.overrides) ? carried.overrides : {};
  if (carried.network !== undefined) items.push(t('its own network'));
  const markets = countOf(o.markets);
  count(markets, t('{n} market', { n: markets }), t('{n} markets', { n: markets }));
  const plants = countOf(o.plants);
  count(plants, t('{n} plant', { n: plants }), t('{n} plants', { n: plants }));
  const suppliers = countOf(o.suppliers);
  count(suppliers, t('{n} competitor', { n: suppliers }), t('{n} competitors', { n: suppliers }));
  const nodes = countOf(o.nodes);
  count(nodes, t('{n} port or node', { n: nodes }), t('{n} ports and nodes', { n: nodes }));
  const legs = countOf(o.legs);
  count(legs, t('{n} leg', { n: legs }), t('{n} legs', { n: legs }));
  const fx = isRecord(o.fxPerUsd) ? Object.values(o.fxPerUsd) : [];
  if (fx.some(isRecord)) items.push(t('exchange rates by year'));
  else if (fx.length > 0 || o.fxKztPerUsd !== undefined) items.push(t('exchange rates'));
  if (countOf(o.railTariffMultiplierByRailway) > 0) items.push(t('rail tariffs by railway'));
  if (o.competitorMarkupMultiplier !== undefined) items.push(t('competitors’ mark-up'));
  if (o.consumptionMultiplier !== undefined) items.push(t('market consumption'));
  if (o.wagonFleet !== undefined) items.push(t('wagon fleet'));
  if (carried.volumesTonnesPerYear !== undefined) items.push(t('given volumes'));
  const policy = isRecord(carried.policy) ? carried.policy : {};
  if (Array.isArray(policy.importCaps) && policy.importCaps.length > 0) items.push(t('import caps'));
  if (carried.objective !== undefined) items.push(t('objective'));
  if (carried.calibration !== undefined) items.push(t('market calibration'));
  if (carried.mip !== undefined) items.push(t('contract and lot decisions'));
  if (carried.reportCurrency !== undefined) items.push(t('report currency'));
  if (carried.engine !== undefined) items.push(t('solver'));
  if (carried.timeLimitMs !== undefined) items.push(t('time limit'));
  // A setting the list has no words for is named as the scenario names it.
  const known = new Set(['network', 'description', 'overrides', 'volumesTonnesPerYear', 'policy', 'objective', 'calibration', 'mip', 'reportCurrency', 'engine', 'timeLimitMs']);
  const knownOverrides = new Set(['markets', 'plants', 'suppliers', 'nodes', 'legs', 'fxPerUsd', 'fxKztPerUsd', 'railTariffMultiplierByRailway', 'competitorMarkupMultiplier', 'consumptionMultiplier', 'wagonFleet']);
  for (const key of Object.keys(carried)) if (!known.has(key)) items.push(key);
  for (const key of Object.keys(o)) if (!knownOverrides.has(key)) items.push(key);
  for (const key of Object.keys(policy)) if (key !== 'importCaps') items.push(key);
  return items;
}

/** The carried settings that change a plan (the description alone does not): the panel names them and offers to drop them. */
export function carriesSettings(form: ScenarioForm): boolean {
  return carriedSummary(form.carried).length > 0;
}

/** The form without the settings it carries (the description stays): the defaults apply instead. */
export function dropCarried(form: ScenarioForm): ScenarioForm {
  const next = structuredClone(form);
  const description = form.carried?.description;
  next.carried = typeof description === 'string' ? { description } : null;
  next.stored = null;
  return next;
}

/**
 * The form names a stored scenario for its network but does not hold that network yet (a link to it,
 * before the scenario is read, or when it could not be read): it must not be planned, or the default
 * network would be planned under the scenario's name.
 */
export function networkPending(form: ScenarioForm): boolean {
  return form.stored != null && form.carried?.network === undefined;
}

/**
 * A stored scenario (or a stored run's scenario) into the form. When it has a network of its own the
 * form names the stored scenario (`stored`), so a link to the form can fetch that network again.
 */
export function storedScenarioToForm(scenario: Partial<ScenarioInput>, ref: StoredRef): ScenarioForm {
  const form = scenarioToForm(scenario);
  if (form.carried?.network !== undefined) form.stored = { ...ref };
  return form;
}

/**
 * A link's scenario into the form, naming the stored scenario whose network it plans on (the network
 * itself is read from the server: see withStoredNetwork).
 */
export function linkToForm(patch: Partial<ScenarioInput> | null, stored: StoredRef | null): ScenarioForm {
  const form = scenarioToForm(patch);
  form.stored = stored ? { ...stored } : null;
  return form;
}

/**
 * A link's form (whose `stored` names the scenario its network comes from) with that network, from
 * the stored scenario as the server has it now. `changed`: the stored scenario is no longer at the
 * version the link was made with. A stored scenario without a network (any more) leaves the default
 * network, and the form names no stored scenario.
 */
export function withStoredNetwork(
  form: ScenarioForm,
  record: { id: string; version: number; scenario: Partial<ScenarioInput> },
): { form: ScenarioForm; changed: { from: number; to: number } | null } {
  const next = structuredClone(form);
  const network = record.scenario.network;
  if (network !== undefined) {
    next.carried = { ...(next.carried ?? {}), network: structuredClone(network) };
    next.stored = { id: record.id, version: record.version };
  } else {
    next.stored = null;
  }
  const from = form.stored?.version;
  return { form: next, changed: from != null && from !== record.version ? { from, to: record.version } : null };
}

/**
 * A link's form waiting for the network of a stored scenario that could not be read (deleted, say),
 * with the network a stored run of that scenario holds: the run keeps the scenario it was made from,
 * network included. Only the run of the same scenario at the version the link names (or any version
 * when the link names none) will do; null = the run cannot stand in for it.
 */
export function withRunNetwork(form: ScenarioForm, run: { scenarioId: string; scenarioVersion: number | null; scenario: Partial<ScenarioInput> }): ScenarioForm | null {
  const ref = form.stored;
  if (!ref || !networkPending(form) || run.scenario.network === undefined) return null;
  if (ref.id !== run.scenarioId) return null;
  if (ref.version != null && ref.version !== run.scenarioVersion) return null;
  const next = structuredClone(form);
  next.carried = { ...(next.carried ?? {}), network: structuredClone(run.scenario.network) };
  next.stored = { id: run.scenarioId, version: run.scenarioVersion ?? ref.version };
  return next;
}

/**
 * A link's form that names no stored scenario (a link made before links named them, or with `sc` cut
 * off) and holds no network, with a run whose scenario has a network of its own: the form takes that
 * network from the run and names the run's scenario, as a link to that run names it now. Without
 * this, re-planning the link's form would plan the default network under the scenario's name. null =
 * the form names a stored scenario or holds a network, or the run has no network of its own.
 */
export function withUnnamedRunNetwork(form: ScenarioForm, run: { scenarioId: string; scenarioVersion: number | null; scenario: Partial<ScenarioInput> }): ScenarioForm | null {
  if (form.stored != null || form.carried?.network !== undefined || run.scenario.network === undefined) return null;
  const next = structuredClone(form);
  next.carried = { ...(next.carried ?? {}), network: structuredClone(run.scenario.network) };
  next.stored = { id: run.scenarioId, version: run.scenarioVersion };
  return next;
}

/**
 * The form after "Save as stored run": the save stored it as a new scenario (its network, if any,
 * inline) and ran that, so a form with a network of its own names the scenario just stored, and its
 * link names the scenario of the run beside it rather than the one the form was opened from.
 */
export function withSavedScenario(form: ScenarioForm, run: { scenarioId: string; scenarioVersion: number | null }): ScenarioForm {
  const next = structuredClone(form);
  next.stored = form.carried?.network !== undefined ? { id: run.scenarioId, version: run.scenarioVersion } : null;
  return next;
}

/** Back from a scenario (a link, a stored scenario or run) to the form; what it cannot show is carried. */
export function scenarioToForm(patch: Partial<ScenarioInput> | null): ScenarioForm {
  const form: ScenarioForm = defaultForm();
  if (!patch) return form;
  form.carried = carriedSettings(patch);
  if (typeof patch.name === 'string') form.name = patch.name;
  if (patch.market === 'price-taker' || patch.market === 'clearing') form.market = patch.market;
  if (typeof patch.phase === 'number') form.phase = patch.phase;
  const h = patch.horizon;
  if (h && (h.kind === 'annual' || h.kind === 'monthly')) {
    form.horizon = h.kind;
    if (typeof h.year === 'number') form.year = h.year;
  } else if (h?.kind === 'multi-year') {
    form.horizon = 'multi-year';
    if (typeof h.fromYear === 'number') form.year = h.fromYear;
    if (typeof h.toYear === 'number') form.toYear = h.toYear;
    form.phase2FromYear = typeof h.phase2FromYear === 'number' ? h.phase2FromYear : null;
  }
  const p = patch.policy;
  if (p) {
    if (typeof p.domesticShare === 'number') form.domesticShare = p.domesticShare;
    if (p.basis === 'sales' || p.basis === 'production') form.basis = p.basis;
    if (typeof p.exportCapTonnesPerYear === 'number') form.exportCapTonnesPerYear = p.exportCapTonnesPerYear;
  }
  if (typeof patch.carbonPriceUsdPerTonneCo2 === 'number') form.carbonPriceUsdPerTonneCo2 = patch.carbonPriceUsdPerTonneCo2;
  const o = patch.overrides;
  if (o) {
    if (typeof o.freightMultiplier === 'number') form.freightMultiplier = o.freightMultiplier;
    if (typeof o.exportPriceMultiplier === 'number') form.exportPriceMultiplier = o.exportPriceMultiplier;
    if (typeof o.domesticPriceMultiplier === 'number') form.domesticPriceMultiplier = o.domesticPriceMultiplier;
    for (const mode of ['rail', 'road', 'sea'] as const) {
      const v = o.freightMultiplierByMode?.[mode];
      if (typeof v === 'number') form.freightByMode[mode] = v;
    }
    for (const [id, n] of Object.entries(o.nodes ?? {})) {
      form.nodes[id] = {
        capacityTonnesPerYear: typeof n.throughputTonnesPerYear === 'number' ? n.throughputTonnesPerYear : null,
        closed: wholeYear(n.closedMonths),
      };
    }
    for (const [id, l] of Object.entries(o.legs ?? {})) {
      form.legs[id] = {
        capacityTonnesPerYear: typeof l.capacityTonnesPerYear === 'number' ? l.capacityTonnesPerYear : null,
        closed: wholeYear(l.closedMonths),
      };
    }
  }
  return form;
}

/** Whether a scenario is small enough to re-solve in the browser while a slider moves. */
export function canSolveLive(form: ScenarioForm, legCount: number, marketCount: number): boolean {
  // Annual plans only; one period keeps the LP at (legs × markets) flow variables.
  return form.horizon === 'annual' && legCount * marketCount <= 6000;
}
