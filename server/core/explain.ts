/**
 * Plain words for planners: binding constraints, the cost of the domestic rule, infeasibility fixes.
 * Browser-safe, pure.
 */
import type { LpRow } from './lp.ts';
import type { Network, Scenario } from './schema.ts';

export function formatUsd(x: number): string {
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : 2;
  return `${x < 0 ? '−' : ''}${abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

export function formatTonnes(t: number): string {
  const abs = Math.abs(t);
  if (abs >= 1e6) return `${(t / 1e6).toFixed(2)} Mt`;
  if (abs >= 1e3) return `${(t / 1e3).toFixed(1)} kt`;
  return `${t.toFixed(0)} t`;
}

export function formatPct(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)} %`;
}

/** The row's label without its trailing unit (", t"). */
function subject(row: LpRow): string {
  return row.label.replace(/, t$/, '');
}

interface ExplainContext {
  readonly network: Network;
  readonly scenario: Scenario;
  /** Tonnes the domestic share is measured against (sales or production). */
  readonly basisTonnes: number;
}

/** One sentence on a binding row; `dual` is d(objective)/d(bound), null when the engine has no duals. */
export function explainBinding(row: LpRow, dual: number | null, ctx: ExplainContext): string {
  const objective = ctx.scenario.objective;
  const unit = objective === 'max-domestic' ? 't of domestic sales' : 'USD';
  const worth = (d: number) => `${formatUsd(Math.abs(d))} ${unit}`;
  const gain = objective === 'min-cost' ? 'save' : 'add';
  const gainWord = objective === 'min-cost' ? 'saves' : objective === 'max-domestic' ? 'adds' : 'is worth';
  const what = subject(row);

  switch (row.family) {
    case 'capacity':
      return dual === null
        ? `${what} is fully used.`
        : `${what} is fully used: one more tonne of capacity ${gainWord} ${worth(dual)}.`;
    case 'node':
    case 'leg':
      if (row.ub === 0)
        return dual === null
          ? `${what}: nothing can move.`
          : `${what}: if it were open, the first tonne through it would ${gain} ${worth(dual)}.`;
      return dual === null ? `${what} is full.` : `${what} is full: one more tonne of capacity ${gainWord} ${worth(dual)}.`;
    case 'demand-max':
      return dual === null
        ? `${what}: the plan sells all the market takes at this price.`
        : `${what}: the plan sells all the market takes at this price; one more tonne of demand there would ${gain} ${worth(dual)}.`;
    case 'demand-min':
    case 'contract-min':
      return dual === null
        ? `${what} binds: the plan delivers exactly the minimum.`
        : `${what} binds: each tonne of the obligation costs ${worth(dual)} against the best alternative use.`;
    case 'domestic-share': {
      const share = ctx.scenario.policy.domesticShare;
      if (dual === null) return `The ${formatPct(share, 0)} domestic rule binds: the plan keeps exactly the minimum at home.`;
      // Envelope: d objective / d share = dual × (−basis tonnes). Per percentage point:
      const perPp = Math.abs(dual) * ctx.basisTonnes * 0.01;
      return `The ${formatPct(share, 0)} domestic rule binds: each percentage point of share costs about ${formatUsd(perPp)} ${unit}, and each tonne kept at home instead of exported costs ${worth(dual)}.`;
    }
    case 'export-cap':
      return dual === null
        ? 'The export cap binds.'
        : `The export cap binds: one more tonne of export allowance ${gainWord} ${worth(dual)}.`;
    case 'full-output':
      return `${what} binds.`;
    case 'volume':
      return dual === null
        ? `${what}: the plan delivers exactly the given volume.`
        : `${what}: the plan delivers exactly the given volume; one more tonne of it would change the objective by ${formatUsd(dual)} ${unit}.`;
    default:
      return dual === null ? `${what} binds.` : `${what} binds (shadow price ${formatUsd(dual)} ${unit}).`;
  }
}

export interface ElasticItem {
  readonly row: LpRow;
  readonly violation: number;
}

/** One sentence per relaxed constraint, and the cheapest fix in words. */
export function explainInfeasibility(items: readonly ElasticItem[], ctx: ExplainContext): { lines: string[]; suggestion: string } {
  const lines: string[] = [];
  const fixes: string[] = [];
  for (const { row, violation } of items) {
    const what = subject(row);
    switch (row.family) {
      case 'domestic-share': {
        const pp = ctx.basisTonnes > 0 ? (violation / ctx.basisTonnes) * 100 : NaN;
        lines.push(`${what} cannot be met: short by ${formatTonnes(violation)} of domestic sales.`);
        fixes.push(Number.isFinite(pp) ? `lower the domestic minimum by ${pp.toFixed(1)} pp` : `lower the domestic minimum`);
        break;
      }
      case 'demand-min':
      case 'contract-min':
      case 'volume':
        lines.push(`${what} cannot be delivered: short by ${formatTonnes(violation)}.`);
        fixes.push(`lower ${what} by ${formatTonnes(violation)}`);
        break;
      case 'demand-max':
        lines.push(`${what} is too small by ${formatTonnes(violation)}.`);
        fixes.push(`find ${formatTonnes(violation)} more demand (${what})`);
        break;
      case 'export-cap':
        lines.push(`${what} is exceeded by ${formatTonnes(violation)}.`);
        fixes.push(`raise the export cap by ${formatTonnes(violation)}`);
        break;
      default:
        lines.push(`${what} is short by ${formatTonnes(violation)}.`);
        fixes.push(`add ${formatTonnes(violation)} of ${what}`);
    }
  }
  const suggestion =
    fixes.length === 0
      ? 'No single constraint explains the conflict; check the network for markets with minimum volumes but no open route.'
      : `Cheapest fix found: ${fixes.join(', and ')}.`;
  return { lines, suggestion };
}
