/**
 * A plan through the pool as its JSON text (server/optimise.ts, optimiseWithJson): the text is the
 * one the pool thread validated and serialised, and the event loop parses it only when the plan is read.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { optimiseWithJson } from '../../server/optimise.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';

afterAll(() => shutdownSolverPool());
afterEach(() => vi.restoreAllMocks());

const base = loadDefaultNetwork();
const scenario = Scenario.parse({ name: 'Plan as text' });

describe('a plan through the pool with its JSON text', () => {
  it('parses the text only when the plan is read, once, into the plan the text describes', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const solved = await optimiseWithJson(scenario, base, {}, true);
    const json = solved.json;
    if (json === null) throw new Error('no JSON text for a plan that asked for it');
    const parsesOfThePlan = () => parse.mock.calls.filter(([text]) => text === json).length;
    expect(parsesOfThePlan()).toBe(0);
    const plan = solved.plan;
    expect(parsesOfThePlan()).toBe(1);
    expect(solved.plan).toBe(plan);
    expect(parsesOfThePlan()).toBe(1);
    expect(plan.status).toBe('optimal');
    expect(plan.scenarioName).toBe('Plan as text');
    expect(JSON.stringify(plan)).toBe(json);
  });

  it('without the text asked for, gives the plan object and no text', async () => {
    const solved = await optimiseWithJson(scenario, base, { flows: false }, false);
    expect(solved.json).toBeNull();
    expect(solved.plan.status).toBe('optimal');
    expect(solved.plan.flows.features).toEqual([]);
  });
});
