/**
 * Multi-year phasing: a plan over several years (default 2027–2031) with phase 2 capacity from a
 * chosen year, demand growing per market (`growthPctPerYear`, overridable here), and export
 * markets opening with the phase they need (`openFromPhase`). The answer is shaped for a chart:
 * tonnes by year and destination, with capacity, domestic share and margin per year.
 */
import { z } from 'zod';
import { Id, Scenario, type Network } from '../core/schema.ts';
import type { Plan } from '../core/plan-schema.ts';
import { optimise, type OptimiseOptions } from '../optimise.ts';
import { periodsOf, plantCapacityTonnes } from '../core/scenario.ts';
import { AnalysisRefusal, prepare, round } from './common.ts';
import type { PhasingChart } from '../core/analysis-schema.ts';

export const PhasingRequest = z
  .object({
    /** Policy, overrides, objective, engine, inline network; its horizon is replaced. */
    scenario: Scenario.optional(),
    fromYear: z.number().int().min(2000).max(2100).default(2027),
    toYear: z.number().int().min(2000).max(2100).default(2031),
    /** First year with phase 2 capacity (phase 1 before it); omitted = the scenario's phase in every year. */
    phase2FromYear: z.number().int().min(2000).max(2100).optional(),
    /** Demand growth, % per year, by market id (replaces the network's figure). */
    growthPctPerYear: z.record(Id, z.number().min(-100).max(100)).default({}),
  })
  .strict()
  .refine((r) => r.toYear >= r.fromYear, 'toYear must not be before fromYear')
  .refine((r) => r.toYear - r.fromYear < 30, 'at most 30 years');
export type PhasingRequest = z.infer<typeof PhasingRequest>;
export type PhasingRequestInput = z.input<typeof PhasingRequest>;

/** The multi-year plan and its chart figures. */
export type PhasingResult = PhasingChart & { readonly plan: Plan };

/** The multi-year scenario of a phasing request. */
export function phasingScenario(request: PhasingRequest): Scenario {
  const base = request.scenario ?? Scenario.parse({ name: 'Phasing' });
  return {
    ...base,
    name: base.name,
    horizon: { kind: 'multi-year', fromYear: request.fromYear, toYear: request.toYear, ...(request.phase2FromYear !== undefined ? { phase2FromYear: request.phase2FromYear } : {}) },
  };
}

/** The network with the request's growth rates. */
export function phasingNetwork(request: PhasingRequest, network: Network): Network {
  const growth = request.growthPctPerYear;
  const unknown = Object.keys(growth).filter((id) => !network.markets.some((m) => m.id === id));
  if (unknown.length > 0) throw new AnalysisRefusal(`growth given for unknown markets: ${unknown.join(', ')}`);
  if (Object.keys(growth).length === 0) return network;
  return { ...network, markets: network.markets.map((m) => (growth[m.id] === undefined ? m : { ...m, growthPctPerYear: growth[m.id] })) };
}

/** Volumes by year and destination for a chart, from a multi-year plan. */
export async function phasing(requestInput: PhasingRequestInput | PhasingRequest, baseNetwork: Network, options: OptimiseOptions = {}): Promise<PhasingResult> {
  const request = PhasingRequest.parse(requestInput);
  const scenario = phasingScenario(request);
  const network = phasingNetwork(request, scenario.network ?? baseNetwork);
  const { network: effective } = prepare(scenario, network);
  const plan = await optimise({ ...scenario, network: undefined }, network, { policyCost: false, ...options });
  const periods = periodsOf(scenario.horizon, scenario.phase);
  const years = periods.map((p) => p.year);
  const capacityTonnesByYear = periods.map((p) => round(effective.plants.reduce((s, plant) => s + plantCapacityTonnes(plant, p), 0), 3));
  const zeros = () => years.map(() => 0);
  const domesticTonnesByYear = zeros();
  const exportTonnesByYear = zeros();
  const destinations = plan.markets
    .filter((m) => m.tonnes > 0)
    .map((m) => {
      m.tonnesByPeriod.forEach((t, i) => {
        if (m.domestic) domesticTonnesByYear[i] += t;
        else exportTonnesByYear[i] += t;
      });
      const first = m.tonnesByPeriod.findIndex((t) => t > 0);
      return { marketId: m.id, name: m.name, country: m.country, domestic: m.domestic, tonnesByYear: m.tonnesByPeriod.map((t) => round(t, 3)), firstYear: first >= 0 ? years[first] : null };
    })
    .sort((a, b) => b.tonnesByYear.reduce((s, x) => s + x, 0) - a.tonnesByYear.reduce((s, x) => s + x, 0));
  const productionTonnesByYear = years.map((_, i) => round(plan.plants.reduce((s, p) => s + (p.tonnesByPeriod[i] ?? 0), 0), 3));
  return {
    scenarioName: scenario.name,
    status: plan.status,
    message: plan.message,
    years,
    phaseByYear: periods.map((p) => p.phase),
    capacityTonnesByYear,
    productionTonnesByYear,
    domesticTonnesByYear: domesticTonnesByYear.map((x) => round(x, 3)),
    exportTonnesByYear: exportTonnesByYear.map((x) => round(x, 3)),
    domesticShareByYear: years.map((_, i) => {
      const total = domesticTonnesByYear[i] + exportTonnesByYear[i];
      return total > 0 ? round(domesticTonnesByYear[i] / total, 6) : null;
    }),
    destinations,
    marginUsd: plan.kpis ? plan.kpis.marginUsd : null,
    plan,
  };
}
