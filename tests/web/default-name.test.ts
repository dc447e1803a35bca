/**
 * The default scenario's name is in the page's language ("What-if", "Что если"): the form shows it,
 * a run or scenario saved unnamed stores it, and a default name in either language is no change in a
 * link (the page opening the link names the scenario in its own language). A stored scenario's own
 * name stays as it is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../web/src/i18n/index.ts';
import { messages as en } from '../../web/src/i18n/en.ts';
import { messages as ru } from '../../web/src/i18n/ru.ts';
import { DEFAULT_FORM, defaultForm, defaultScenarioName, formToScenario, isDefaultScenarioName, scenarioToForm } from '../../web/src/lib/scenario-form.ts';
import { decodeState, EMPTY_STATE, encodeState, scenarioLinkPatch } from '../../web/src/lib/url-state.ts';

afterEach(() => {
  setLocale('en');
});

/** The default scenario as the page builds it before it knows its language (app/state.ts). */
const ENGLISH_DEFAULT = formToScenario(DEFAULT_FORM);
/** The link a page writes for a form, as app/url-sync.ts does. */
const linkOf = (form: ReturnType<typeof defaultForm>) => encodeState({ ...EMPTY_STATE, scenario: (scenarioLinkPatch(formToScenario(form) as never, ENGLISH_DEFAULT as never) ?? null) as never });

describe('the default scenario name', () => {
  it('is the catalogue’s word in each language', () => {
    expect(en['What-if']).toBe('What-if');
    expect(ru['What-if']).toBe('Что если');
    setLocale('ru');
    expect(defaultScenarioName()).toBe(ru['What-if']);
  });

  it('the Russian form shows it, and an unnamed scenario is stored under it', () => {
    setLocale('ru');
    expect(defaultForm().name).toBe('Что если');
    expect(scenarioToForm(null).name).toBe('Что если');
    expect(scenarioToForm({ phase: 2 }).name).toBe('Что если');
    expect(formToScenario(defaultForm()).name).toBe('Что если');
    expect(formToScenario({ ...defaultForm(), name: '   ' }).name).toBe('Что если');
    setLocale('en');
    expect(scenarioToForm(null).name).toBe('What-if');
    expect(formToScenario({ ...defaultForm(), name: '' }).name).toBe('What-if');
  });

  it('a stored scenario keeps its own name in any language', () => {
    setLocale('ru');
    expect(scenarioToForm({ name: 'What-if' }).name).toBe('What-if');
    expect(scenarioToForm({ name: 'Экспорт +30 %' }).name).toBe('Экспорт +30 %');
  });

  it('is recognised as the default in either language, and nothing else is', () => {
    for (const name of ['What-if', 'Что если', ' Что если ']) expect(isDefaultScenarioName(name), name).toBe(true);
    for (const name of ['What-if 2', 'Что если бы', 'Phase 2 test', '']) expect(isDefaultScenarioName(name), name).toBe(false);
  });

  it('a link leaves a default name out in either language, and keeps a chosen one', () => {
    setLocale('ru');
    // The Russian page's untouched form: the link is as empty as the English page's.
    expect(linkOf(defaultForm())).toBe('');
    const changed = { ...defaultForm(), exportPriceMultiplier: 1.3 };
    expect(decodeState(linkOf(changed)).scenario).toEqual({ overrides: { exportPriceMultiplier: 1.3 } });
    expect(decodeState(linkOf({ ...changed, name: 'Экспорт +30 %' })).scenario).toEqual({ name: 'Экспорт +30 %', overrides: { exportPriceMultiplier: 1.3 } });
  });

  it('a Russian page’s link opened on the English page is named in English, and back', () => {
    setLocale('ru');
    const link = linkOf({ ...defaultForm(), domesticShare: 0.6 });
    setLocale('en');
    const english = scenarioToForm(decodeState(link).scenario);
    expect(english.name).toBe('What-if');
    expect(english.domesticShare).toBe(0.6);
    setLocale('ru');
    expect(scenarioToForm(decodeState(linkOf(english)).scenario).name).toBe('Что если');
  });
});
