/**
 * Plain words for planners: binding constraints, the cost of the domestic rule, infeasibility fixes.
 * Each one a sentence as data (why.ts), which the engine also writes out in English.
 * Browser-safe, pure.
 */
import type { LpRow } from './lp.ts';
import type { Network, Scenario } from './schema.ts';
import type { WhyFix, WhySentence, WhySubject } from './why.ts';

export { formatPct, formatTonnes, formatUsd } from './why.ts';

/** The row's label without its trailing unit (", t"), and what it is about as data when the row says. */
function subject(row: LpRow): { subject: string; about?: WhySubject } {
  const words = row.label.replace(/, t$/, '');
  return row.about ? { subject: words, about: row.about } : { subject: words };
}

interface ExplainContext {
  readonly network: Network;
  readonly scenario: Scenario;
  /**
   * Tonnes a domestic-share row measures its share against (sales or production): the row's own year
   * for a run of years (the rule holds in each year), the whole plan otherwise.
   */
  readonly basisTonnesOf: (row: LpRow) => number;
}

/** The year of a per-year row (`domestic-share:2029`), or undefined for a plan of one year. */
export function yearOfRow(row: LpRow): number | undefined {
  const m = /:(\d{4})$/.exec(row.name);
  return m ? Number(m[1]) : undefined;
}

/** One sentence on a binding row; `dual` is d(objective)/d(bound), null when the engine has no duals. */
export function explainBinding(row: LpRow, dual: number | null, ctx: ExplainContext): WhySentence {
  const objective = ctx.scenario.objective;
  const what = subject(row);
  switch (row.family) {
    case 'capacity':
      return { kind: 'capacity-full', ...what, objective, dual };
    case 'node':
    case 'leg':
      return { kind: row.ub === 0 ? 'route-closed' : 'route-full', ...what, objective, dual };
    case 'demand-max':
      return { kind: 'demand-all-sold', ...what, objective, dual };
    case 'demand-min':
    case 'contract-min':
      return { kind: 'minimum-binds', ...what, objective, dual };
    case 'domestic-share':
      // Envelope: d objective / d share = dual × (−basis tonnes). Per percentage point:
      return {
        kind: 'domestic-rule-binds',
        ruleShare: ctx.scenario.policy.domesticShare,
        ...(yearOfRow(row) === undefined ? {} : { year: yearOfRow(row) }),
        objective,
        dual,
        perPointValue: dual === null ? null : Math.abs(dual) * ctx.basisTonnesOf(row) * 0.01,
      };
    case 'export-cap':
      return { kind: 'export-cap-binds', objective, dual };
    case 'full-output':
      return { kind: 'full-output-binds', ...what };
    case 'volume':
      return { kind: 'volume-fixed', ...what, objective, dual };
    case 'packing':
      return { kind: 'packing-full', ...what, objective, dual };
    default:
      return { kind: 'constraint-binds', ...what, objective, dual };
  }
}

export interface ElasticItem {
  readonly row: LpRow;
  readonly violation: number;
}

/** One sentence per relaxed constraint, and the cheapest fix. */
export function explainInfeasibility(items: readonly ElasticItem[], ctx: ExplainContext): { lines: WhySentence[]; suggestion: WhySentence } {
  const lines: WhySentence[] = [];
  const fixes: WhyFix[] = [];
  for (const { row, violation } of items) {
    const what = subject(row);
    switch (row.family) {
      case 'domestic-share': {
        const basisTonnes = ctx.basisTonnesOf(row);
        const pp = basisTonnes > 0 ? (violation / basisTonnes) * 100 : NaN;
        lines.push({ kind: 'elastic-domestic-short', ...what, tonnes: violation });
        fixes.push({ kind: 'lower-domestic-minimum', points: Number.isFinite(pp) ? pp : null });
        break;
      }
      case 'demand-min':
      case 'contract-min':
      case 'volume':
        lines.push({ kind: 'elastic-delivery-short', ...what, tonnes: violation });
        fixes.push({ kind: 'lower', ...what, tonnes: violation });
        break;
      case 'demand-max':
        lines.push({ kind: 'elastic-demand-small', ...what, tonnes: violation });
        fixes.push({ kind: 'find-demand', ...what, tonnes: violation });
        break;
      case 'export-cap':
        lines.push({ kind: 'elastic-export-cap-exceeded', ...what, tonnes: violation });
        fixes.push({ kind: 'raise-export-cap', tonnes: violation });
        break;
      default:
        lines.push({ kind: 'elastic-short', ...what, tonnes: violation });
        fixes.push({ kind: 'add', ...what, tonnes: violation });
    }
  }
  const suggestion: WhySentence = fixes.length === 0 ? { kind: 'no-single-fix' } : { kind: 'cheapest-fix', fixes };
  return { lines, suggestion };
}
