import { describe, expect, it } from 'vitest';
import { Plan } from '../../server/core/plan-schema.ts';
import { ALLOCATION_COLUMNS, allocationCsv } from '../../server/core/allocation-csv.ts';
import { csvField } from '../../server/core/csv.ts';
import { sweepToCsv } from '../../server/analysis/sweep.ts';
import { monteCarloCsv } from '../../server/analysis/mc-summary.ts';
import { downloadName, jobCsvForSpreadsheet, planToAllocationCsv, planToGeoJson, UTF8_BOM } from '../../web/src/lib/csv.ts';
import { diffMapScales, diffPlans, modesNote, yearsNote } from '../../web/src/lib/diff.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { DIFF_LESS_COLOUR, DIFF_MORE_COLOUR, DOMESTIC_COLOUR, diffColour, EXPORT_COLOUR } from '../../web/src/lib/style.ts';
import { makeFixturePlan } from './fixtures/plan-fixture.ts';

describe('comparing two plans', () => {
  const a = makeFixturePlan({ domesticShare: 0.5, scenarioName: 'Base' });
  const b = makeFixturePlan({ domesticShare: 0.8, scenarioName: 'Eighty percent' });
  const d = diffPlans(a, b);

  it('reports B − A per KPI', () => {
    const exports = d.kpis.find((r) => r.key === 'exportTonnes')!;
    expect(exports.delta).toBeCloseTo(b.kpis!.exportTonnes - a.kpis!.exportTonnes);
    expect(exports.delta!).toBeLessThan(0);
    const share = d.kpis.find((r) => r.key === 'domesticShare')!;
    expect(share.delta!).toBeGreaterThan(0);
  });

  it('lists the biggest market changes first', () => {
    const deltas = d.markets.map((m) => Math.abs(m.delta));
    expect(deltas).toEqual([...deltas].sort((x, y) => y - x));
  });

  it('maps every changed leg with its geometry and nothing that did not change', () => {
    expect(d.flows.features.length).toBeGreaterThan(0);
    for (const f of d.flows.features) {
      expect(Math.abs(f.properties.deltaTonnes)).toBeGreaterThanOrEqual(0.5);
      expect(f.geometry.coordinates.length).toBeGreaterThanOrEqual(2);
    }
    expect(diffPlans(a, a).flows.features).toEqual([]);
    expect(diffPlans(a, a).kpis.every((r) => r.delta === 0)).toBe(true);
  });

  it('warns when the plans cover different numbers of years, in English and Russian', () => {
    expect(d.years).toBeNull();
    expect(yearsNote(d)).toBeNull();
    const fiveYears = { ...b, horizon: { kind: 'multi-year', periods: ['2027', '2028', '2029', '2030', '2031'] } };
    const across = diffPlans(a, fiveYears);
    expect(across.years).toEqual({ a: [2027], b: [2027, 2028, 2029, 2030, 2031] });
    expect(yearsNote(across)).toBe('A covers 2027 and B covers 2027–2031 (5 years): the totals are compared as they are, not per year.');
    setLocale('ru');
    try {
      expect(yearsNote(across)).toBe('A охватывает 2027, B — 2027–2031 (лет: 5): итоги сравниваются как есть, а не за год.');
    } finally {
      setLocale('en');
    }
    // A monthly plan is one year, as an annual one.
    const monthly = { ...b, horizon: { kind: 'monthly', periods: Array.from({ length: 12 }, (_, i) => `2027-${String(i + 1).padStart(2, '0')}`) } };
    expect(diffPlans(a, monthly).years).toBeNull();
  });

  it('warns when the plans were solved in different market modes, in English and Russian', () => {
    expect(d.modes).toBeNull();
    expect(modesNote(d)).toBeNull();
    const cleared = diffPlans(a, { ...b, market: 'clearing' });
    expect(cleared.modes).toEqual({ a: 'price-taker', b: 'clearing' });
    expect(modesNote(cleared)).toBe(
      'A was planned in the price-taker mode (given prices) and B in the market-clearing mode (prices that clear against competitors): margins, prices and volumes differ by the market model as well as by the inputs.',
    );
    setLocale('ru');
    try {
      expect(modesNote(cleared)).toBe(
        'A рассчитан в режиме заданных цен (price-taker), B — в режиме рыночного равновесия (цены складываются в конкуренции): маржа, цены и объёмы различаются из-за модели рынка, а не только из-за входных данных.',
      );
    } finally {
      setLocale('en');
    }
    // Both cleared: the same model.
    expect(diffPlans({ ...a, market: 'clearing' }, { ...b, market: 'clearing' }).modes).toBeNull();
  });

  it('is antisymmetric', () => {
    const back = diffPlans(b, a);
    for (const row of d.kpis) expect(back.kpis.find((r) => r.key === row.key)!.delta).toBeCloseTo(-(row.delta ?? 0));
  });
});

