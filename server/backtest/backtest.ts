/**
 * The back-test (docs/backtest.md): the market-clearing model, calibrated on 2024, solved for 2025 and
 * set against what happened — production per plant, imports and exports per partner, western
 * Kazakhstan's net imports, regional prices and their ranks — with the issue's targets met or missed
 * and, in words, where the model is wrong and the likely reason. `backtestReport` is pure (the map
 * and the API read it); `runBacktest` solves the year with the product's pipeline first.
 * Browser-safe apart from the plan function it is given.
 */
import type { MarketCalibration } from '../core/calibration.ts';
import type { MarketHistory } from '../core/history-schema.ts';
import type { Plan } from '../core/plan-schema.ts';
import type { Network, Scenario } from '../core/schema.ts';
import { historyFigures, modelledFigure, type FigureKind, type HistoryYear } from './figures.ts';
import { historyScenario, outcomeFromPlan, type MarketYearOutcome } from './market-year.ts';
import { evidenceOf, inputsBehind, type Evidence } from './built-in.ts';

export interface BacktestRow {
  readonly kind: FigureKind;
  readonly id: string;
  readonly name: string;
  readonly lng: number | null;
  readonly lat: number | null;
  readonly unit: 't/yr' | 'KZT/t';
  readonly modelled: number;
  readonly observed: number;
  /** (modelled − observed) / observed × 100; null when nothing was observed (0 t). */
  readonly errorPct: number | null;
  readonly observedIsEstimate: boolean;
  /** Why the observation is one of the model's own inputs, or made from them; null when independent of them. */
  readonly observedFromInputs: string | null;
  /** Price rows: rank among the regional prices, 1 = dearest; null on other rows. */
  readonly modelledRank: number | null;
  readonly observedRank: number | null;
}

export interface BacktestTarget {
  readonly name: string;
  /** The threshold: a percentage for errors (±), a correlation for ranks. */
  readonly target: number;
  /** What the back-test measured: the largest absolute error in percent, or the correlation. */
  readonly value: number;
  readonly met: boolean;
  readonly detail: string;
  /** Whether its observations are independent of the model's inputs: a target met on built-in figures shows consistency, not accuracy. */
  readonly evidence: Evidence;
  /** Which of its observations are built in, and how; empty when independent. */
  readonly evidenceNote: string;
}

export interface BacktestResult {
  readonly calibratedOn: number;
  readonly year: number;
  readonly rows: BacktestRow[];
  readonly targets: BacktestTarget[];
  readonly narrative: string[];
}

export const TARGETS = {
  plantErrorPct: 20,
  plantMinTonnes: 500_000,
  tradeErrorPct: 25,
  westErrorPct: 30,
  priceSpearman: 0.7,
} as const;

const round = (x: number, digits = 0) => {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
};
const kt = (t: number) => `${round(t / 1000).toLocaleString('en-US')} kt`;
const pct = (x: number) => `${x > 0 ? '+' : ''}${round(x, 1)} %`;

/** Ranks, 1 = largest, ties sharing their average rank. */
export function ranksOf(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v);
  const ranks = new Array<number>(values.length);
  for (let k = 0; k < order.length; ) {
    let j = k;
    while (j + 1 < order.length && Math.abs(order[j + 1].v - order[k].v) < 1e-9) j++;
    for (let m = k; m <= j; m++) ranks[order[m].i] = (k + j) / 2 + 1;
    k = j + 1;
  }
  return ranks;
}

/** Spearman's rank correlation: Pearson's correlation of the ranks (ties at their average rank). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranksOf(a);
  const rb = ranksOf(b);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

export interface BacktestInput {
  /** The network as written (the calibration is given separately). */
  readonly network: Network;
  readonly history: MarketHistory;
  readonly calibration: MarketCalibration;
  readonly year: HistoryYear;
  /** The year solved on the calibrated market. */
  readonly outcome: MarketYearOutcome;
}

