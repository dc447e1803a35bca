/** The analysis panel's pure parts: the SSE parser, sweep grids, the sensitivity digest, requests, phasing series. */
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../web/src/lib/sse.ts';
import {
  axisFromForm,
  axisGrid,
  axisProblem,
  digestSensitivity,
  ruleCostStart,
  kilotonnes,
  millions,
  monteCarloProblem,
  monteCarloRequest,
  DEFAULT_MONTE_CARLO,
  parameterLabel,
  phasingSeries,
  rangeText,
  shadowText,
  shortLabel,
  slopeText,
  sweepGrid,
  sweepLine,
} from '../../web/src/lib/analysis.ts';
import { failureWords, ruleShareOf } from '../../web/src/panels/analysis/common.ts';
import { shareCurveChart } from '../../web/src/panels/analysis/share-tab.ts';
import { errorReport } from '../../web/src/lib/api-errors.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { MonteCarloRequest } from '../../server/analysis/montecarlo.ts';
import { SweepAxis } from '../../server/analysis/sweep.ts';
import { axisValues } from '../../server/analysis/sweep.ts';
import type { SweepResult, SweepRow } from '../../server/analysis/sweep.ts';
import type { ParameterRange, SensitivityReport } from '../../server/analysis/sensitivity.ts';
import type { PhasingResult } from '../../server/analysis/phasing.ts';
import { DOMESTIC_COLOUR, EXPORT_COLOUR } from '../../web/src/lib/style.ts';

describe('server-sent events from a fetch body', () => {
  it('parses events split anywhere, with CRLF, comments and multi-line data', () => {
    const p = new SseParser();
    const text = ': hello\r\nevent: progress\r\ndata: {"progress":{"done":1,"total":5}}\r\n\r\nevent: done\ndata: {"a":\ndata: 1}\n\n';
    const events = [];
    for (let i = 0; i < text.length; i += 3) events.push(...p.push(text.slice(i, i + 3)));
    expect(events).toEqual([
      { event: 'progress', data: '{"progress":{"done":1,"total":5}}', id: null },
      { event: 'done', data: '{"a":\n1}', id: null },
    ]);
  });

  it('an event without a name is a "message"; an unterminated one is dropped at the end', () => {
    const p = new SseParser();
    expect(p.push('data: x\n\ndata: y\n')).toEqual([{ event: 'message', data: 'x', id: null }]);
    expect(p.end()).toEqual([]);
  });
});

const row = (index: number, point: Record<string, number>, margin: number | null, binds: boolean, exportTonnes = 100): SweepRow => ({
  index,
  point,
  status: margin == null ? 'infeasible' : 'optimal',
  marginUsd: margin,
  exportTonnes: margin == null ? null : exportTonnes,
  domesticTonnes: 0,
  domesticShare: 0.5,
  ruleBinds: margin == null ? null : binds,
  ruleCostUsd: 0,
});

