/**
 * A run of years on the page: the header names its years and phases, the period slider steps
 * through the years with the whole horizon at its start, the key figures say they are totals over
 * the years, and the scenario form keeps the horizon (so re-planning plans the same years).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { horizonHeader, kpiScope, periodSliderLabel, periodSliderName, phasesFromInputs, phaseWords, policyCostSpan } from '../../web/src/lib/horizon.ts';
import { monthFigures } from '../../web/src/lib/kpi.ts';
import { formToScenario, scenarioToForm } from '../../web/src/lib/scenario-form.ts';
import { decodeState, EMPTY_STATE, encodeState } from '../../web/src/lib/url-state.ts';

const stored = JSON.parse(readFileSync(new URL('../../data/scenarios/multi-year.json', import.meta.url), 'utf8'));
const YEARS = ['2027', '2028', '2029', '2030', '2031'];
const multiYear = { horizon: { kind: 'multi-year', periods: YEARS }, phase: 1 };
const annual = { horizon: { kind: 'annual', periods: ['2027'] }, phase: 1 };
const monthly = { horizon: { kind: 'monthly', periods: Array.from({ length: 12 }, (_, i) => `2027-${String(i + 1).padStart(2, '0')}`) }, phase: 1 };

/** The inputs of a plan as the page keeps them: the form's scenario without its name. */
const inputsOf = (scenario: unknown) => {
  const { name: _name, ...rest } = formToScenario(scenarioToForm(scenario as never));
  return JSON.stringify(rest);
};

afterEach(() => {
  setLocale('en');
});

describe('a run of years in the scenario form', () => {
  it('keeps the stored horizon, years and phase-2 year, so re-planning plans the same years', () => {
    const form = scenarioToForm(stored);
    expect(form.horizon).toBe('multi-year');
    expect([form.year, form.toYear, form.phase2FromYear]).toEqual([2027, 2031, 2029]);
    expect(formToScenario(form).horizon).toEqual({ kind: 'multi-year', fromYear: 2027, toYear: 2031, phase2FromYear: 2029 });
    const samePhase = scenarioToForm({ ...stored, horizon: { kind: 'multi-year', fromYear: 2028, toYear: 2030 } });
    expect(samePhase.phase2FromYear).toBeNull();
    expect(formToScenario(samePhase).horizon).toEqual({ kind: 'multi-year', fromYear: 2028, toYear: 2030 });
    // The page's link carries the run of years and the year on the slider.
    const link = encodeState({ ...EMPTY_STATE, scenario: formToScenario(form), period: 2 });
    const back = decodeState(link);
    expect(scenarioToForm(back.scenario)).toEqual(form);
    expect(back.period).toBe(2);
    // One year stays one year.
    expect(formToScenario(scenarioToForm({ name: 'One year', horizon: { kind: 'annual', year: 2029 } })).horizon).toEqual({ kind: 'annual', year: 2029 });
  });
});

