/**
 * Calibration of the market-clearing model to an observed year (DESIGN §3b, docs/backtest.md).
 *
 * Method: bounded least squares over re-solves. The uncertain parameters (competitor cash costs within
 * their low–high ranges, demand-block values per region, rail freight per railway) are searched by a
 * bounded compass search (coordinate pattern search with step halving, Kolda, Lewis & Torczon 2003) in
 * coordinates scaled to [0, 1] over each parameter's bounds. Each trial re-solves the year's clearing
 * LP. The loss is a weighted sum of squared relative errors of the observed figures (`misfitOf`) plus
 * a weak pull of each parameter towards its prior, priorWeight × ((value − prior) / range)²
 * (`priorPenaltyOf`), so that among parameter sets the data cannot tell apart the one nearest the
 * stated estimates wins. Trials that do not lower the loss are rejected, so a parameter the data do
 * not see stays at its prior. The search is derivative-free because the LP's response to a cost is piecewise constant
 * (volumes jump when a supplier becomes marginal). Deterministic: same inputs, same result.
 * Browser-safe, pure apart from the solve function it is given.
 */
import { applyCalibration, type CalibrationAdjustments, type CalibrationParameter, type CalibrationParameterKind, type MarketCalibration } from '../core/calibration.ts';
import type { SolveFn } from '../core/pipeline.ts';
import type { Network } from '../core/schema.ts';
import { solveMarketYear, type MarketYearOutcome } from './market-year.ts';

export interface ParameterSpec {
  readonly id: string;
  readonly kind: CalibrationParameterKind;
  /** Supplier ids (cash cost), market ids (demand value), one railway (rail freight) or one border friction id. */
  readonly targets: readonly string[];
  /** "KZT/t" etc. for cash costs, "factor" for multipliers. */
  readonly unit: string;
  readonly prior: number;
  readonly lower: number;
  readonly upper: number;
  readonly source: string;
}

/** An observation the loss compares with the model. */
export interface Target {
  readonly key: string;
  readonly observed: number;
  /** Weight of its squared relative error. */
  readonly weight: number;
  /** Errors are relative to max(|observed|, scale): a small flow does not dominate the loss. */
  readonly scale: number;
  readonly modelled: (outcome: MarketYearOutcome) => number;
}

export interface CalibrationProblem {
  /** The network as written (no calibration attached). */
  readonly network: Network;
  readonly year: number;
  readonly parameters: readonly ParameterSpec[];
  readonly targets: readonly Target[];
  /** Weight of each parameter's squared scaled distance from its prior. */
  readonly priorWeight: number;
}

export interface SearchOptions {
  /** Most re-solves the search may spend (the first solve, at the priors, included). */
  readonly maxSolves?: number;
  /** First step, as a share of each parameter's range. */
  readonly initialStep?: number;
  /** The search stops when the step falls below this share of the range. */
  readonly minStep?: number;
}

export interface CalibrationFit {
  readonly values: number[];
  readonly lossBefore: number;
  readonly lossAfter: number;
  /** The fit part of the loss (without the prior), before and after. */
  readonly misfitBefore: number;
  readonly misfitAfter: number;
  readonly solves: number;
  readonly parameters: CalibrationParameter[];
  readonly adjustments: CalibrationAdjustments;
  readonly outcome: MarketYearOutcome;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
};

const digitsOf = (p: ParameterSpec) => (p.unit === 'factor' ? 4 : 2);

/** Parameter values to the adjustments the model applies. */
export function adjustmentsFor(parameters: readonly ParameterSpec[], values: readonly number[]): CalibrationAdjustments {
  const out: CalibrationAdjustments = { cashCostBySupplier: {}, demandValueMultiplierByMarket: {}, railFreightMultiplierByRailway: {}, borderFrictionByFriction: {} };
  parameters.forEach((p, i) => {
    const v = values[i];
    for (const t of p.targets) {
      if (p.kind === 'cash-cost') out.cashCostBySupplier[t] = v;
      else if (p.kind === 'demand-value') out.demandValueMultiplierByMarket[t] = v;
      else if (p.kind === 'border-friction') out.borderFrictionByFriction[t] = v;
      else if (t === 'KTZ' || t === 'RZD') out.railFreightMultiplierByRailway[t] = v;
    }
  });
  return out;
}