describe('downloads', () => {
  const plan = makeFixturePlan({ monthly: true });

  it('writes one CSV row per market route with period columns', () => {
    const csv = allocationCsv(plan);
    const lines = csv.trimEnd().split('\r\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 4)).toEqual(['market_id', 'market', 'country', 'domestic']);
    expect(header).toContain('netback_usd_per_t');
    expect(header).toContain('tonnes_2027-07');
    const rows = plan.markets.reduce((n, m) => n + Math.max(1, m.routes.length), 0);
    expect(lines).toHaveLength(rows + 1);
    const baku = lines.find((l) => l.startsWith('baku,'))!;
    expect(baku).toContain(',no,');
  });

  it('adds bagged and bulk tonnes per market, on each of its route rows, only when the plan has product forms', () => {
    expect(allocationCsv(plan).split('\r\n')[0]).not.toContain('bagged');
    const periods = plan.horizon.periods;
    const withForms = {
      ...plan,
      markets: plan.markets.map((m, k) => {
        const baggedTonnesByPeriod = m.tonnesByPeriod.map((x) => x * (0.25 + 0.05 * k));
        const bagged = baggedTonnesByPeriod.reduce((s, x) => s + x, 0);
        // A second route on served markets, so a market spans several rows.
        const routes = m.routes.length ? [...m.routes, { ...m.routes[0]!, tonnes: 0 }] : m.routes;
        return { ...m, routes, baggedTonnes: bagged, bulkTonnes: m.tonnes - bagged, baggedTonnesByPeriod };
      }),
    };
    const lines = allocationCsv(withForms).trimEnd().split('\r\n');
    const header = lines[0].split(',');
    expect(header.slice(ALLOCATION_COLUMNS.length, ALLOCATION_COLUMNS.length + 2)).toEqual(['bagged_tonnes', 'bulk_tonnes']);
    expect(header.slice(-periods.length)).toEqual(periods.map((p) => `bagged_tonnes_${p}`));
    const col = (name: string) => header.indexOf(name);
    const round3 = (v: number) => String(Math.round(v * 1000) / 1000);
    let row = 1;
    for (const m of withForms.markets) {
      const rows = lines.slice(row, row + Math.max(1, m.routes.length)).map((l) => l.split(','));
      row += rows.length;
      for (const [i, cells] of rows.entries()) {
        expect(cells[col('market_id')]).toBe(m.id);
        expect(cells[col('bagged_tonnes')]).toBe(round3(m.baggedTonnes));
        expect(cells[col('bulk_tonnes')]).toBe(round3(m.bulkTonnes));
        expect(cells[col(`bagged_tonnes_${periods[0]}`)]).toBe(i === 0 ? round3(m.baggedTonnesByPeriod[0]!) : '');
      }
    }
    expect(row).toBe(lines.length);
    expect(withForms.markets.some((m) => m.routes.length > 1 && m.baggedTonnes > 0)).toBe(true);
  });

  it("the page's download is the API's table for a spreadsheet: a byte-order mark, and in Russian ';' between fields and ',' as the decimal mark", () => {
    const english = planToAllocationCsv(plan, 'en');
    expect(english.startsWith(UTF8_BOM)).toBe(true);
    expect(english.slice(1)).toBe(allocationCsv(plan));
    const russian = planToAllocationCsv(plan, 'ru');
    expect(russian.startsWith(UTF8_BOM)).toBe(true);
    const program = allocationCsv(plan).trimEnd().split('\r\n');
    const lines = russian.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(program[0]!.replaceAll(',', ';'));
    // The same figures on every row, written with a decimal comma.
    const share = program[0]!.split(',').indexOf('share_of_demand');
    const served = plan.markets.find((m) => !Number.isInteger(Math.round(m.shareOfDemand * 1000) / 1000))!;
    const row = lines.find((l) => l.startsWith(`${served.id};`))!.split(';');
    expect(row[share]).toBe(String(Math.round(served.shareOfDemand * 1000) / 1000).replace('.', ','));
    expect(csvField('a;b', { separator: ';', decimal: ',' })).toBe('"a;b"');
  });

  it('quotes fields and defuses spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvField(null)).toBe('');
  });

  it('writes GeoJSON with flows and markets in [lng, lat]', () => {
    const geo = planToGeoJson(plan) as { features: { geometry: { type: string; coordinates: number[] }; properties: { kind: string; id?: string } }[] };
    const kinds = new Set(geo.features.map((f) => f.properties.kind));
    expect(kinds).toEqual(new Set(['flow', 'market']));
    const baku = geo.features.find((f) => f.properties.id === 'baku')!;
    expect(baku.geometry.coordinates[0]).toBeGreaterThan(baku.geometry.coordinates[1]); // lng 49.9 > lat 40.4
  });

  it('names files after the scenario and inputs', () => {
    expect(downloadName({ scenarioName: 'High export / 2027!', inputsHash: 'abcdef1234567' }, 'csv')).toBe('caspian-plan-high-export-2027-abcdef12.csv');
    expect(downloadName({ scenarioName: 'Фаза 2 базовый', inputsHash: 'abcdef1234567' }, 'csv')).toBe('caspian-plan-фаза-2-базовый-abcdef12.csv');
  });

  it('a name cut at 40 characters ends on a letter, not a hyphen (no double hyphen before the hash)', () => {
    const name = downloadName({ scenarioName: 'Phase 1 monthly plan 2027 with northern ice', inputsHash: '20ebcb98aaaa' }, 'csv');
    expect(name).toBe('caspian-plan-phase-1-monthly-plan-2027-with-northern-20ebcb98.csv');
    expect(name).not.toMatch(/--/);
  });

  it('the fixture is a valid plan (so these tests test the real shape)', () => {
    expect(Plan.safeParse(plan).success).toBe(true);
  });
});

