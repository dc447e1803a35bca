/**
 * The scenario panel's values and the Scenario they stand for. Pure: the panel reads inputs into a
 * ScenarioForm, this module turns it into the body of POST /api/v1/optimise, and back for links.
 * Blank capacity fields mean "as in the network", so a scenario only carries what the planner changed.
 */
import type { ScenarioInput } from '../../../server/core/schema.ts';
import type { ScenarioPatch } from './url-state.ts';

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
}

export const DEFAULT_FORM: ScenarioForm = {
  name: 'What-if',
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
};

const ALL_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** The scenario the form describes (no network: the server's default network is used). */
export function formToScenario(form: ScenarioForm): ScenarioPatch & { name: string } {
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
    name: form.name.trim() || 'What-if',
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
  return scenario as ScenarioPatch & { name: string };
}

/** Back from a scenario (e.g. from a link) to the form; anything the form cannot show is ignored. */
export function scenarioToForm(patch: ScenarioPatch | null): ScenarioForm {
  const form: ScenarioForm = structuredClone(DEFAULT_FORM);
  if (!patch) return form;
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
        closed: (n.closedMonths?.length ?? 0) >= 12,
      };
    }
    for (const [id, l] of Object.entries(o.legs ?? {})) {
      form.legs[id] = {
        capacityTonnesPerYear: typeof l.capacityTonnesPerYear === 'number' ? l.capacityTonnesPerYear : null,
        closed: (l.closedMonths?.length ?? 0) >= 12,
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