describe('sweeps', () => {
  it('the form becomes the API axis (port throughput in kt → t), accepted by the server schema', () => {
    const port = axisFromForm({ parameter: 'nodeThroughput', node: 'port_aktau', from: 0, to: 1000, steps: 5 });
    expect(port).toEqual({ parameter: 'nodeThroughput', node: 'port_aktau', from: 0, to: 1_000_000, steps: 5 });
    expect(SweepAxis.safeParse(port).success).toBe(true);
    const price = axisFromForm({ parameter: 'exportPriceMultiplier', node: 'port_aktau', from: 0.8, to: 1.4, steps: 7 });
    expect(price).not.toHaveProperty('node');
    expect(SweepAxis.safeParse(price).success).toBe(true);
    // The grid is the server's.
    expect(axisGrid(price)).toEqual(axisValues(SweepAxis.parse(price)));
  });

  it('says what is wrong with an axis before sending it', () => {
    const ok = { parameter: 'domesticShare' as const, node: '', from: 0.5, to: 1, steps: 6 };
    expect(axisProblem(ok, 'First parameter')).toBeNull();
    expect(axisProblem({ ...ok, to: 1.2 }, 'First parameter')).toMatch(/between 0 and 1/);
    expect(axisProblem({ ...ok, steps: 1 }, 'First parameter')).toMatch(/2 and 201 points/);
    expect(axisProblem({ ...ok, from: Number.NaN }, 'X')).toMatch(/must be numbers/);
    expect(axisProblem({ ...ok, parameter: 'nodeThroughput' }, 'X')).toMatch(/choose a port/);
  });

  it('a 1-D sweep as series in grid order; infeasible points are gaps', () => {
    const result: SweepResult = { scenarioName: 's', parameters: ['freightMultiplier'], rows: [row(1, { freightMultiplier: 1 }, 20, false), row(0, { freightMultiplier: 0.8 }, 25, true), row(2, { freightMultiplier: 1.2 }, null, false)] };
    expect(sweepLine(result)).toEqual({ xs: [0.8, 1, 1.2], margin: [25, 20, null], exportTonnes: [100, 100, null], ruleBinds: [true, false, false] });
  });

  it('a 2-D sweep as a grid: first parameter across, second up', () => {
    const rows: SweepRow[] = [];
    let i = 0;
    for (const a of [1, 2, 3]) for (const b of [10, 20]) rows.push(row(i++, { exportPriceMultiplier: a, domesticShare: b }, a * 100 + b, b === 20));
    const g = sweepGrid({ scenarioName: 's', parameters: ['exportPriceMultiplier', 'domesticShare'], rows });
    expect(g.xs).toEqual([1, 2, 3]);
    expect(g.ys).toEqual([10, 20]);
    expect(g.margin).toEqual([
      [110, 210, 310],
      [120, 220, 320],
    ]);
    expect(g.ruleBinds[1]).toEqual([true, true, true]);
  });

  it('axis words name the port', () => {
    expect(parameterLabel('nodeThroughput:port_aktau', () => 'Aktau Sea Commercial Port')).toBe('Aktau throughput');
    expect(parameterLabel('fxKztPerUsd', () => '')).toBe('KZT per USD');
  });
});

const param = (p: Partial<ParameterRange>): ParameterRange => ({
  parameter: 'x',
  kind: 'price',
  id: 'x',
  label: 'x',
  unit: 'USD/t',
  current: 0,
  low: null,
  high: null,
  marginalValueUsd: 0,
  marginalValueBelowUsd: null,
  priceGapUsdPerTonne: null,
  tonnes: 0,
  method: 'ranging',
  explanation: '',
  ...p,
});