describe('the difference map', () => {
  const a = makeFixturePlan({ domesticShare: 0.5, scenarioName: 'Base' });
  const b = makeFixturePlan({ domesticShare: 0.8, scenarioName: 'Eighty percent' });
  const d = diffPlans(a, b);

  it('places each market change where the market is, with its side', () => {
    for (const m of d.markets) {
      const inB = b.markets.find((x) => x.id === m.id)!;
      expect([m.lat, m.lng, m.domestic]).toEqual([inB.lat, inB.lng, inB.domestic]);
    }
  });

  it('sizes circles and lines by the size of the change, not by either plan', () => {
    const s = diffMapScales(d);
    const biggest = Math.max(...d.markets.map((m) => Math.abs(m.delta)));
    expect(biggest).toBeGreaterThan(0);
    expect(s.maxMarketDeltaTonnes).toBe(biggest);
    expect(s.marketRadius(biggest)).toBe(20);
    expect(s.marketRadius(biggest / 4)).toBeCloseTo(10);
    expect(s.flowWidth.maxTonnes).toBe(Math.max(...d.legs.map((l) => Math.abs(l.delta))));
  });

  it('colours more tonnes in B blue and fewer orange, neither the domestic green', () => {
    expect(diffColour(1)).toBe(DIFF_MORE_COLOUR);
    expect(diffColour(-1)).toBe(DIFF_LESS_COLOUR);
    expect(new Set([DIFF_MORE_COLOUR, DIFF_LESS_COLOUR, DOMESTIC_COLOUR, EXPORT_COLOUR]).size).toBe(4);
  });
});