/** The weighted squared relative errors of the targets. */
export function misfitOf(targets: readonly Target[], outcome: MarketYearOutcome): number {
  return targets.reduce((a, t) => {
    const r = (t.modelled(outcome) - t.observed) / Math.max(Math.abs(t.observed), t.scale);
    return a + t.weight * r * r;
  }, 0);
}

/** Prior term: Σ priorWeight × ((value − prior) / (upper − lower))². */
export function priorPenaltyOf(parameters: readonly ParameterSpec[], values: readonly number[], priorWeight: number): number {
  return parameters.reduce((a, p, i) => {
    const d = p.upper > p.lower ? (values[i] - p.prior) / (p.upper - p.lower) : 0;
    return a + priorWeight * d * d;
  }, 0);
}

/** Fit the parameters: bounded compass search over re-solves of the year's clearing LP. */
export async function calibrate(problem: CalibrationProblem, solve: SolveFn, options: SearchOptions = {}): Promise<CalibrationFit> {
  const maxSolves = options.maxSolves ?? 400;
  const minStep = options.minStep ?? 1 / 64;
  const { parameters } = problem;
  // Values are rounded as they are stored (cash costs to 0.01, factors to 0.0001): the file reproduces the fit exactly.
  const toValue = (u: readonly number[]) => parameters.map((p, i) => round(p.lower + clamp01(u[i]) * (p.upper - p.lower), digitsOf(p)));
  let solves = 0;
  const evaluate = async (u: readonly number[]) => {
    const values = toValue(u);
    solves++;
    const outcome = await solveMarketYear(applyCalibration(problem.network, adjustmentsFor(parameters, values)), problem.year, solve);
    const misfit = misfitOf(problem.targets, outcome);
    return { misfit, loss: misfit + priorPenaltyOf(parameters, values, problem.priorWeight), outcome };
  };

  let u = parameters.map((p) => (p.upper > p.lower ? clamp01((p.prior - p.lower) / (p.upper - p.lower)) : 0));
  const start = await evaluate(u);
  let best = start;
  let step = options.initialStep ?? 0.25;
  search: while (step >= minStep) {
    let improved = false;
    for (let i = 0; i < parameters.length; i++) {
      if (parameters[i].upper <= parameters[i].lower) continue;
      for (const direction of [1, -1]) {
        const next = clamp01(u[i] + direction * step);
        if (Math.abs(next - u[i]) < 1e-12) continue;
        if (solves >= maxSolves) break search;
        const trial = [...u];
        trial[i] = next;
        const r = await evaluate(trial);
        if (r.loss < best.loss - 1e-12) {
          u = trial;
          best = r;
          improved = true;
          break;
        }
      }
    }
    if (!improved) step /= 2;
  }

  const values = toValue(u);
  const report: CalibrationParameter[] = parameters.map((p, i) => {
    const v = values[i];
    const tol = 1e-9 * Math.max(1, Math.abs(p.upper - p.lower));
    const atBound = p.upper > p.lower && v <= p.lower + tol ? 'lower' : p.upper > p.lower && v >= p.upper - tol ? 'upper' : null;
    return {
      id: p.id,
      kind: p.kind,
      targets: [...p.targets],
      unit: p.unit,
      prior: p.prior,
      value: v,
      lower: p.lower,
      upper: p.upper,
      movedPct: p.prior !== 0 ? round(((v - p.prior) / p.prior) * 100, 2) : 0,
      atBound,
      source: p.source,
    };
  });
  return {
    values,
    lossBefore: start.loss,
    lossAfter: best.loss,
    misfitBefore: start.misfit,
    misfitAfter: best.misfit,
    solves,
    parameters: report,
    adjustments: adjustmentsFor(parameters, values),
    outcome: best.outcome,
  };
}

/** The fit as the data file the model loads (data/calibration-2024.json). */
export function calibrationRecord(fit: CalibrationFit, name: string, year: number, method: string, sources: Record<string, string> = {}): MarketCalibration {
  return {
    name,
    calibratedOnYear: year,
    method,
    lossBefore: round(fit.lossBefore, 6),
    lossAfter: round(fit.lossAfter, 6),
    solves: fit.solves,
    parameters: fit.parameters,
    adjustments: fit.adjustments,
    sources,
  };
}