/** The back-test's table, targets and narrative from a solved year. Pure. */
export function backtestReport(input: BacktestInput): BacktestResult {
  const { network, history, calibration, year, outcome } = input;
  const figures = historyFigures(history, network, year);
  const fromInputs = inputsBehind(figures, network, history, year);
  const rows: BacktestRow[] = figures.map((f, i) => {
    const modelled = modelledFigure(f, outcome, network, history);
    return {
      kind: f.kind,
      id: f.id,
      name: f.name,
      lng: f.lng === null ? null : round(f.lng, 4),
      lat: f.lat === null ? null : round(f.lat, 4),
      unit: f.unit,
      modelled: round(modelled),
      observed: round(f.observed),
      errorPct: f.observed !== 0 ? round(((modelled - f.observed) / f.observed) * 100, 1) : null,
      observedIsEstimate: f.observedIsEstimate,
      observedFromInputs: fromInputs[i] ?? null,
      modelledRank: null,
      observedRank: null,
    };
  });
  const priceRows = rows.filter((r) => r.kind === 'price');
  const modelledRanks = ranksOf(priceRows.map((r) => r.modelled));
  const observedRanks = ranksOf(priceRows.map((r) => r.observed));
  const rankedRows = rows.map((r) => {
    const i = priceRows.indexOf(r);
    return i < 0 ? r : { ...r, modelledRank: modelledRanks[i], observedRank: observedRanks[i] };
  });
  const rho = spearman(
    priceRows.map((r) => r.modelled),
    priceRows.map((r) => r.observed),
  );

  const row = (kind: FigureKind, id: string) => rankedRows.find((r) => r.kind === kind && r.id === id);
  const bigPlants = rankedRows.filter((r) => r.kind === 'plant-production' && r.observed > TARGETS.plantMinTonnes);
  const publishedPlants = bigPlants.filter((r) => !r.observedIsEstimate);
  const worst = (rs: BacktestRow[]) => rs.reduce((a, r) => Math.max(a, Math.abs(r.errorPct ?? 0)), 0);
  const describe = (rs: BacktestRow[]) => rs.map((r) => `${r.name} ${pct(r.errorPct ?? 0)}${r.observedIsEstimate ? ' (estimate)' : ' (published)'}`).join('; ');
  const imports = row('imports', 'total');
  const exports = row('exports', 'total');
  const west = row('west-net-imports', 'west');
  const errorTarget = (name: string, r: BacktestRow | undefined, limit: number): Measured => {
    const value = Math.abs(r?.errorPct ?? 100);
    return {
      name,
      target: limit,
      value: round(value, 1),
      met: value <= limit,
      detail: r ? `modelled ${kt(r.modelled)} against observed ${kt(r.observed)}${r.observedIsEstimate ? ' (an estimate)' : ' (published)'}: ${pct(r.errorPct ?? 0)}` : 'not observed',
    };
  };
  const measured: [Measured, BacktestRow[]][] = [
    [{
      name: `Production of every plant over 0.5 Mt/yr within ±${TARGETS.plantErrorPct} % (${publishedPlants.length} published, ${bigPlants.length - publishedPlants.length} estimated)`,
      target: TARGETS.plantErrorPct,
      value: round(worst(bigPlants), 1),
      met: bigPlants.length > 0 && worst(bigPlants) <= TARGETS.plantErrorPct,
      detail: `${bigPlants.filter((r) => Math.abs(r.errorPct ?? 0) <= TARGETS.plantErrorPct).length} of ${bigPlants.length} within: ${describe(bigPlants)}`,
    }, bigPlants],
    [{
      name: `Production of the plants over 0.5 Mt/yr with published figures within ±${TARGETS.plantErrorPct} %`,
      target: TARGETS.plantErrorPct,
      value: round(worst(publishedPlants), 1),
      met: publishedPlants.length > 0 && worst(publishedPlants) <= TARGETS.plantErrorPct,
      detail: publishedPlants.length > 0 ? describe(publishedPlants) : 'no published plant figure',
    }, publishedPlants],
    [errorTarget(`Kazakhstan's total imports within ±${TARGETS.tradeErrorPct} %`, imports, TARGETS.tradeErrorPct), imports ? [imports] : []],
    [errorTarget(`Kazakhstan's total exports within ±${TARGETS.tradeErrorPct} %`, exports, TARGETS.tradeErrorPct), exports ? [exports] : []],
    [errorTarget(`Western Kazakhstan's net imports within ±${TARGETS.westErrorPct} %`, west, TARGETS.westErrorPct), west ? [west] : []],
    [{
      name: `Regional price ranks: Spearman correlation ≥ ${TARGETS.priceSpearman}`,
      target: TARGETS.priceSpearman,
      value: round(rho, 3),
      met: rho >= TARGETS.priceSpearman,
      detail: `${priceRows.length} regional prices (${estimateCount(priceRows)}); ranks modelled vs observed: ${priceRows.map((r, i) => `${r.id} ${modelledRanks[i]}/${observedRanks[i]}`).join(', ')}`,
    }, rankedRows.filter((r) => r.kind === 'price')],
  ];
  const targets: BacktestTarget[] = measured.map(([target, judgedOn]) => ({ ...target, evidence: evidenceOf(judgedOn.map((r) => r.observedFromInputs)), evidenceNote: evidenceNoteOf(judgedOn) }));

  return { calibratedOn: calibration.calibratedOnYear, year, rows: rankedRows, targets, narrative: narrativeOf(rankedRows, targets, calibration, rho) };
}