describe("a job's CSV for a spreadsheet in the page's language (the API's CSV unchanged)", () => {
  const sweep = sweepToCsv({
    scenarioName: 'Base',
    parameters: ['exportPriceMultiplier'],
    rows: [
      { index: 0, point: { exportPriceMultiplier: 0.8 }, status: 'optimal', marginUsd: 21858875, exportTonnes: 150000, domesticTonnes: 1150000, domesticShare: 0.884615, ruleBinds: false, ruleCostUsd: 0 },
      { index: 1, point: { exportPriceMultiplier: 1.1 }, status: 'optimal', marginUsd: 28648625.5, exportTonnes: 650000, domesticTonnes: 650000, domesticShare: 0.5, ruleBinds: true, ruleCostUsd: 93400 },
      { index: 2, point: { exportPriceMultiplier: 1.4 }, status: 'infeasible', marginUsd: null, exportTonnes: null, domesticTonnes: null, domesticShare: null, ruleBinds: null, ruleCostUsd: null },
    ],
  });

  it("Russian: a byte-order mark, ';' between fields and a decimal comma, like the plan's CSV", () => {
    const ru = jobCsvForSpreadsheet(sweep, 'ru');
    expect(ru.startsWith(UTF8_BOM)).toBe(true);
    expect(ru.slice(1).split('\n')).toEqual([
      'exportPriceMultiplier;status;margin_usd;export_tonnes;domestic_tonnes;domestic_share;rule_binds;rule_cost_usd',
      '0,8;optimal;21858875;150000;1150000;0,884615;false;0',
      '1,1;optimal;28648625,5;650000;650000;0,5;true;93400',
      '1,4;infeasible;;;;;;',
      '',
    ]);
  });

  it('English: the same table with a byte-order mark; the API text is not changed', () => {
    expect(jobCsvForSpreadsheet(sweep, 'en')).toBe(UTF8_BOM + sweep);
    expect(sweep.startsWith('exportPriceMultiplier,status')).toBe(true);
  });

  it('text keeps its words: a comma inside is no longer quoted, a semicolon is; an empty line stays', () => {
    const mc = monteCarloCsv({
      scenarioName: 'Base',
      seed: 1,
      draws: 2,
      optimalDraws: 2,
      statusCounts: { optimal: 2, infeasible: 0, unbounded: 0, timedout: 0, error: 0 },
      marginUsd: { mean: 1.5, p5: 1, p50: 1.5, p95: 2, min: 1, max: 2, histogram: [] },
      exportTonnes: { mean: 10, p5: 10, p50: 10, p95: 10, min: 10, max: 10, histogram: [] },
      domesticShare: { mean: 0.55, p5: 0.5, p50: 0.55, p95: 0.6, min: 0.5, max: 0.6, histogram: [] },
      ruleBindsProbability: 0.25,
      markets: [
        { id: 'baku, alat', name: 'Baku', domestic: false, servedShare: 0.75, robust: false },
        { id: 'a;b', name: 'A', domestic: true, servedShare: 1, robust: true },
      ],
      robustMarkets: [],
      robustThreshold: 0.8,
    });
    const ru = jobCsvForSpreadsheet(mc, 'ru').slice(1).split('\n');
    expect(ru[0]).toBe('figure;mean;p5;p50;p95;min;max');
    expect(ru[3]).toBe('domestic_share;0,55;0,5;0,55;0,6;0,5;0,6');
    expect(ru[4]).toBe('rule_binds_probability;0,25;;;;;');
    expect(ru[5]).toBe('');
    expect(ru[7]).toBe('baku, alat;false;0,75;false');
    expect(ru[8]).toBe('"a;b";true;1;true');
  });
});
