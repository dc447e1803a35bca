/**
 * A scenario's time limit bounds the whole plan in-process too (the library's `optimise(…, {
 * inProcess: true })` and the page's `optimiseInBrowser`), as it does in the pool: a monthly
 * clearing plan, whose model alone takes far longer to build than 10 ms, comes back `timedout`
 * instead of solved seconds past its limit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optimiseInBrowser } from '../../server/core/optimise-browser.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';

const network = loadDefaultNetwork();
const monthlyClearing = (engine: 'highs' | 'jsLpSolver') =>
  Scenario.parse({ ...JSON.parse(readFileSync('data/scenarios/monthly-ice.json', 'utf8')), market: 'clearing', engine, timeLimitMs: 10 });

describe('the time limit in-process', () => {
  it('stops the library’s in-process plan', async () => {
    const plan = await optimise(monthlyClearing('highs'), network, { inProcess: true });
    expect(plan.status).toBe('timedout');
    expect(plan.kpis).toBeNull();
    // Stopped while its model was built: no solve was started past the limit.
    expect(plan.solver.engine).toBe('none');
    expect(plan.message).toMatch(/time limit .*while its model was built/);
  });

  it('stops the page’s optimiser before its javascript-lp-solver solve', async () => {
    const plan = await optimiseInBrowser(monthlyClearing('jsLpSolver'), network);
    expect(plan.status).toBe('timedout');
    expect(plan.solver.engine).toBe('none');
  });
});
