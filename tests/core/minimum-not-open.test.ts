/**
 * A contracted minimum on a market that opens at a later phase than the plan's: the model cannot hold
 * it (the market takes nothing), and the plan says so instead of dropping it without a word.
 */
import { describe, expect, it } from 'vitest';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';

const network = loadDefaultNetwork();
const withSamaraMinimum = (phase: number) =>
  Scenario.parse({ name: 'Samara contract', phase, horizon: { kind: 'annual', year: 2029 }, overrides: { markets: { samara: { minTonnesPerYear: 200_000 } } } });

describe('a contracted minimum on a market not yet open', () => {
  it('is said in the plan at phase 1, where Samara is closed', async () => {
    const plan = await optimise(withSamaraMinimum(1), network);
    expect(plan.status).toBe('optimal');
    expect(plan.markets.find((m) => m.id === 'samara')?.tonnes ?? 0).toBe(0);
    expect(plan.whySentences).toContainEqual({ kind: 'minimum-not-open', subject: 'Samara region (RU, by rail)', minTonnesPerYear: 200_000, openFromPhase: 2, planPhase: 1 });
    expect(plan.why).toContain(
      'Samara region (RU, by rail): its contracted minimum of 200.0 kt/yr does not apply in this plan: the market opens at phase 2 and the plan runs at phase 1.',
    );
  });

  it('holds at phase 2, where Samara is open, and is not said', async () => {
    const plan = await optimise(withSamaraMinimum(2), network);
    expect(plan.status).toBe('optimal');
    expect(plan.markets.find((m) => m.id === 'samara')!.tonnes).toBeGreaterThanOrEqual(200_000 - 1e-6);
    expect(plan.whySentences!.some((s) => s.kind === 'minimum-not-open')).toBe(false);
  });
});
