/**
 * A link to a stored scenario with a network of its own names that scenario (a link never carries a
 * network): the form opened from it knows where its network comes from, a link's form without that
 * network is not planned (networkPending) until the network is read, and the words for a scenario
 * that cannot be read say why, in the page's language.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../web/src/i18n/index.ts';
import type { ErrorReport } from '../../web/src/lib/api-errors.ts';
import { dropCarried, formToScenario, linkToForm, networkPending, scenarioToForm, storedScenarioToForm, withRunNetwork, withSavedScenario, withStoredNetwork, withUnnamedRunNetwork } from '../../web/src/lib/scenario-form.ts';
import { networkFromRunText, networkFromUnnamedRunText, storedNetworkChangedText, storedNetworkProblem } from '../../web/src/lib/stored-link.ts';
import { compactPatch, decodeState, EMPTY_STATE, encodeState } from '../../web/src/lib/url-state.ts';

const network = JSON.parse(readFileSync(new URL('../../data/network.json', import.meta.url), 'utf8'));
/** A network of the scenario's own: the shipped one with its first plant renamed (any change would do). */
const ownNetwork = { ...network, plants: network.plants.map((p: { name: string }, i: number) => (i === 0 ? { ...p, name: 'Own plant' } : p)) };
const stored = { name: 'Own network', phase: 2, overrides: { markets: { atyrau: { priceMultiplier: 1.5 } } }, network: ownNetwork };
const DEFAULT = formToScenario(scenarioToForm(null));

/** The link the page writes for a form (as app/url-sync.ts does: the network left out, the stored scenario named). */
function linkOf(form: ReturnType<typeof scenarioToForm>): string {
  const { network: _n, ...scenario } = formToScenario(form);
  const patch = compactPatch(scenario as never, DEFAULT as never);
  return encodeState({ ...EMPTY_STATE, scenario: (patch ?? null) as never, stored: form.stored });
}