describe('the horizon in words', () => {
  it('lays out the phase of each year as the engine does, from the inputs the plan was made from', () => {
    expect(phasesFromInputs(inputsOf(stored), multiYear)).toEqual([1, 1, 2, 2, 2]);
    expect(phasesFromInputs(inputsOf({ ...stored, horizon: { kind: 'multi-year', fromYear: 2027, toYear: 2031 }, phase: 2 }), { ...multiYear, phase: 2 })).toEqual([2, 2, 2, 2, 2]);
    // Inputs that do not fit the plan (other years, junk, none) say nothing.
    expect(phasesFromInputs(inputsOf({ ...stored, horizon: { kind: 'multi-year', fromYear: 2028, toYear: 2031 } }), multiYear)).toBeNull();
    expect(phasesFromInputs('{', multiYear)).toBeNull();
    expect(phasesFromInputs(null, multiYear)).toBeNull();
  });

  it('names the years and each phase with its years in the header', () => {
    expect(horizonHeader(multiYear, [1, 1, 2, 2, 2])).toBe(', multi-year 2027–2031, phase 1 2027–2028, phase 2 from 2029');
    expect(horizonHeader(multiYear, [1, 2, 2, 2, 2])).toBe(', multi-year 2027–2031, phase 1 in 2027, phase 2 from 2028');
    expect(horizonHeader(multiYear, [2, 2, 2, 2, 2])).toBe(', multi-year 2027–2031, phase 2');
    expect(horizonHeader(multiYear, null)).toBe(', multi-year 2027–2031, phase 1');
    expect(horizonHeader(annual, [1])).toBe(', annual, phase 1');
    expect(horizonHeader(monthly, null)).toBe(', monthly, phase 1');
    setLocale('ru');
    expect(horizonHeader(multiYear, [1, 1, 2, 2, 2])).toBe(', по годам, 2027–2031, очередь 1 в 2027–2028 годах, очередь 2 с 2029 года');
    expect(phaseWords(annual, null)).toBe('очередь 1');
  });

  it('names the slider for years, with the whole horizon at its start and each year with its phase', () => {
    const phases = [1, 1, 2, 2, 2];
    expect(periodSliderName(multiYear)).toBe('Year');
    expect(periodSliderLabel(multiYear, null, phases)).toBe('All years 2027–2031');
    expect(periodSliderLabel(multiYear, 2, phases)).toBe('2029, phase 2');
    expect(periodSliderLabel(multiYear, 2, [2, 2, 2, 2, 2])).toBe('2029');
    expect(periodSliderName(monthly)).toBe('Month');
    expect(periodSliderLabel(monthly, null, null)).toBe('Whole 2027');
    expect(periodSliderLabel(monthly, 2, null)).toBe('Mar 2027');
    setLocale('ru');
    expect(periodSliderName(multiYear)).toBe('Год');
    expect(periodSliderLabel(multiYear, null, phases)).toBe('Все годы 2027–2031');
    expect(periodSliderLabel(multiYear, 0, phases)).toBe('2027, очередь 1');
  });

  it('says the key figures are totals over the years, not one year', () => {
    expect(kpiScope(annual)).toBeNull();
    expect(kpiScope(monthly)!.whole).toBe('Key figures for the whole of 2027; pick a month on the map to see its tonnes.');
    expect(kpiScope(multiYear)!.whole).toBe('Key figures are totals over 2027–2031 (5 years), not one year’s; pick a year on the map to see its tonnes.');
    expect(kpiScope(multiYear)!.above).toBe('Key figures above: totals over 2027–2031.');
    expect(policyCostSpan(multiYear, 'USD 1.0 m')).toBe('USD 1.0 m over 2027–2031.');
    expect(policyCostSpan(annual, 'USD 1.0 m')).toBe('USD 1.0 m a year.');
    setLocale('ru');
    expect(kpiScope(multiYear)!.whole).toBe('Ключевые показатели — суммы за 2027–2031 гг. (лет: 5), а не за один год; выберите год на карте, чтобы увидеть его тонны.');
    expect(kpiScope(multiYear)!.above).toBe('Показатели выше — суммы за 2027–2031 гг.');
  });

  it("gives a year of the run its own tonnes, a part of the horizon's", () => {
    const plan = {
      horizon: multiYear.horizon,
      plants: [{ tonnesByPeriod: [1.3e6, 1.3e6, 2.5e6, 2.5e6, 2.5e6], tonnes: 10.1e6 }],
      markets: [
        { domestic: true, tonnesByPeriod: [0.7e6, 0.7e6, 1.3e6, 1.3e6, 1.3e6], tonnes: 5.3e6 },
        { domestic: false, tonnesByPeriod: [0.6e6, 0.6e6, 1.2e6, 1.2e6, 1.2e6], tonnes: 4.8e6 },
      ],
    } as unknown as Pick<Plan, 'horizon' | 'plants' | 'markets'>;
    expect(monthFigures(plan, 2)).toEqual({ productionTonnes: 2.5e6, domesticTonnes: 1.3e6, exportTonnes: 1.2e6, domesticShareOfSales: 1.3 / 2.5 });
    expect(monthFigures(plan, null)).toBeNull();
    expect(monthFigures(plan, 5)).toBeNull();
  });
});
