/** KPI figures arranged for the results panel. Pure. */
import type { Kpis, Plan } from '../../../server/core/plan-schema.ts';
import { t } from '../i18n/index.ts';
import { formatShare } from './format.ts';
import { tonnesIn } from './scales.ts';

export interface CostSegment {
  key: string;
  label: string;
  usd: number;
  /** Fraction of all costs (0..1). */
  fraction: number;
  colour: string;
}

/**
 * Where a tonne's revenue goes: production, freight, handling, bagging, wagons, duty, carbon, stock,
 * contracts: every cost the margin deducts, so the segments add up to revenue − margin.
 */
export function costBreakdown(k: Kpis): CostSegment[] {
  const packing = k.packingCostUsd ?? 0;
  const wagons = k.wagonCostUsd ?? 0;
  // Logistics is freight, handling, bagging and wagons; anything else in it is still shown, never dropped.
  const otherLogistics = k.logisticsCostUsd - k.freightUsd - k.handlingUsd - packing - wagons;
  const parts = [
    { key: 'production', label: t('Production'), usd: k.productionCostUsd, colour: '#5b6770' },
    { key: 'freight', label: t('Freight'), usd: k.freightUsd, colour: '#b4451f' },
    { key: 'handling', label: t('Port & handling'), usd: k.handlingUsd, colour: '#1d4f91' },
    { key: 'packing', label: t('Bagging'), usd: packing, colour: '#6d8f3a' },
    { key: 'wagons', label: t('Wagons'), usd: wagons, colour: '#4a6fa5' },
    { key: 'other-logistics', label: t('Other logistics'), usd: otherLogistics, colour: '#9aa5b1' },
    { key: 'duty', label: t('Duty and border costs'), usd: k.dutyUsd, colour: '#8e44ad' },
    { key: 'carbon', label: t('Carbon'), usd: k.carbonCostUsd, colour: '#2e7d32' },
    { key: 'holding', label: t('Stock holding'), usd: k.holdingCostUsd, colour: '#c98a00' },
    { key: 'contracts', label: t('Contract fixed costs'), usd: k.contractFixedCostUsd, colour: '#7a5c3e' },
  ].filter((p) => p.usd > 0.5);
  const total = parts.reduce((s, p) => s + p.usd, 0);
  return parts.map((p) => ({ ...p, fraction: total > 0 ? p.usd / total : 0 }));
}

export interface ShareGauge {
  /** Domestic share, clamped to 0..1, for the bar's fill. */
  fill: number;
  /** Where the policy line sits (0..1). */
  policy: number;
  /** Whether the plan meets the rule (with a small tolerance for solver rounding). */
  meets: boolean;
  /** Words: "52.3 % of sales stay in Kazakhstan (rule: at least 50 %)". */
  text: string;
}

export function shareGauge(k: Kpis): ShareGauge {
  const fill = Math.max(0, Math.min(1, k.domesticShare));
  const policy = Math.max(0, Math.min(1, k.policyDomesticShare));
  const meets = k.domesticShare >= k.policyDomesticShare - 1e-6;
  const pct = (v: number) => formatShare(v, 1);
  const basis = k.policyBasis === 'production' ? 'production' : 'sales';
  return {
    fill,
    policy,
    meets,
    text:
      basis === 'production'
        ? t('{share} of production stays in Kazakhstan (rule: at least {rule} %)', { share: pct(k.domesticShare), rule: (k.policyDomesticShare * 100).toFixed(0) })
        : t('{share} of sales stays in Kazakhstan (rule: at least {rule} %)', { share: pct(k.domesticShare), rule: (k.policyDomesticShare * 100).toFixed(0) }),
  };
}

/** Our tonnes in one period (a month, or a year of a run of years): what the period slider shows beside the whole-horizon KPIs. */
export interface MonthFigures {
  productionTonnes: number;
  domesticTonnes: number;
  exportTonnes: number;
  /** Domestic ÷ all sales in the month (null when nothing is sold). */
  domesticShareOfSales: number | null;
}

/** The period's figures, or null for a one-period plan, the whole horizon, or a period the plan does not have. */
export function monthFigures(plan: Pick<Plan, 'horizon' | 'plants' | 'markets'>, period: number | null): MonthFigures | null {
  if (plan.horizon.periods.length <= 1 || period == null || period < 0 || period >= plan.horizon.periods.length) return null;
  const productionTonnes = plan.plants.reduce((s, p) => s + tonnesIn(p, period), 0);
  const domesticTonnes = plan.markets.filter((m) => m.domestic).reduce((s, m) => s + tonnesIn(m, period), 0);
  const exportTonnes = plan.markets.filter((m) => !m.domestic).reduce((s, m) => s + tonnesIn(m, period), 0);
  const sales = domesticTonnes + exportTonnes;
  return { productionTonnes, domesticTonnes, exportTonnes, domesticShareOfSales: sales > 0 ? domesticTonnes / sales : null };
}
