/**
 * The calendar years a plan covers, from its periods' labels ("2027", "2027-03"): totals of plans
 * over different numbers of years are not comparable as they are. Browser-safe, pure.
 */
import type { Plan } from './plan-schema.ts';

/** The plan's years, in order, each once. */
export function yearsOf(plan: Pick<Plan, 'horizon'>): number[] {
  return [...new Set(plan.horizon.periods.map((label) => Number(label.slice(0, 4))))].filter(Number.isFinite);
}

/** "2027" or "2027–2031 (5 years)". */
export function yearsText(years: readonly number[]): string {
  if (years.length === 0) return 'no year';
  if (years.length === 1) return String(years[0]);
  return `${years[0]}–${years.at(-1)} (${years.length} years)`;
}

/** The two plans' years when they cover different numbers of years (their totals then differ by it); null otherwise. */
export function horizonMismatch(a: Pick<Plan, 'horizon'>, b: Pick<Plan, 'horizon'>): { readonly a: number[]; readonly b: number[] } | null {
  const ya = yearsOf(a);
  const yb = yearsOf(b);
  return ya.length === yb.length ? null : { a: ya, b: yb };
}
