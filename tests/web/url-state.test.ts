import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS } from '../../web/src/lib/style.ts';
import { DEFAULT_FORM, formToScenario, scenarioToForm } from '../../web/src/lib/scenario-form.ts';
import { compactPatch, decodeState, EMPTY_STATE, encodeState, type PageState } from '../../web/src/lib/url-state.ts';

describe('a link reopens the same scenario and view', () => {
  const state: PageState = {
    scenario: { name: 'High export prices', phase: 2, policy: { domesticShare: 0.6, basis: 'production' }, overrides: { exportPriceMultiplier: 1.25 } },
    stored: { id: 'scn_Own-net_01', version: 3 },
    view: { lat: 45.1234, lng: 52.9876, zoom: 5.25 },
    period: 6,
    filters: { modes: { rail: true, road: false, sea: true }, domestic: true, export: false, competitors: false, hiddenCompetitors: ['aktobe_cem', 'caspi_cement'] },
    runId: 'run_abc123',
    compare: ['run_a', 'run_b'],
    tiles: true,
    currency: 'KZT',
    backtest: true,
    lang: 'ru',
  };

  it('round-trips every part of the state', () => {
    expect(decodeState(encodeState(state))).toEqual(state);
  });

  it('writes nothing for the default state and reads defaults from an empty hash', () => {
    expect(encodeState(EMPTY_STATE)).toBe('');
    expect(decodeState('')).toEqual(EMPTY_STATE);
  });

  it('keeps the language, and drops a language code it cannot trust', () => {
    expect(encodeState({ ...EMPTY_STATE, lang: 'ru' })).toBe('#lang=ru');
    expect(decodeState('#lang=ru').lang).toBe('ru');
    expect(decodeState('#lang=kk').lang).toBe('kk');
    expect(decodeState('#lang=en').lang).toBeNull();
    expect(decodeState('#lang=<script>').lang).toBeNull();
  });

  it('keeps the view readable in the hash', () => {
    expect(encodeState({ ...EMPTY_STATE, view: { lat: 45.5, lng: 61.94491, zoom: 5 } })).toBe('#v=5/45.5/61.9449');
  });

  it('survives non-ASCII scenario names', () => {
    const s = { ...EMPTY_STATE, scenario: { name: 'Ақтөбе — экспорт 50 %' } };
    expect(decodeState(encodeState(s)).scenario).toEqual(s.scenario);
  });

  it('drops what it cannot trust and keeps the rest', () => {
    const decoded = decodeState('#s=not-base64!!&v=99/0/0&p=x&hide=road,bogus&run=../etc&tiles=1');
    expect(decoded.scenario).toBeNull();
    expect(decoded.view).toBeNull();
    expect(decoded.period).toBeNull();
    expect(decoded.filters.modes.road).toBe(false);
    expect(decoded.runId).toBeNull();
    expect(decoded.tiles).toBe(true);
  });

  it('refuses a scenario the shared schema rejects, and never takes a network from a link', () => {
    const bad = { ...EMPTY_STATE, scenario: { name: 'x', policy: { domesticShare: 7 } } };
    expect(decodeState(encodeState(bad as PageState)).scenario).toBeNull();
    const withNetwork = { ...EMPTY_STATE, scenario: { name: 'x', network: { name: 'evil' } } };
    expect(decodeState(encodeState(withNetwork as unknown as PageState)).scenario).toEqual({ name: 'x' });
  });

  it('names the stored scenario whose network the scenario plans on, with its version', () => {
    const hash = encodeState({ ...EMPTY_STATE, scenario: { name: 'Own network' }, stored: { id: 'scn_42', version: 7 } });
    expect(new URLSearchParams(hash.slice(1)).get('sc')).toBe('scn_42');
    expect(new URLSearchParams(hash.slice(1)).get('sv')).toBe('7');
    expect(decodeState(hash).stored).toEqual({ id: 'scn_42', version: 7 });
    // A version not known (a hand-made link) is left out, and read as not known.
    const noVersion = encodeState({ ...EMPTY_STATE, stored: { id: 'scn_42', version: null } });
    expect(noVersion).toBe('#sc=scn_42');
    expect(decodeState(noVersion).stored).toEqual({ id: 'scn_42', version: null });
  });

  it('reads a link made before stored scenarios were named as on the default network', () => {
    // A link of the earlier page: the scenario patch alone, no sc/sv.
    const old = `#s=${btoa(JSON.stringify({ name: 'Old link', phase: 2 })).replace(/=+$/, '')}&v=5/45.5/61.9&run=run_1`;
    const decoded = decodeState(old);
    expect(decoded.stored).toBeNull();
    expect(decoded.scenario).toEqual({ name: 'Old link', phase: 2 });
    expect(decoded.runId).toBe('run_1');
    expect(encodeState(decoded)).not.toContain('sc=');
  });

  it('drops a stored scenario id or version it cannot trust, and a version without its scenario', () => {
    expect(decodeState('#sc=../etc/passwd&sv=2').stored).toBeNull();
    expect(decodeState('#sc=&sv=2').stored).toBeNull();
    expect(decodeState('#sv=2').stored).toBeNull();
    expect(decodeState(`#sc=${'a'.repeat(101)}`).stored).toBeNull();
    for (const sv of ['0', '-1', '1.5', 'x', '01', '1e3', '9999999999']) {
      expect(decodeState(`#sc=scn_1&sv=${sv}`).stored, sv).toEqual({ id: 'scn_1', version: null });
    }
    // Nothing untrusted is written either.
    expect(encodeState({ ...EMPTY_STATE, stored: { id: 'a b', version: 1 } })).toBe('');
    expect(encodeState({ ...EMPTY_STATE, stored: { id: 'scn_1', version: -4 } })).toBe('#sc=scn_1');
  });

  it('never throws on any hash', () => {
    fc.assert(
      fc.property(fc.string(), (hash) => {
        const s = decodeState(hash);
        return s.filters !== undefined && (s.view === null || Number.isFinite(s.view.zoom)) && (s.stored === null || /^[A-Za-z0-9_-]+$/.test(s.stored.id));
      }),
    );
  });

  it('keeps filters independent of the defaults object', () => {
    const s = decodeState('#hide=rail');
    expect(s.filters.modes.rail).toBe(false);
    expect(DEFAULT_FILTERS.modes.rail).toBe(true);
  });
});

