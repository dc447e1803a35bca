/**
 * A Monte Carlo request (what the API, the job queues and the threads pass) and what it refuses,
 * found without building the model.
 */
import { z } from 'zod';
import { type Network, Scenario } from '../core/schema.ts';
import { estimateModelSize } from '../core/size.ts';
import { AnalysisRefusal, checkOnly } from './common.ts';
import { Uncertainty } from './mc-draws.ts';

export const MonteCarloRequest = z
  .object({
    scenario: Scenario,
    draws: z.number().int().min(1).max(200_000).default(1000),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    uncertainties: z.array(Uncertainty).max(200).default([]),
    histogramBins: z.number().int().min(1).max(200).default(20),
    /** Share of draws in which a market must be served to count as robust. */
    robustThreshold: z.number().min(0).max(1).default(0.9),
  })
  .strict();
export type MonteCarloRequest = z.infer<typeof MonteCarloRequest>;
export type MonteCarloRequestInput = z.input<typeof MonteCarloRequest>;

/**
 * Largest model (variables) of the price-taker Monte Carlo. Its draws are solved by
 * javascript-lp-solver, whose dense tableau grows with variables × rows: ~0.2 GB and ~0.8 s a draw
 * at 4,000 variables, tens of GB (never a draw) near the service's model-size cap. Clearing draws
 * are full plans (HiGHS) and take the service's cap.
 */
export const MONTE_CARLO_MAX_VARIABLES = 4_000;

/** What buildFastModel refuses, found without building the model (AnalysisRefusal, ScenarioProblemsError). */
export function checkMonteCarlo(scenario: Scenario, baseNetwork: Network, uncertainties: readonly Uncertainty[] = []): void {
  if (scenario.objective !== 'margin') throw new AnalysisRefusal('Monte Carlo runs on the margin objective only');
  for (const u of uncertainties) {
    if ((u.parameter === 'supplierCost' || u.parameter === 'supplierCapacity' || u.parameter === 'fx') && scenario.market !== 'clearing')
      throw new AnalysisRefusal(`${u.parameter} is uncertain only in the market-clearing mode: set "market": "clearing"`);
    if (u.supplier !== undefined && !(scenario.network ?? baseNetwork).suppliers.some((s) => s.id === u.supplier)) throw new AnalysisRefusal(`unknown supplier "${u.supplier}"`);
  }
  if (scenario.mip.contracts || scenario.mip.seaLots) throw new AnalysisRefusal('Monte Carlo runs on linear plans only: switch off contracts and sea lots');
  // Counted from the scenario before anything is built; the count stops once over the cap.
  if (scenario.market !== 'clearing' && estimateModelSize(scenario, scenario.network ?? baseNetwork, MONTE_CARLO_MAX_VARIABLES).overCap)
    throw new AnalysisRefusal(
      `The price-taker Monte Carlo takes models of at most ${MONTE_CARLO_MAX_VARIABLES.toLocaleString('en-US')} variables (each draw is a dense javascript-lp-solver solve): fewer markets, legs or periods`,
    );
  checkOnly(scenario, baseNetwork);
}
