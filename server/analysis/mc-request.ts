/**
 * A Monte Carlo request (what the API, the job queues and the threads pass) and what it refuses,
 * found without building the model.
 */
import { z } from 'zod';
import { type Network, Scenario } from '../core/schema.ts';
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

/** What buildFastModel refuses, found without building the model (AnalysisRefusal, ScenarioProblemsError). */
export function checkMonteCarlo(scenario: Scenario, baseNetwork: Network, uncertainties: readonly Uncertainty[] = []): void {
  if (scenario.objective !== 'margin') throw new AnalysisRefusal('Monte Carlo runs on the margin objective only');
  for (const u of uncertainties) {
    if ((u.parameter === 'supplierCost' || u.parameter === 'supplierCapacity' || u.parameter === 'fx') && scenario.market !== 'clearing')
      throw new AnalysisRefusal(`${u.parameter} is uncertain only in the market-clearing mode: set "market": "clearing"`);
    if (u.supplier !== undefined && !(scenario.network ?? baseNetwork).suppliers.some((s) => s.id === u.supplier)) throw new AnalysisRefusal(`unknown supplier "${u.supplier}"`);
  }
  if (scenario.mip.contracts || scenario.mip.seaLots) throw new AnalysisRefusal('Monte Carlo runs on linear plans only: switch off contracts and sea lots');
  checkOnly(scenario, baseNetwork);
}
