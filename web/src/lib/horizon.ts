/**
 * A plan's horizon in words: the kind and phases in the results header, the period slider's name and
 * its whole-horizon end, and what the key figures cover (one year, or the total over a run of years).
 * Pure.
 */
import type { Plan } from '../../../server/core/plan-schema.ts';
import { Horizon } from '../../../server/core/schema.ts';
import { periodsOf } from '../../../server/core/scenario.ts';
import { t } from '../i18n/index.ts';
import { formatPeriod } from './format.ts';

type PlanHorizon = Pick<Plan, 'horizon' | 'phase'>;

/** A run of years: one period a year, the key figures the sum over them. */
export function isMultiYear(plan: PlanHorizon): boolean {
  return plan.horizon.kind === 'multi-year' && plan.horizon.periods.length > 0;
}

/** First and last year of the plan's periods ("2027", "2031"). */
export function horizonYears(plan: PlanHorizon): { from: string; to: string } {
  const periods = plan.horizon.periods;
  return { from: periods[0]?.slice(0, 4) ?? '', to: periods[periods.length - 1]?.slice(0, 4) ?? '' };
}

/**
 * The phase in force in each of the plan's periods, as the engine lays them out from the scenario the
 * plan was made from (its inputs as JSON). Null when the inputs are missing or do not fit the plan.
 */
export function phasesFromInputs(inputs: string | null, plan: PlanHorizon): number[] | null {
  if (!inputs) return null;
  let scenario: unknown;
  try {
    scenario = JSON.parse(inputs);
  } catch {
    return null;
  }
  const horizon = Horizon.safeParse((scenario as { horizon?: unknown } | null)?.horizon);
  if (!horizon.success) return null;
  if (horizon.data.kind === 'multi-year' && horizon.data.toYear - horizon.data.fromYear > 200) return null;
  const periods = periodsOf(horizon.data, plan.phase);
  const labels = plan.horizon.periods;
  if (periods.length !== labels.length || periods.some((p, i) => p.label !== labels[i])) return null;
  return periods.map((p) => p.phase);
}

/**
 * The phases in words: "phase 1" when one phase holds throughout, else each phase with its years,
 * the last one open-ended ("phase 1 2027–2028, phase 2 from 2029").
 */
export function phaseWords(plan: PlanHorizon, phases: readonly number[] | null): string {
  const periods = plan.horizon.periods;
  if (!phases || phases.length !== periods.length || phases.every((p) => p === phases[0])) {
    return t('phase {n}', { n: phases?.[0] ?? plan.phase });
  }
  const runs: string[] = [];
  let start = 0;
  for (let i = 1; i <= periods.length; i++) {
    if (i < periods.length && phases[i] === phases[start]) continue;
    const n = phases[start];
    const from = formatPeriod(periods[start]);
    const to = formatPeriod(periods[i - 1]);
    if (i === periods.length && start > 0) runs.push(t('phase {n} from {year}', { n, year: from }));
    else if (i - 1 === start) runs.push(t('phase {n} in {year}', { n, year: from }));
    else runs.push(t('phase {n} {from}–{to}', { n, from, to }));
    start = i;
  }
  return runs.join(', ');
}

/** The header's horizon and phase, after the plan's status: ", annual, phase 1" or ", multi-year 2027–2031, phase 1 2027–2028, phase 2 from 2029". */
export function horizonHeader(plan: PlanHorizon, phases: readonly number[] | null): string {
  const kind = isMultiYear(plan) ? t(', multi-year {from}–{to}', horizonYears(plan)) : plan.horizon.kind === 'monthly' ? t(', monthly') : t(', annual');
  return `${kind}, ${phaseWords(plan, phases)}`;
}

/** The period slider's name: a month of a monthly plan, a year of a run of years. */
export function periodSliderName(plan: PlanHorizon): string {
  return isMultiYear(plan) ? t('Year') : t('Month');
}

/** The slider's label for a period, or (null) for the whole horizon the key figures cover. */
export function periodSliderLabel(plan: PlanHorizon, period: number | null, phases: readonly number[] | null): string {
  if (period == null) {
    return isMultiYear(plan) ? t('All years {from}–{to}', horizonYears(plan)) : t('Whole {year}', { year: horizonYears(plan).from });
  }
  const label = formatPeriod(plan.horizon.periods[period] ?? '');
  const phase = phases?.[period];
  return isMultiYear(plan) && phase != null && phases!.some((p) => p !== phase) ? t('{year}, phase {n}', { year: label, n: phase }) : label;
}

/** What the key figures cover, for the note beside them (null: a one-period plan, whose figures are its year). */
export function kpiScope(plan: PlanHorizon): { whole: string; above: string } | null {
  if (plan.horizon.periods.length <= 1) return null;
  if (isMultiYear(plan)) {
    const { from, to } = horizonYears(plan);
    const n = plan.horizon.periods.length;
    return {
      whole: t('Key figures are totals over {from}–{to} ({n} years), not one year’s; pick a year on the map to see its tonnes.', { from, to, n }),
      above: t('Key figures above: totals over {from}–{to}.', { from, to }),
    };
  }
  const year = horizonYears(plan).from;
  return {
    whole: t('Key figures for the whole of {year}; pick a month on the map to see its tonnes.', { year }),
    above: t('Key figures above: the whole of {year}.', { year }),
  };
}

/** The cost of the domestic rule with the time it covers: a year, or the run of years. */
export function policyCostSpan(plan: PlanHorizon, cost: string): string {
  return isMultiYear(plan) ? t('{cost} over {from}–{to}.', { cost, ...horizonYears(plan) }) : t('{cost} a year.', { cost });
}