/** A target before its evidence is judged. */
type Measured = Omit<BacktestTarget, 'evidence' | 'evidenceNote'>;

/** Which of a target's observations are the model's own inputs, grouped by reason; empty when none is. */
function evidenceNoteOf(rows: readonly BacktestRow[]): string {
  const built = rows.filter((r) => r.observedFromInputs !== null);
  if (built.length === 0) return '';
  const byReason = new Map<string, string[]>();
  for (const r of built) byReason.set(r.observedFromInputs!, [...(byReason.get(r.observedFromInputs!) ?? []), r.kind === 'price' ? r.id : r.name]);
  const groups = [...byReason].map(([reason, names]) => (rows.length === 1 ? `${reason[0]!.toUpperCase()}${reason.slice(1)}` : `${names.join(', ')}: ${reason}`));
  return `${built.length} of ${rows.length} observation${rows.length === 1 ? '' : 's'} built into the model's inputs. ${groups.join('. ')}.`;
}

/** How many of the rows' observations are estimates, in words. */
function estimateCount(rows: readonly BacktestRow[]): string {
  const estimates = rows.filter((r) => r.observedIsEstimate).length;
  if (estimates === rows.length) return 'all estimates';
  if (estimates === 0) return 'all published';
  return `${estimates} estimates, ${rows.length - estimates} published`;
}

