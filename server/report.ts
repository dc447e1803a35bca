/**
 * A plan as a readable text report for the terminal: KPIs, markets, routes, why.
 */
import { formatPct, formatTonnes, formatUsd } from './core/explain.ts';
import type { Alternatives } from './analysis/alternatives.ts';
import type { Plan } from './core/plan-schema.ts';
import { ENGINE_FORMAT, renderWhy, type WhyFormat } from './core/why.ts';

function table(headers: string[], rows: string[][], alignRight: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (alignRight[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Whole tenge: a tenge is about 0.2 US cents, so its fractions say nothing (0 reads "0", not "0.00"). */
export function formatKzt(x: number): string {
  const whole = Math.round(x);
  return `${whole < 0 ? '−' : ''}${WHOLE.format(Math.abs(whole))}`;
}

/** Money in the plan's report currency: USD as solved, or whole KZT at the plan's rate. */
function moneyFormat(plan: Plan) {
  const kzt = plan.reportCurrency === 'KZT' && plan.kztPerUsd !== undefined;
  const factor = kzt ? plan.kztPerUsd! : 1;
  const unit = kzt ? 'KZT' : 'USD';
  const amount = kzt ? formatKzt : formatUsd;
  return {
    unit,
    total: (usd: number) => `${amount(usd * factor)} ${unit}`,
    perTonne: (usd: number | null) => (usd === null ? '—' : amount(usd * factor)),
  };
}

/**
 * The phase in the report's header: the plan's phase, or for a run of years whose phase changes (a
 * `phase2FromYear` after its first year) the years at each phase.
 */
export function phaseLabel(plan: Plan, phaseByPeriod?: readonly number[]): string {
  const periods = plan.horizon.periods;
  if (!phaseByPeriod || phaseByPeriod.length !== periods.length || phaseByPeriod.every((p) => p === phaseByPeriod[0])) {
    return `phase ${phaseByPeriod?.[0] ?? plan.phase}`;
  }
  const runs: string[] = [];
  let start = 0;
  for (let i = 1; i <= periods.length; i++) {
    if (i === periods.length || phaseByPeriod[i] !== phaseByPeriod[start]) {
      runs.push(`phase ${phaseByPeriod[start]} ${i - 1 === start ? `in ${periods[start]}` : `${periods[start]}–${periods[i - 1]}`}`);
      start = i;
    }
  }
  return runs.join(', ');
}

/** A plan as text; `phaseByPeriod` (the phase in force in each of the plan's periods) names a change of phase in the header. */
/** The plan's story in the report's currency: the sentences as data worded again in KZT, or the engine's USD text. */
function whyLines(plan: Plan): readonly string[] {
  const rate = plan.kztPerUsd;
  if (plan.reportCurrency !== 'KZT' || rate === undefined || !plan.whySentences || plan.whySentences.length !== plan.why.length) return plan.why;
  const kzt = (usd: number) => formatKzt(usd * rate);
  const format: WhyFormat = { ...ENGINE_FORMAT, money: (usd) => `${kzt(usd)} KZT`, moneyPerTonne: (usd) => `${kzt(usd)} KZT/t`, dual: (usd) => `${kzt(usd)} KZT`, price: (usd) => `${kzt(usd)} KZT/t` };
  return plan.whySentences.map((s) => renderWhy(s, format));
}

export function formatPlanReport(plan: Plan, phaseByPeriod?: readonly number[]): string {
  const out: string[] = [];
  const money = moneyFormat(plan);
  const usdPerT = money.perTonne;
  out.push(`Plan: ${plan.scenarioName}   status: ${plan.status.toUpperCase()}   horizon: ${plan.horizon.kind} (${plan.horizon.periods[0]}${plan.horizon.periods.length > 1 ? `…${plan.horizon.periods.at(-1)}` : ''})   ${phaseLabel(plan, phaseByPeriod)}`);
  if (plan.message) out.push(plan.message);
  const k = plan.kpis;
  if (k) {
    out.push('', 'KEY FIGURES');
    out.push(
      table(
        ['figure', 'value'],
        [
          ['production', `${formatTonnes(k.productionTonnes)} (${formatPct(k.plantUtilisation, 0)} of capacity)`],
          ['domestic', `${formatTonnes(k.domesticTonnes)} = ${formatPct(k.domesticShare)} of ${k.policyBasis} (rule: ≥ ${formatPct(k.policyDomesticShare, 0)})`],
          ['exports', formatTonnes(k.exportTonnes)],
          ['revenue', money.total(k.revenueUsd)],
          ['duty', money.total(k.dutyUsd)],
          ['logistics (freight, handling, bagging, wagons)', money.total(k.logisticsCostUsd)],
          ['production cost', money.total(k.productionCostUsd)],
          [plan.clearing ? 'margin at clearing prices' : 'margin', `${money.total(k.marginUsd)}; ${money.total(k.marginAfterFixedCostUsd)} after the plant's fixed cost of ${money.total(k.marginUsd - k.marginAfterFixedCostUsd)}`],
          ['CO2', `${formatTonnes(k.co2Tonnes)} CO2`],
        ],
        [false, false],
      ),
    );
    out.push('', 'MARKETS');
    const markets = [...plan.markets].sort((a, b) => b.tonnes - a.tonnes || (b.netbackUsdPerTonne ?? -1e9) - (a.netbackUsdPerTonne ?? -1e9));
    out.push(
      table(
        ['market', 'country', 'kind', 'tonnes', plan.clearing ? 'of market' : 'of demand', `price ${money.unit}/t`, `duty ${money.unit}/t`, `logistics ${money.unit}/t`, `netback ${money.unit}/t`, `price gap ${money.unit}/t`],
        markets.map((m) => [
          m.name,
          m.country,
          m.domestic ? 'domestic' : 'export',
          formatTonnes(m.tonnes),
          formatPct(m.shareOfDemand, 0),
          usdPerT(m.priceUsdPerTonne),
          usdPerT(m.dutyUsdPerTonne),
          usdPerT(m.logisticsCostUsdPerTonne),
          usdPerT(m.netbackUsdPerTonne),
          m.priceGapUsdPerTonne === null ? '' : `+${usdPerT(m.priceGapUsdPerTonne)}`,
        ]),
        [false, false, false, true, true, true, true, true, true, true],
      ),
    );
    const routes = plan.markets.flatMap((m) => m.routes.map((r) => ({ market: m.name, r })));
    if (routes.length > 0) {
      out.push('', 'ROUTES');
      out.push(
        table(
          ['to', 'tonnes', 'km', `${money.unit}/t`, 'path'],
          routes
            .sort((a, b) => b.r.tonnes - a.r.tonnes)
            .map(({ market, r }) => [market, formatTonnes(r.tonnes), r.distanceKm.toFixed(0), usdPerT(r.logisticsCostUsdPerTonne), r.path.map((p, i) => (i === 0 ? p : `─${r.modes[i - 1]}→ ${p}`)).join(' ')]),
          [false, true, true, true, false],
        ),
      );
    }
    if (plan.clearing) out.push('', ...formatClearing(plan, money));
    if (plan.packing && plan.packing.length > 0) out.push('', ...formatBagging(plan, money));
    const full = [...plan.nodes, ...plan.legs].filter((u) => u.utilisation !== null && u.utilisation > 0.999);
    if (full.length > 0) {
      out.push('', 'FULL LEGS AND PORTS');
      for (const u of full) out.push(`  ${u.name}: ${formatTonnes(u.tonnes)} of ${formatTonnes(u.capacityTonnes ?? 0)}`);
    }
  }
  if (plan.infeasibility) {
    out.push('', 'WHY THERE IS NO PLAN');
    for (const item of plan.infeasibility.items) out.push(`  • ${item.explanation}`);
    out.push(`  ${plan.infeasibility.suggestion}`);
  }
  if (plan.why.length > 0 && plan.status === 'optimal') {
    out.push('', 'WHY');
    for (const line of whyLines(plan)) out.push(`  • ${line}`);
  }
  out.push(
    '',
    solverLine(plan.solver),
    `inputsHash: ${plan.inputsHash}`,
  );
  return out.join('\n');
}

/** How the plan was solved, or that no solver ran (the model was refused or not finished in time). */
export function solverLine(solver: Plan['solver']): string {
  if (solver.engine === 'none') return `Solver: not run (no model was solved), total ${solver.totalMs} ms`;
  return `Solver: ${solver.engine} ${solver.engineVersion}, ${solver.variables} variables, ${solver.rows} rows, build ${solver.buildMs} ms, solve ${solver.solveMs} ms, total ${solver.totalMs} ms`;
}

/** Product forms: each plant's bagging line (use and shadow price) and our bagged and bulk tonnes per market served. */
function formatBagging(plan: Plan, money: ReturnType<typeof moneyFormat>): string[] {
  const out: string[] = ['BAGGING'];
  out.push(
    table(
      ['bagging line', 'packed', 'capacity', 'use', `cost ${money.unit}/t`, `one more t/yr worth ${money.unit}`],
      plan.packing!.map((p) => [
        p.name,
        formatTonnes(p.tonnes),
        formatTonnes(p.capacityTonnes),
        p.utilisation === null ? '' : formatPct(p.utilisation, 0),
        money.perTonne(p.costUsdPerTonne),
        money.perTonne(p.shadowPriceUsdPerTonne),
      ]),
      [false, true, true, true, true, true],
    ),
  );
  const served = plan.markets.filter((m) => m.tonnes > 0 && m.baggedTonnes !== undefined);
  if (served.length > 0) {
    out.push(
      '',
      table(
        ['market', 'bagged', 'bulk'],
        served.map((m) => [m.name, formatTonnes(m.baggedTonnes!), formatTonnes(m.bulkTonnes ?? m.tonnes - m.baggedTonnes!)]),
        [false, true, true],
      ),
    );
  }
  return out;
}

/** The market-clearing section: prices, who supplies each market, who sets the price; competitors. */
function formatClearing(plan: Plan, money: ReturnType<typeof moneyFormat>): string[] {
  const c = plan.clearing!;
  // Where the market does not fix a price we sell at, our margin is one point of a range (older plans have none).
  const marginRange = c.ourMarginRangeUsd
    ? `, one point of ${money.total(c.ourMarginRangeUsd.low)}–${c.ourMarginRangeUsd.high === null ? 'more' : money.total(c.ourMarginRangeUsd.high)} over every set of clearing prices`
    : '';
  const out: string[] = [`MARKET CLEARING (prices in ${money.unit}/t; our margin at these prices ${money.total(c.ourMarginUsd)}${marginRange})`];
  const markets = [...c.markets].sort((a, b) => b.ourTonnes - a.ourTonnes || b.boughtTonnes - a.boughtTonnes);
  out.push(
    table(
      ['market', 'price', 'bought', 'ours', 'our share', 'our range', 'price set by', 'other suppliers'],
      markets.map((m) => [
        m.name,
        m.priceRangeUsdPerTonne
          ? `${money.perTonne(m.priceUsdPerTonne)} (${money.perTonne(m.priceRangeUsdPerTonne.low)}–${m.priceRangeUsdPerTonne.high === null ? 'more' : money.perTonne(m.priceRangeUsdPerTonne.high)})`
          : money.perTonne(m.priceUsdPerTonne),
        formatTonnes(m.boughtTonnes),
        formatTonnes(m.ourTonnes),
        formatPct(m.ourShare, 0),
        m.ourTonnesRange ? `${formatTonnes(m.ourTonnesRange.min)}–${formatTonnes(m.ourTonnesRange.max)}` : '',
        m.priceRangeUsdPerTonne ? 'not fixed (any price in the range)' : m.marginalSupplier ? (m.marginalSupplier.kind === 'ours' ? 'us' : m.marginalSupplier.name) : '',
        m.suppliers
          .filter((x) => !x.ours)
          .slice(0, 3)
          .map((x) => `${x.name} ${formatTonnes(x.tonnes)}`)
          .join('; '),
      ]),
      [false, true, true, true, true, true, false, false],
    ),
  );
  out.push('', 'COMPETITORS');
  out.push(
    table(
      ['supplier', 'country', 'tonnes', 'capacity use', `cash cost ${money.unit}/t`, `rent ${money.unit}/t`, 'markets'],
      [...c.competitors]
        .sort((a, b) => b.tonnes - a.tonnes)
        .map((x) => [
          x.name,
          x.country,
          formatTonnes(x.tonnes),
          x.utilisation === null ? '—' : formatPct(x.utilisation, 0),
          money.perTonne(x.cashCostUsdPerTonne),
          money.perTonne(x.rentUsdPerTonne),
          x.markets
            .filter((m) => m.tonnes > 0)
            .sort((a, b) => b.tonnes - a.tonnes)
            .map((m) => `${m.market} ${formatTonnes(m.tonnes)}`)
            .join(', '),
        ]),
      [false, false, true, true, true, true, false],
    ),
  );
  return out;
}

/** Room to negotiate: each market's tonnes range within the tolerance, and the alternative plans. */
export function formatAlternativesReport(alt: Alternatives): string {
  const out: string[] = [];
  out.push(
    '',
    alt.held === 'welfare' && alt.bestWelfareUsd !== null
      ? `ROOM TO NEGOTIATE (plans within ${formatPct(alt.tolerance)} of the market's best welfare, ${formatUsd(alt.bestWelfareUsd)} USD; our margin ${formatUsd(alt.bestMarginUsd)} USD at its clearing prices)`
      : `ROOM TO NEGOTIATE (plans within ${formatPct(alt.tolerance)} of the best margin, ${formatUsd(alt.bestMarginUsd)} USD)`,
  );
  const markets = alt.markets
    .filter((m) => m.maxTonnes > 0.5)
    .sort((a, b) => b.planTonnes - a.planTonnes || b.maxTonnes - a.maxTonnes);
  out.push(
    table(
      ['market', 'kind', 'best plan', 'least', 'most'],
      markets.map((m) => [m.name, m.domestic ? 'domestic' : 'export', formatTonnes(m.planTonnes), formatTonnes(m.minTonnes), formatTonnes(m.maxTonnes)]),
      [false, false, true, true, true],
    ),
  );
  // Each alternative sits on the tolerance line: it gives up the whole tolerance for its extreme.
  // For a market the best plan leaves out, the margin given up per tonne served says what it costs.
  out.push(
    alt.floorMarginUsd === null
      ? `Alternatives (each keeps at least ${formatUsd(alt.floorWelfareUsd ?? 0)} USD of welfare; our margin valued at the best plan's clearing prices):`
      : `Alternatives (each gives up at most ${formatUsd(alt.bestMarginUsd - alt.floorMarginUsd)} USD):`,
  );
  for (const p of alt.plans) {
    const changes = Object.entries(p.changedMarkets)
      .map(([id, c]) => `${alt.markets.find((m) => m.marketId === id)?.name ?? id} ${formatTonnes(c.bestTonnes)} → ${formatTonnes(c.tonnes)}`)
      .join('; ');
    const served = p.label.startsWith('serve ') ? Object.values(p.changedMarkets).find((c) => c.bestTonnes === 0 && c.tonnes > 0) : undefined;
    const perTonne = served ? `, ${formatUsd(p.marginGivenUpUsd / served.tonnes)} USD per tonne served` : '';
    out.push(`  • ${p.label}: gives up ${formatUsd(p.marginGivenUpUsd)} USD${perTonne}, domestic ${formatPct(p.domesticShare)}${changes ? ` — ${changes}` : ''}`);
  }
  for (const u of alt.unavailable) out.push(`  • ${u.label}: not available (the solve ended ${u.status})`);
  return out.join('\n');
}