describe('sensitivity in words', () => {
  const report: SensitivityReport = {
    scenarioName: 's',
    status: 'optimal',
    message: null,
    marginUsd: 1,
    valuedAs: 'margin',
    shareCurve: [],
    notes: [],
    parameters: [
      param({ kind: 'plant-capacity', unit: 't/yr', label: 'QazCement Industries / Sinoma cement plant, Baiganin district (Aktobe region) production capacity in 2027', marginalValueUsd: 13.5975, current: 1_300_000, low: 1_250_000, high: 1_400_000 }),
      param({ kind: 'demand', unit: 't/yr', label: 'Atyrau region demand at 72.00 USD/t in 2027', marginalValueUsd: 19.65 }),
      param({ kind: 'leg-capacity', unit: 't/yr', label: 'idle leg', marginalValueUsd: 0 }),
      param({ kind: 'production-cost', label: 'plant cost', marginalValueUsd: -1_300_000, current: 25, low: 0, high: 38.6 }),
      param({ kind: 'freight', label: 'freight on rail Makat junction (rail) → Atyrau station (rail)', marginalValueUsd: -600_000 }),
      param({ kind: 'price', label: 'Aktobe region price, tier 3', priceGapUsdPerTonne: 12.27 }),
      param({ kind: 'price', label: 'Atyrau region price, tier 3', priceGapUsdPerTonne: 0.35 }),
      param({ kind: 'domestic-share', unit: 'share', explanation: 'The 50 % domestic rule does not bind.' }),
    ],
  };

  it('keeps binding limits by shadow price, prices and costs by what they move, the closest unsold tiers', () => {
    const d = digestSensitivity(report, 5);
    expect(d.rule).toBe('The 50 % domestic rule does not bind.');
    expect(d.shadowPrices.map((p) => p.marginalValueUsd)).toEqual([19.65, 13.5975]);
    expect(d.ranges.map((p) => p.label)).toEqual(['plant cost', 'freight on rail Makat junction (rail) → Atyrau station (rail)']);
    expect(d.nearlyPaying.map((p) => p.priceGapUsdPerTonne)).toEqual([0.35, 12.27]);
    expect(digestSensitivity(report, 1).shadowPrices).toHaveLength(1);
  });

  it('says it in the product’s units', () => {
    const [atyrau, plant] = digestSensitivity(report, 5).shadowPrices;
    expect(shadowText(atyrau)).toBe('19.65 USD/t');
    expect(rangeText(plant)).toBe('1.25 Mt – 1.40 Mt');
    expect(shortLabel(plant.label)).toBe('Baiganin plant production capacity in 2027');
    expect(shortLabel('freight on rail Makat junction (rail) → Atyrau station (rail)')).toBe('Rail freight Makat junction → Atyrau station');
    expect(slopeText(param({ marginalValueUsd: -1_300_000 }))).toBe('−USD 1.3 m');
    expect(rangeText(param({ low: 52.35 }))).toBe('from 52.35 USD/t up');
    expect(rangeText(param({}))).toBe('any value');
    // A degenerate plan's kink: worth nothing more, a tonne less costs 4.91 USD; listed, with both.
    const kigash = param({ kind: 'node-capacity', unit: 't/yr', label: 'Kigash throughput', marginalValueUsd: 0, marginalValueBelowUsd: 4.9125 });
    expect(shadowText(kigash)).toBe('0.00 USD/t (one less: 4.91 USD/t)');
    expect(digestSensitivity({ ...report, parameters: [kigash] }, 5).shadowPrices).toEqual([kigash]);
    expect(millions(27_893_075)).toBe('27.9 m');
    expect(kilotonnes(650_000)).toBe('650');
  });
});

describe('where the rule starts to cost margin', () => {
  const curve = [0.5, 0.55, 0.6, 0.65, 0.7].map((share) => ({ domesticShare: share, status: 'optimal' as const, marginUsd: 1, domesticTonnes: 1, exportTonnes: 1, achievedShare: Math.max(share, 0.615), ruleBinds: share > 0.615 }));
  const slack = param({ kind: 'domestic-share', unit: 'share', current: 0.5, low: 0, high: 0.615, marginalValueUsd: 0 });

  it("a slack rule: the report's own threshold (61.5 %), not the first grid point (65 %), in both languages", () => {
    expect(ruleCostStart({ parameters: [slack], shareCurve: curve })).toBe('The rule starts to cost margin above 61.5 %: the plan keeps that much at home anyway.');
    setLocale('ru');
    expect(ruleCostStart({ parameters: [slack], shareCurve: curve })).toBe('Правило стоит маржи, только если требует больше 61,5 %: столько план и так оставляет дома.');
    setLocale('en');
  });

  it('a binding rule: the report has no threshold, so the grid point is called one', () => {
    const binds = { ...slack, current: 0.7, low: 0.66, high: 0.8, marginalValueUsd: -150_000 };
    expect(ruleCostStart({ parameters: [binds], shareCurve: curve })).toBe('Of the curve’s points, the first where the rule costs margin is 65 %.');
    expect(ruleCostStart({ parameters: [], shareCurve: curve.map((p) => ({ ...p, ruleBinds: false })) })).toBe('The rule does not bind anywhere on the curve.');
  });
});

