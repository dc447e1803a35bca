/**
 * A stored scenario opened in the form plans as itself: what the form has no control for (per-market,
 * per-plant and per-competitor overrides, exchange rates, an inline network, given volumes …) is
 * carried unchanged and merged back; editing a field changes that field only; the panel lists the
 * carried settings, and dropping them is explicit.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Scenario } from '../../server/core/schema.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { carriedSummary, dropCarried, formToScenario, scenarioToForm } from '../../web/src/lib/scenario-form.ts';
import { decodeState, EMPTY_STATE, encodeState } from '../../web/src/lib/url-state.ts';

const network = JSON.parse(readFileSync(new URL('../../data/network.json', import.meta.url), 'utf8'));

/** A workbook-like scenario: per-id overrides beside the form's own settings. */
const stored = {
  name: 'Cheap plant',
  description: 'From the workbook',
  phase: 2,
  horizon: { kind: 'monthly', year: 2028 },
  policy: { domesticShare: 0.6, basis: 'sales', importCaps: [{ country: 'RU', tonnesPerYear: 200_000 }] },
  market: 'clearing',
  overrides: {
    exportPriceMultiplier: 1.1,
    freightMultiplierByMode: { sea: 1.4 },
    markets: { atyrau: { priceMultiplier: 1.5 }, astrakhan: { demandMultiplier: 0.2 }, orenburg: { dutyPct: 5 } },
    plants: { plant_baiganin: { variableCostUsdPerTonne: 10 } },
    suppliers: { aktobe_cem: { capacityMultiplier: 0.5 } },
    fxPerUsd: { RUB: { '2027': 95, '2028': 100 } },
    railTariffMultiplierByRailway: { KTZ: 2.1 },
    // A row the form shows in part: its capacity in the form, its handling cost and closure of two months carried.
    nodes: { port_aktau: { throughputTonnesPerYear: 900_000, closedMonths: [1, 2], handlingUsdPerTonne: 7 } },
    legs: { sea_aktau_astrakhan: { capacityTonnesPerYear: null } },
  },
  volumesTonnesPerYear: { atyrau: 100_000 },
  network,
} as const;

const parsed = (s: unknown) => Scenario.parse(s);

afterEach(() => {
  setLocale('en');
});

describe('the form carries what it cannot show', () => {
  it('round-trips a stored scenario to an equal scenario', () => {
    const form = scenarioToForm(stored as never);
    expect(parsed(formToScenario(form))).toEqual(parsed(stored));
    // The form's own fields are in the form, not carried twice.
    expect(form.phase).toBe(2);
    expect(form.exportPriceMultiplier).toBe(1.1);
    expect(form.nodes.port_aktau).toEqual({ capacityTonnesPerYear: 900_000, closed: false });
    expect(form.carried).not.toHaveProperty('phase');
    expect(form.carried).not.toHaveProperty(['overrides', 'exportPriceMultiplier']);
    expect(form.carried).toHaveProperty(['overrides', 'nodes', 'port_aktau'], { closedMonths: [1, 2], handlingUsdPerTonne: 7 });
  });

  it('round-trips each kind of setting on its own', () => {
    const cases: Record<string, unknown>[] = [
      { overrides: { markets: { atyrau: { priceMultiplier: 1.5 } } } },
      { overrides: { plants: { plant_baiganin: { variableCostUsdPerTonne: 10 } } } },
      { overrides: { suppliers: { aktobe_cem: { absent: true } } } },
      { overrides: { fxPerUsd: { KZT: 520 } } },
      { overrides: { nodes: { port_aktau: { throughputTonnesPerYear: null } } } },
      { network },
      { objective: 'min-cost', volumesTonnesPerYear: { atyrau: 50_000 } },
    ];
    for (const c of cases) {
      const scenario = { name: 'One setting', ...c };
      expect(parsed(formToScenario(scenarioToForm(scenario as never))), JSON.stringify(Object.keys(c))).toEqual(parsed(scenario));
    }
  });

  it('changes only the field edited', () => {
    const form = scenarioToForm(stored as never);
    form.domesticShare = 0.7;
    form.freightByMode.rail = 1.2;
    const edited = parsed(formToScenario(form));
    const expected = parsed(stored);
    expected.policy.domesticShare = 0.7;
    expected.overrides.freightMultiplierByMode = { sea: 1.4, rail: 1.2 };
    expect(edited).toEqual(expected);
  });

  it('lets the form win where it and a carried setting are the same thing', () => {
    const form = scenarioToForm(stored as never);
    form.nodes.port_aktau.closed = true;
    form.legs.sea_aktau_astrakhan = { capacityTonnesPerYear: 300_000, closed: false };
    const edited = formToScenario(form);
    expect(edited.overrides?.nodes?.port_aktau).toEqual({ throughputTonnesPerYear: 900_000, closedMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], handlingUsdPerTonne: 7 });
    expect(edited.overrides?.legs?.sea_aktau_astrakhan).toEqual({ capacityTonnesPerYear: 300_000 });
  });

  it('carries nothing of a stored scenario written out whole with its defaults', () => {
    // GET /scenarios/:id answers the parsed scenario: every default is written out.
    const whole = parsed({ name: 'Plain', phase: 2, overrides: { exportPriceMultiplier: 1.2 } });
    expect(scenarioToForm(whole as never).carried).toBeNull();
    const withPlant = parsed(stored);
    const form = scenarioToForm(withPlant as never);
    expect(carriedSummary(form.carried)).toEqual(carriedSummary(scenarioToForm(stored as never).carried));
    expect(parsed(formToScenario(form))).toEqual(withPlant);
  });

  it('carries nothing for a scenario the form shows whole', () => {
    const form = scenarioToForm({ name: 'Plain', phase: 2, policy: { domesticShare: 0.6 }, overrides: { exportPriceMultiplier: 1.2, nodes: { port_aktau: { closedMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] } } } });
    expect(form.carried).toBeNull();
  });

  it('keeps the carried settings in a link (all but an inline network, which a link never holds)', () => {
    const { network: _network, ...withoutNetwork } = stored;
    const form = scenarioToForm(withoutNetwork as never);
    const back = decodeState(encodeState({ ...EMPTY_STATE, scenario: formToScenario(form) }));
    expect(parsed(formToScenario(scenarioToForm(back.scenario)))).toEqual(parsed(withoutNetwork));
  });

  it('lists the carried settings in a short list, in English and Russian', () => {
    const form = scenarioToForm(stored as never);
    expect(carriedSummary(form.carried)).toEqual([
      'its own network',
      '3 markets',
      '1 plant',
      '1 competitor',
      '1 port or node',
      '1 leg',
      'exchange rates by year',
      'rail tariffs by railway',
      'given volumes',
      'import caps',
    ]);
    setLocale('ru');
    expect(carriedSummary(form.carried).slice(0, 3)).toEqual(['собственная сеть', 'рынков: 3', 'заводов: 1']);
    expect(carriedSummary(scenarioToForm({ name: 'x', phase: 2 }).carried)).toEqual([]);
  });

  it('drops the carried settings only when asked, keeping the description', () => {
    const form = scenarioToForm(stored as never);
    const dropped = dropCarried(form);
    expect(carriedSummary(dropped.carried)).toEqual([]);
    const scenario = parsed(formToScenario(dropped));
    expect(scenario.description).toBe('From the workbook');
    expect(scenario.network).toBeUndefined();
    expect(scenario.overrides.markets).toEqual({});
    expect(scenario.overrides.plants).toEqual({});
    expect(scenario.phase).toBe(2);
    expect(scenario.overrides.exportPriceMultiplier).toBe(1.1);
  });
});