/** Where the model is wrong and the likely reason, from the table (so it follows the numbers). */
function narrativeOf(rows: readonly BacktestRow[], targets: readonly BacktestTarget[], calibration: MarketCalibration, rho: number): string[] {
  const out: string[] = [];
  const met = targets.filter((t) => t.met).length;
  out.push(
    `${met} of ${targets.length} targets met on ${rows.length} figures; the calibration moved ${calibration.parameters.filter((p) => p.value !== p.prior).length} of ${calibration.parameters.length} parameters (loss ${round(calibration.lossBefore, 3)} → ${round(calibration.lossAfter, 3)} on ${calibration.calibratedOnYear}).`,
  );
  const bounds = calibration.parameters.filter((p) => p.atBound);
  if (bounds.length > 0)
    out.push(`At a bound after calibration, so the ${calibration.calibratedOnYear} data pull beyond the stated range: ${bounds.map((p) => `${p.id} (${p.atBound}, ${p.value} ${p.unit})`).join(', ')}.`);

  const exports = rows.find((r) => r.kind === 'exports' && r.id === 'total');
  if (exports && Math.abs(exports.errorPct ?? 0) > TARGETS.tradeErrorPct) {
    const partners = rows.filter((r) => r.kind === 'exports' && r.id !== 'total');
    const split = partners.map((r) => `${r.id === 'XX' ? 'others' : r.id} ${kt(r.modelled)} vs ${kt(r.observed)}`).join(', ');
    const frictions = calibration.parameters.filter((p) => p.kind === 'border-friction');
    const friction =
      frictions.length > 0
        ? `the border friction (${frictions.map((p) => `${p.targets.join(', ')} ${p.value} ${p.unit}`).join(', ')}: international rail tariffs above domestic ones, wagons, GOST-R certification, formalities)`
        : 'no border friction';
    const why =
      exports.modelled > exports.observed
        ? `Northern and eastern Kazakh plants (Kokshe, Semey, Bukhtarma, Rudny) offer into southern Siberia and the Urals at domestic rail rates plus a 2 USD/t border cost and ${friction}, still below the Russian plants' offers at the rouble of the year, and sell there whatever the Kazakh market leaves them; what else holds real exports back (Russian buyers' contracts and brand preference) is not in the model, and the Russian prices of these markets are estimates`
        : 'the export markets\' competitors offer below the Kazakh plants at the calibrated costs';
    out.push(
      `Exports: the model exports ${kt(exports.modelled)} against ${kt(exports.observed)} observed (${split}). ${why[0]!.toUpperCase()}${why.slice(1)}. The Uzbek duty of August 2025 counts 5/12 of the year in an annual period (37.5 USD/t), which closes Tashkent to Kazakh cement for all of 2025 in the model while real trade ran until July.`,
    );
  }
  const plantMisses = rows.filter((r) => r.kind === 'plant-production' && r.observed > TARGETS.plantMinTonnes && Math.abs(r.errorPct ?? 0) > TARGETS.plantErrorPct);
  if (plantMisses.length > 0)
    out.push(
      `Plants outside ±${TARGETS.plantErrorPct} %: ${plantMisses.map((r) => `${r.name} ${kt(r.modelled)} vs ${kt(r.observed)}${r.observedIsEstimate ? ' (estimate)' : ''}`).join('; ')}. The equilibrium runs plants in merit order of delivered offer, full or idle, while real plants share regions through contracts, brands and wagon allocation; and every figure but Steppe's is an estimate (capacity share of national production), so part of each miss is the estimate's.`,
    );
  for (const partner of ['UZ', 'IR', 'RU']) {
    const r = rows.find((x) => x.kind === 'imports' && x.id === partner);
    if (!r || r.errorPct === null || Math.abs(r.errorPct) <= 50) continue;
    const why: Record<string, string> = {
      UZ: 'Uzbek offers into the south (350,000 UZS/t cash cost, 25 % mark-up, rail) are above the Kazakh southern plants\' at the calibrated costs, so in the model Kazakh plants keep the south; real Uzbek cement took share in 2025 after Uzbekistan\'s capacity build-out',
      IR: 'the only Iranian route into Kazakhstan is by sea to Aktau, which the model uses as soon as the Mangystau price covers it; real Iranian volumes are small and irregular',
      RU: 'Russian deliveries into Aktobe and Uralsk follow Novotroitsk\'s and Zhigulevsk\'s offers against the Kazakh rail hauls',
    };
    out.push(`Imports from ${partner}: ${kt(r.modelled)} modelled against ${kt(r.observed)} (${pct(r.errorPct)}): ${why[partner]}.`);
  }
  const prices = rows.filter((r) => r.kind === 'price');
  if (prices.length > 0) {
    const meanErr = prices.reduce((a, r) => a + (r.errorPct ?? 0), 0) / prices.length;
    const far = prices.filter((r) => Math.abs(r.errorPct ?? 0) > 10);
    out.push(
      `Prices: rank correlation ${round(rho, 2)}; mean level error ${pct(meanErr)}${far.length > 0 ? `; off by more than 10 %: ${far.map((r) => `${r.id} ${pct(r.errorPct ?? 0)}`).join(', ')}` : ''}. A price set by a demand block moves with the block's value in tenge, one set by an importer with the rouble and the importer's cost; the demand blocks are valued at 2025's price for every year.`,
    );
  }
  const west = rows.find((r) => r.kind === 'west-net-imports');
  if (west)
    out.push(
      `Western Kazakhstan's net imports: ${kt(west.modelled)} modelled against ${kt(west.observed)} (${pct(west.errorPct ?? 0)}); the observation is oblast consumption by population share less Caspi Cement's estimated output, itself uncertain by ±25 %.`,
    );
  const independent = targets.filter((t) => t.evidence === 'independent');
  const builtIn = targets.filter((t) => t.evidence !== 'independent');
  const named = (ts: readonly BacktestTarget[]) => ts.map((t) => `${t.name.replace(/ within ±.*|: Spearman.*/, '')} (${t.met ? 'met' : 'missed'}${t.evidence === 'partly built in' ? ', partly built in' : ''})`).join('; ');
  out.push(
    `Tested against observations independent of the model's inputs: ${independent.length > 0 ? named(independent) : 'none'}. ${builtIn.length > 0 ? `Judged on observations that are the model's own inputs, or made from them, so met there shows the model consistent with its data, not accurate: ${named(builtIn)}.` : ''} Beyond that, most observations are estimates, not statistics: the back-test does not support any accuracy beyond theirs.`.replace('  ', ' '),
  );
  return out;
}

/** The back-test: solve the year with the product's pipeline on the calibrated market, then report. */
export async function runBacktest(
  network: Network,
  history: MarketHistory,
  calibration: MarketCalibration,
  plan: (scenario: Scenario, network: Network) => Promise<Plan>,
  year: HistoryYear = 2025,
): Promise<BacktestResult> {
  const { calibration: _ignored, ...base } = network;
  // The forward path: the calibration attached to the network and the scenario's default choice.
  const calibrated: Network = { ...base, calibration };
  const solved = await plan(historyScenario(base, year, 'default'), calibrated);
  return backtestReport({ network: base, history, calibration, year, outcome: outcomeFromPlan(solved, year) });
}
