/** Monte Carlo in the market-clearing mode: every draw a full plan of its drawn scenario. */
import type { Network } from '../core/schema.ts';
import { EPS_TONNES, planRuleBinds } from './common.ts';
import { CancelledError, STATUS_CODES, type DrawTable, type FastModel } from './mc-draws.ts';
import type { MonteCarloRequest } from './mc-request.ts';
import { drawScenario } from './mc-sample.ts';

/** The markets of a market-clearing run's table: our markets (the plan's), in the network's order. */
export function clearingTableMarkets(request: MonteCarloRequest, network: Network): FastModel['markets'] {
  return (request.scenario.network ?? network).markets.filter((m) => !m.competitorsOnly).map((m) => ({ id: m.id, name: m.name, domestic: m.domestic }));
}

/**
 * Draws [from, to) of a market-clearing run into `table` (draw i at slot i − tableOffset): each draw
 * is a full plan of its drawn scenario (prices are duals, so the fast model's margin, which would be
 * the welfare, does not serve), a few at a time through the CPU pool (`inProcess`: in this thread).
 */
export async function solveClearingDraws(
  request: MonteCarloRequest,
  network: Network,
  from: number,
  to: number,
  table: DrawTable,
  tableOffset = 0,
  options: { readonly signal?: AbortSignal; readonly concurrency?: number; readonly inProcess?: boolean; readonly onProgress?: (done: number) => void } = {},
): Promise<void> {
  const net = request.scenario.network ?? network;
  const { optimise } = await import('../optimise.ts');
  const M = net.markets.filter((m) => !m.competitorsOnly).length;
  let next = from;
  let done = 0;
  const worker = async () => {
    while (next < to) {
      if (options.signal?.aborted) return;
      const i = next++;
      const at = i - tableOffset;
      const plan = await optimise(drawScenario(request, net, i), net, {
        ranges: false,
        competitorImpact: false,
        policyCost: false,
        exactPriceGaps: false,
        signal: options.signal,
        inProcess: options.inProcess,
      });
      const k = plan.kpis;
      // A draw whose figures are not all numbers is an error draw, never an optimal one without a margin.
      const finite = k !== null && k !== undefined && [k.marginUsd, k.exportTonnes, k.domesticTonnes, k.domesticShare].every(Number.isFinite);
      table.status[at] = STATUS_CODES.indexOf(plan.status === 'optimal' && !finite ? 'error' : plan.status);
      if (plan.status !== 'optimal' || !k || !finite) {
        table.margin[at] = NaN;
        table.exportTonnes[at] = NaN;
        table.domesticTonnes[at] = NaN;
        table.domesticShare[at] = NaN;
      } else {
        table.margin[at] = k.marginUsd;
        table.exportTonnes[at] = k.exportTonnes;
        table.domesticTonnes[at] = k.domesticTonnes;
        table.domesticShare[at] = k.domesticShare;
        // In a run of years the rule holds in each year: it binds when any year's row is tight.
        table.ruleBinds[at] = planRuleBinds(plan, request.scenario.policy) ? 1 : 0;
        plan.markets.forEach((m, j) => {
          if (j < M) table.served[at * M + j] = m.tonnes > EPS_TONNES * 1000 ? 1 : 0;
        });
      }
      done++;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, to - from)) }, worker));
  if (options.signal?.aborted) throw new CancelledError();
}