describe('a stored scenario with its own network, through a link', () => {
  afterEach(() => setLocale('en'));

  it('is named by the link, and the link reopened with the stored record plans the same scenario', () => {
    const opened = storedScenarioToForm(stored, { id: 'scn_own', version: 4 });
    expect(opened.stored).toEqual({ id: 'scn_own', version: 4 });
    const hash = linkOf(opened);
    expect(hash).toContain('sc=scn_own');
    expect(hash).toContain('sv=4');
    // The link holds the scenario without its network (a few hundred bytes, not the network's JSON).
    const s = new URLSearchParams(hash.slice(1)).get('s')!;
    const raw = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))));
    expect(raw.network).toBeUndefined();
    expect(raw.overrides.markets).toEqual(stored.overrides.markets);

    // Reopened: the link's form names the scenario but has no network yet, and is not planned.
    const page = decodeState(hash);
    const linked = linkToForm(page.scenario, page.stored);
    expect(networkPending(linked)).toBe(true);
    expect(formToScenario(linked).network).toBeUndefined();

    // With the stored record read, it is the opened scenario again: the same scenario, network included.
    const { form, changed } = withStoredNetwork(linked, { id: 'scn_own', version: 4, scenario: stored });
    expect(changed).toBeNull();
    expect(networkPending(form)).toBe(false);
    expect(formToScenario(form)).toEqual(formToScenario(opened));
    expect(formToScenario(form).network).toEqual(ownNetwork);
    // And its own link is the same link.
    expect(linkOf(form)).toBe(hash);
  });

  it('keeps the planner’s form changes on top of the stored network', () => {
    const opened = storedScenarioToForm(stored, { id: 'scn_own', version: 4 });
    opened.domesticShare = 0.7;
    opened.name = 'Own network, 70 %';
    const page = decodeState(linkOf(opened));
    const { form } = withStoredNetwork(linkToForm(page.scenario, page.stored), { id: 'scn_own', version: 4, scenario: stored });
    const scenario = formToScenario(form);
    expect(scenario.policy?.domesticShare).toBe(0.7);
    expect(scenario.name).toBe('Own network, 70 %');
    expect(scenario.network).toEqual(ownNetwork);
  });

  it('says when the stored scenario has changed since the link, and plans it as it is now', () => {
    const linked = linkToForm({ name: 'Own network' }, { id: 'scn_own', version: 2 });
    const now = withStoredNetwork(linked, { id: 'scn_own', version: 5, scenario: stored });
    expect(now.changed).toEqual({ from: 2, to: 5 });
    expect(now.form.stored).toEqual({ id: 'scn_own', version: 5 });
    expect(storedNetworkChangedText('scn_own', 2, 5)).toBe('Stored scenario scn_own has changed since this link was made (version 2, now 5): the plan uses its network as it is now.');
    // A version the link did not know is no change to speak of.
    expect(withStoredNetwork(linkToForm(null, { id: 'scn_own', version: null }), { id: 'scn_own', version: 5, scenario: stored }).changed).toBeNull();
    // A stored scenario without a network (any more) plans on the default network and is named no more.
    const { network: _n, ...withoutNetwork } = stored;
    const plain = withStoredNetwork(linked, { id: 'scn_own', version: 6, scenario: withoutNetwork });
    expect(networkPending(plain.form)).toBe(false);
    expect(plain.form.stored).toBeNull();
    expect(linkOf(plain.form)).not.toContain('sc=');
  });

  it('names no stored scenario where the link alone reproduces it (no network of its own)', () => {
    const { network: _n, ...withoutNetwork } = stored;
    const form = storedScenarioToForm(withoutNetwork, { id: 'scn_plain', version: 1 });
    expect(form.stored).toBeNull();
    expect(linkOf(form)).not.toContain('sc=');
    expect(networkPending(form)).toBe(false);
  });

  it('drops the stored scenario with the settings it carries (the default network is then planned, on purpose)', () => {
    const pending = linkToForm({ name: 'Own network' }, { id: 'scn_gone', version: 1 });
    expect(networkPending(pending)).toBe(true);
    const dropped = dropCarried(pending);
    expect(networkPending(dropped)).toBe(false);
    expect(dropped.stored).toBeNull();
    expect(linkOf(dropped)).not.toContain('sc=');
    expect(dropCarried(storedScenarioToForm(stored, { id: 'scn_own', version: 1 })).stored).toBeNull();
  });

  it('says why the scenario cannot be read, and that nothing is planned in its place, in English and Russian', () => {
    const report = (status: number, code: string, summary = ''): ErrorReport => ({ status, code, summary, fields: [] });
    const cases: [ErrorReport, string, string][] = [
      [report(404, 'not_found'), 'which has been deleted.', 'но этот сценарий удалён.'],
      [report(401, 'unauthorized'), 'can be read only with an API key', 'только с API-ключом'],
      [report(403, 'forbidden'), 'which this API key may not read.', 'с этим API-ключом его читать нельзя.'],
      [report(0, 'network', 'The server cannot be reached'), 'the server cannot be reached.', 'сервер недоступен.'],
      [report(401, 'key_refused', 'The server does not accept this API key'), 'could not be read: The server does not accept this API key', 'прочитать его не удалось: The server does not accept this API key'],
      [report(500, 'internal', 'Internal error'), 'could not be read: Internal error', 'прочитать его не удалось: Internal error'],
    ];
    for (const [r, en, ru] of cases) {
      setLocale('en');
      const english = storedNetworkProblem('scn_gone', r);
      expect(english).toContain('stored scenario scn_gone');
      expect(english).toContain(en);
      expect(english).toContain('Nothing is planned on the default network in its place.');
      setLocale('ru');
      const russian = storedNetworkProblem('scn_gone', r);
      expect(russian).toContain('сохранённого сценария scn_gone');
      expect(russian).toContain(ru);
      expect(russian).toContain('на сети по умолчанию ничего не рассчитывается');
    }
  });

  it('takes the network from a linked run of the scenario when the scenario itself cannot be read', () => {
    const opened = storedScenarioToForm(stored, { id: 'scn_own', version: 4 });
    const page = decodeState(linkOf(opened));
    const linked = linkToForm(page.scenario, page.stored);
    expect(networkPending(linked)).toBe(true);
    // A run of that scenario at the link's version holds its network: the form is the opened scenario again.
    const run = { scenarioId: 'scn_own', scenarioVersion: 4, scenario: stored };
    const form = withRunNetwork(linked, run)!;
    expect(networkPending(form)).toBe(false);
    expect(formToScenario(form)).toEqual(formToScenario(opened));
    expect(form.stored).toEqual({ id: 'scn_own', version: 4 });
    expect(linkOf(form)).toBe(linkOf(opened));
    // Not from another scenario's run, another version's, a run without a network, or a form that waits for none.
    expect(withRunNetwork(linked, { ...run, scenarioId: 'scn_other' })).toBeNull();
    expect(withRunNetwork(linked, { ...run, scenarioVersion: 3 })).toBeNull();
    expect(withRunNetwork(linked, { ...run, scenario: { name: 'No network' } })).toBeNull();
    expect(withRunNetwork(opened, run)).toBeNull();
    // A link that names no version takes the run's.
    const unversioned = linkToForm(page.scenario, { id: 'scn_own', version: null });
    expect(withRunNetwork(unversioned, { ...run, scenarioVersion: 7 })?.stored).toEqual({ id: 'scn_own', version: 7 });
  });

  it('after a save, names the scenario just stored (the run’s), not the one the form was opened from', () => {
    const opened = storedScenarioToForm(stored, { id: 'scn_old', version: 2 });
    opened.domesticShare = 0.6;
    const saved = withSavedScenario(opened, { scenarioId: 'scn_new', scenarioVersion: 1 });
    expect(saved.stored).toEqual({ id: 'scn_new', version: 1 });
    // The same scenario, network included: only the name of where it is stored changed.
    expect(formToScenario(saved)).toEqual(formToScenario(opened));
    const hash = linkOf(saved);
    expect(new URLSearchParams(hash.slice(1)).get('sc')).toBe('scn_new');
    expect(new URLSearchParams(hash.slice(1)).get('sv')).toBe('1');
    // Reopened with the new scenario's record, or with its run if that scenario is gone, it is the saved form.
    const page = decodeState(hash);
    const linked = linkToForm(page.scenario, page.stored);
    expect(formToScenario(withStoredNetwork(linked, { id: 'scn_new', version: 1, scenario: formToScenario(saved) }).form)).toEqual(formToScenario(saved));
    expect(withRunNetwork(linked, { scenarioId: 'scn_new', scenarioVersion: 1, scenario: formToScenario(saved) })).not.toBeNull();
    // A form on the default network names no stored scenario after a save either.
    const { network: _n, ...withoutNetwork } = stored;
    expect(withSavedScenario(scenarioToForm(withoutNetwork), { scenarioId: 'scn_new', scenarioVersion: 1 }).stored).toBeNull();
  });

  it('takes the network of a linked run for an older link’s form that names no stored scenario', () => {
    // A link made before links named the stored scenario: the form without its network, and a run.
    const opened = storedScenarioToForm(stored, { id: 'scn_own', version: 4 });
    const page = decodeState(linkOf({ ...opened, stored: null }));
    expect(page.stored).toBeNull();
    const linked = linkToForm(page.scenario, page.stored);
    expect(networkPending(linked)).toBe(false);
    expect(formToScenario(linked).network).toBeUndefined();
    const run = { scenarioId: 'scn_own', scenarioVersion: 4, scenario: stored };
    // withRunNetwork stands in only for a stored scenario the link names.
    expect(withRunNetwork(linked, run)).toBeNull();
    const form = withUnnamedRunNetwork(linked, run)!;
    expect(formToScenario(form)).toEqual(formToScenario(opened));
    expect(formToScenario(form).network).toEqual(ownNetwork);
    // Its link now names the run's scenario, as a link to that run is made today.
    expect(form.stored).toEqual({ id: 'scn_own', version: 4 });
    expect(linkOf(form)).toBe(linkOf(opened));
    // Not from a run without a network, nor for a form that names a stored scenario or holds a network.
    expect(withUnnamedRunNetwork(linked, { ...run, scenario: { name: 'No network' } })).toBeNull();
    expect(withUnnamedRunNetwork(linkToForm(page.scenario, { id: 'scn_own', version: 4 }), run)).toBeNull();
    expect(withUnnamedRunNetwork(opened, run)).toBeNull();
    setLocale('en');
    expect(networkFromUnnamedRunText()).toBe('This link names no stored scenario for the run’s own network (an older link): the form plans on that network, as stored with the run.');
    setLocale('ru');
    expect(networkFromUnnamedRunText()).toBe('Эта ссылка старого вида не называет сохранённый сценарий, на собственной сети которого сделан расчёт: форма рассчитывается на этой сети, сохранённой вместе с расчётом.');
  });

  it('says the form plans on the network stored with the run, in English and Russian', () => {
    setLocale('en');
    expect(networkFromRunText('scn_gone', 'run_1')).toBe('Stored scenario scn_gone could not be read: the form plans on its network as stored with run run_1.');
    setLocale('ru');
    expect(networkFromRunText('scn_gone', 'run_1')).toBe('Сохранённый сценарий scn_gone прочитать не удалось: форма рассчитывается на его сети, сохранённой вместе с расчётом run_1.');
  });
});
