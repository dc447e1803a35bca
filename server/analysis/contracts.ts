/**
 * Which export contracts are worth signing. Markets with a `contract` option are open/closed
 * decisions (minimum volume once signed, a fixed yearly cost); the mixed-integer plan (HiGHS)
 * decides. For each such market: signed or not, its volume, its margin contribution (sales net of
 * duty − logistics − production cost of its tonnes) against the fixed cost, and what the plan
 * loses if the decision were forced the other way (re-solved with its open variable fixed).
 */
import type { LpModel, SolveResult } from '../core/lp.ts';
import { formatTonnes, formatUsd } from '../core/explain.ts';
import type { Network, Scenario } from '../core/schema.ts';
import { solveModel } from '../solver/solve.ts';
import type { SolveModelOptions } from '../solver/inProcess.ts';
import { AnalysisRefusal, prepare, round } from './common.ts';
import { key } from '../core/families/context.ts';
import type { ContractDecision, ContractsReport } from '../core/analysis-schema.ts';

export type SolveFn = (model: LpModel, options: SolveModelOptions) => Promise<SolveResult>;

export type { ContractDecision, ContractsReport } from '../core/analysis-schema.ts';

export interface ContractsOptions {
  /** Default: the worker-thread solver with its time limit. */
  readonly solve?: SolveFn;
}

const isOptimal = (r: SolveResult): r is Extract<SolveResult, { status: 'optimal' }> => r.status === 'optimal';

/**
 * Why a market-clearing scenario is refused (a 422): the analysis turns the contracts' mixed-integer
 * choice on itself, and the clearing model must stay a linear programme.
 */
export const CONTRACTS_PRICE_TAKER_ONLY =
  'the contracts analysis works in the price-taker mode only (signing a contract is a mixed-integer choice; the market-clearing mode is a linear programme, its prices are duals): set "market": "price-taker"';

export async function contracts(scenarioInput: Scenario, baseNetwork: Network, options: ContractsOptions = {}): Promise<ContractsReport> {
  // Refused before the analysis turns the mixed-integer option on, so that the answer names the
  // setting to change, not options the caller never set.
  if (scenarioInput.market === 'clearing') throw new AnalysisRefusal(CONTRACTS_PRICE_TAKER_ONLY);
  const scenario: Scenario = { ...scenarioInput, mip: { ...scenarioInput.mip, contracts: true } };
  const solve = options.solve ?? solveModel;
  const request = { engine: 'highs' as const, timeLimitMs: scenario.timeLimitMs };
  if (scenario.objective !== 'margin') {
    return { scenarioName: scenario.name, status: 'error', message: 'Contracts are weighed on the margin objective only.', marginUsd: null, contracts: [] };
  }
  const { network, built } = prepare(scenario, scenarioInput.network ?? baseNetwork);
  const { model, index } = built;
  const best = await solve(model, request);
  if (!isOptimal(best)) {
    return { scenarioName: scenario.name, status: best.status, message: best.message, marginUsd: null, contracts: [] };
  }
  const years = new Set(index.periods.map((p) => p.year)).size;
  const plantCost = new Map(network.plants.map((p) => [p.id, p.variableCostUsdPerTonne]));
  const fixedOpen = async (openVar: number, value: 0 | 1): Promise<number | null> => {
    const variables = model.variables.slice();
    variables[openVar] = { ...variables[openVar], lb: value, ub: value };
    const r = await solve({ ...model, variables }, request);
    return isOptimal(r) ? r.objective : null;
  };

  // The highest phase any period of the plan is at: a market that opens later cannot be signed.
  const planPhase = Math.max(...index.periods.map((p) => p.phase));
  const decisions: ContractDecision[] = [];
  for (const market of network.markets) {
    const openVar = index.open.get(market.id);
    if (openVar === undefined || !market.contract) continue;
    const x = best.values;
    const sign = x[openVar] > 0.5;
    let tonnes = 0;
    let contribution = 0;
    for (const v of index.salesOfMarket.get(market.id) ?? []) {
      tonnes += x[v];
      contribution += model.variables[v].cost * x[v];
    }
    for (const leg of index.legsForMarket.get(market.id) ?? []) {
      for (const t of index.periods) {
        const v = index.flow.get(key(leg.id, market.id, t.index));
        if (v === undefined) continue;
        contribution += model.variables[v].cost * x[v];
        const cost = plantCost.get(leg.from);
        if (cost !== undefined) contribution -= cost * x[v];
      }
    }
    const fixedCostUsd = market.contract.fixedCostUsdPerYear * years;
    const other = await fixedOpen(openVar, sign ? 0 : 1);
    const marginIfSignedUsd = sign ? best.objective : other;
    const marginIfNotSignedUsd = sign ? other : best.objective;
    const loss = other === null ? null : Math.max(0, best.objective - other);
    const net = contribution - fixedCostUsd;
    decisions.push({
      marketId: market.id,
      name: market.name,
      sign,
      tonnes: round(tonnes, 3),
      minTonnesPerYear: market.contract.minTonnesPerYear,
      contributionUsd: round(sign ? contribution : 0, 2),
      fixedCostUsd: round(fixedCostUsd, 2),
      netUsd: round(sign ? net : 0, 2),
      marginIfSignedUsd: marginIfSignedUsd === null ? null : round(marginIfSignedUsd, 2),
      marginIfNotSignedUsd: marginIfNotSignedUsd === null ? null : round(marginIfNotSignedUsd, 2),
      lossIfReversedUsd: loss === null ? null : round(loss, 2),
      explanation:
        market.openFromPhase > planPhase
          ? `Do not sign ${market.name}: the market opens with phase ${market.openFromPhase}, and this plan is at phase ${planPhase}.`
          : explain(market.name, sign, tonnes, contribution, fixedCostUsd, loss, market.contract.minTonnesPerYear),
    });
  }
  return { scenarioName: scenario.name, status: 'optimal', message: null, marginUsd: round(best.objective, 2), contracts: decisions };
}

function explain(name: string, sign: boolean, tonnes: number, contribution: number, fixed: number, loss: number | null, min: number): string {
  if (sign) {
    const reverse = loss === null ? 'the plan cannot do without it' : `not signing would cost ${formatUsd(loss)} USD of margin`;
    return `Sign ${name}: ${formatTonnes(tonnes)} earn ${formatUsd(contribution)} USD against a fixed cost of ${formatUsd(fixed)} USD; ${reverse}.`;
  }
  const reverse = loss === null ? 'signing it leaves no feasible plan' : `signing it (at least ${formatTonnes(min)}/yr) would cost ${formatUsd(loss)} USD of margin`;
  return `Do not sign ${name}: ${reverse}.`;
}