describe('Monte Carlo request', () => {
  it('from the small form: export prices and freight normal around 1, demand uniform ± spread; valid for the server', () => {
    const req = monteCarloRequest({ name: 'What-if' }, DEFAULT_MONTE_CARLO);
    expect(req.uncertainties).toEqual([
      { parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: 0.15 } },
      { parameter: 'freight', distribution: { type: 'normal', mean: 1, sd: 0.1 } },
      { parameter: 'demand', group: 'all', distribution: { type: 'uniform', min: 0.9, max: 1.1 } },
    ]);
    expect(MonteCarloRequest.safeParse(req).success).toBe(true);
    expect(monteCarloRequest({ name: 'x' }, { ...DEFAULT_MONTE_CARLO, freightSd: 0, demandSpread: 0 }).uncertainties).toHaveLength(1);
  });

  it('refuses impossible forms in words', () => {
    expect(monteCarloProblem(DEFAULT_MONTE_CARLO)).toBeNull();
    expect(monteCarloProblem({ ...DEFAULT_MONTE_CARLO, draws: 0 })).toMatch(/Draws/);
    expect(monteCarloProblem({ ...DEFAULT_MONTE_CARLO, seed: 1.5 })).toMatch(/Seed/);
    expect(monteCarloProblem({ ...DEFAULT_MONTE_CARLO, demandSpread: 2 })).toMatch(/Demand spread/);
  });
});

describe('phasing series', () => {
  it('domestic as one green series, then each export market in the export palette', () => {
    const result = {
      domesticTonnesByYear: [10, 20],
      destinations: [
        { marketId: 'atyrau', name: 'Atyrau', country: 'KZ', domestic: true, tonnesByYear: [10, 20], firstYear: 2027 },
        { marketId: 'orenburg', name: 'Orenburg', country: 'RU', domestic: false, tonnesByYear: [5, 6], firstYear: 2027 },
        { marketId: 'samara', name: 'Samara', country: 'RU', domestic: false, tonnesByYear: [0, 3], firstYear: 2028 },
      ],
    } as unknown as PhasingResult;
    const s = phasingSeries(result);
    expect(s.map((x) => x.name)).toEqual(['Domestic (Kazakhstan)', 'Orenburg', 'Samara']);
    expect(s[0].colour).toBe(DOMESTIC_COLOUR);
    expect(s[1].colour).toBe(EXPORT_COLOUR);
    expect(s[2].colour).not.toBe(EXPORT_COLOUR);
    expect(s[2].values).toEqual([0, 3]);
  });
});

describe('refusals in words', () => {
  it('401 and 403 name the planner key and where to enter it', () => {
    expect(failureWords({ status: 401, code: 'unauthorized', summary: '', fields: [] })).toMatch(/planner API key.*Access/);
    expect(failureWords({ status: 403, code: 'forbidden', summary: '', fields: [] })).toMatch(/viewer key.*planner key/);
    expect(failureWords({ status: 422, code: 'unprocessable_model', summary: 'The scenario cannot be turned into a model: x', fields: [] })).toBe('The scenario cannot be turned into a model: x.');
  });

  it('a refused request names its fields in the page language, not "the scenario has invalid values"', () => {
    const report = errorReport(400, { error: { code: 'invalid_body', message: 'The body is not a valid request', details: [{ path: ['axes', 0, 'to'], message: 'must be ≤ 100' }] } });
    expect(failureWords(report)).toBe('The request has invalid values: axes.0.to: must be ≤ 100.');
    setLocale('ru');
    try {
      expect(failureWords(report)).toBe('В запросе недопустимые значения: axes.0.to: должно быть ≤ 100.');
    } finally {
      setLocale('en');
    }
  });

  it('marks the rule now on the share curve, a rule below 50 % too', () => {
    const curve = [0.5, 0.6, 0.7, 0.8, 0.9, 1].map((share, i) => ({ domesticShare: share, status: 'optimal', marginUsd: 30e6 - i * 1e6, ruleBinds: share > 0.6 }));
    expect(shareCurveChart({ shareCurve: curve } as never, 0.3).svg).toContain('rule now: 30 %');
    expect(shareCurveChart({ shareCurve: curve } as never, 0.6).svg).toContain('rule now: 60 %');
  });

  it('says the rule the scenario has, not always 50 %', () => {
    expect(ruleShareOf({ policy: { domesticShare: 0.6 } })).toBe('60 %');
    expect(ruleShareOf({ name: 'no policy given' })).toBe('50 %');
  });
});
