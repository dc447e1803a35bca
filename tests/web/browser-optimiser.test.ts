/**
 * The live what-if solves in the page with the same pipeline; the server's plan stays the reference.
 * Same inputs must give the same numbers, and the browser bundle must keep Node out of it.
 */
import { describe, expect, it } from 'vitest';
import { optimise } from '../../server/optimise.ts';
import { optimiseInBrowser } from '../../server/core/optimise-browser.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { DEFAULT_FORM, formToScenario } from '../../web/src/lib/scenario-form.ts';

const network = loadDefaultNetwork();

const cases = [
  { label: 'the default what-if', form: DEFAULT_FORM },
  { label: 'an 80 % domestic rule', form: { ...DEFAULT_FORM, domesticShare: 0.8 } },
  { label: 'export prices up 30 %', form: { ...DEFAULT_FORM, exportPriceMultiplier: 1.3 } },
  { label: 'freight 1.5 ×', form: { ...DEFAULT_FORM, freightMultiplier: 1.5 } },
];

describe('the browser plan matches the server plan for the same inputs', () => {
  for (const { label, form } of cases) {
    it(label, async () => {
      const scenario = Scenario.parse({ ...formToScenario(form), engine: 'jsLpSolver' });
      const [server, browser] = await Promise.all([optimise(scenario, network, { inProcess: true }), optimiseInBrowser(scenario, network)]);
      expect(browser.status).toBe(server.status);
      expect(browser.objectiveValue!).toBeCloseTo(server.objectiveValue!, 2);
      const k = server.kpis!;
      const kb = browser.kpis!;
      expect(kb.marginUsd).toBeCloseTo(k.marginUsd, 0);
      expect(kb.domesticShare).toBeCloseTo(k.domesticShare, 6);
      expect(kb.exportTonnes).toBeCloseTo(k.exportTonnes, 0);
      for (const m of server.markets) {
        expect(browser.markets.find((x) => x.id === m.id)!.tonnes).toBeCloseTo(m.tonnes, 0);
      }
    });
  }

  it('the server engine of choice (auto) agrees on the margin too', async () => {
    const scenario = Scenario.parse(formToScenario({ ...DEFAULT_FORM, domesticShare: 0.7 }));
    const [server, browser] = await Promise.all([optimise(scenario, network, { inProcess: true }), optimiseInBrowser(scenario, network)]);
    expect(browser.kpis!.marginUsd).toBeCloseTo(server.kpis!.marginUsd, 0);
  });
});