describe('the scenario form', () => {
  it('carries only what the planner changed in a link', () => {
    const base = formToScenario(DEFAULT_FORM);
    const changed = formToScenario({ ...DEFAULT_FORM, exportPriceMultiplier: 1.3, horizon: 'monthly' });
    expect(compactPatch(changed as never, base as never)).toEqual({
      horizon: { kind: 'monthly', year: 2027 },
      overrides: { exportPriceMultiplier: 1.3 },
    });
    expect(compactPatch(base as never, base as never)).toBeUndefined();
  });

  it('turns form values into a scenario and back', () => {
    const form = structuredClone(DEFAULT_FORM);
    form.domesticShare = 0.8;
    form.basis = 'production';
    form.exportCapTonnesPerYear = 300_000;
    form.freightByMode.sea = 1.5;
    form.nodes.port_aktau = { capacityTonnesPerYear: 500_000, closed: false };
    form.legs.sea_aktau_astrakhan = { capacityTonnesPerYear: null, closed: true };
    const scenario = formToScenario(form);
    expect(scenario.policy).toEqual({ domesticShare: 0.8, basis: 'production', exportCapTonnesPerYear: 300_000 });
    expect(scenario.overrides?.freightMultiplierByMode).toEqual({ sea: 1.5 });
    expect(scenario.overrides?.legs?.sea_aktau_astrakhan?.closedMonths).toHaveLength(12);
    expect(scenarioToForm(scenario)).toEqual(form);
  });

  it('leaves untouched capacity rows out of the scenario', () => {
    const form = structuredClone(DEFAULT_FORM);
    form.nodes.port_kuryk = { capacityTonnesPerYear: null, closed: false };
    expect(formToScenario(form).overrides?.nodes).toEqual({});
  });
});

describe('the clearing mode, the currency and the backtest in a link', () => {
  it('keeps the market mode in the scenario and reads it back', () => {
    const base = formToScenario(DEFAULT_FORM);
    const clearing = formToScenario({ ...DEFAULT_FORM, market: 'clearing' });
    expect(clearing.market).toBe('clearing');
    expect(compactPatch(clearing as never, base as never)).toEqual({ market: 'clearing' });
    expect(scenarioToForm({ name: 'x', market: 'clearing' }).market).toBe('clearing');
    expect(scenarioToForm(null).market).toBe('price-taker');
  });

  it('writes the currency, the competitor filters and the backtest only when they differ from the defaults', () => {
    expect(encodeState({ ...EMPTY_STATE, currency: 'KZT' })).toBe('#cur=KZT');
    expect(encodeState({ ...EMPTY_STATE, backtest: true })).toBe('#bt=1');
    expect(encodeState({ ...EMPTY_STATE, filters: { ...DEFAULT_FILTERS, competitors: false, hiddenCompetitors: ['caspi_cement'] } })).toBe('#hide=competitors&hc=caspi_cement');
    expect(decodeState('#cur=EUR').currency).toBe('USD');
    expect(decodeState('#hc=aktobe_cem,../x,aktobe_cem').filters.hiddenCompetitors).toEqual(['aktobe_cem']);
    expect(DEFAULT_FILTERS.hiddenCompetitors).toEqual([]);
  });
});
