/**
 * A model build asked to stop (`shouldStop`, the run's deadline or a cancellation) ends between its
 * steps, and the pipeline answers the stopped plan a run stopped from outside carries (`timedout`,
 * engine `none`, the same inputs hash), having solved nothing. Unasked, the build is the same model.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, ModelBuildStopped } from '../../server/core/model.ts';
import { networkForScenario, runPipeline, stoppedPlan } from '../../server/core/pipeline.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import type { SolveFn } from '../../server/core/pipeline.ts';

const network = loadDefaultNetwork();
const scenario = Scenario.parse({ name: 'Stopped build', phase: 1, horizon: { kind: 'monthly' } });

describe('a model build told to stop', () => {
  it('asks between its steps and throws ModelBuildStopped at the first true', () => {
    const effective = networkForScenario(scenario, network);
    let asked = 0;
    buildModel(effective, scenario, {
      shouldStop: () => {
        asked++;
        return false;
      },
    });
    // Twelve monthly periods' variables and the constraint families: many steps.
    expect(asked).toBeGreaterThan(12);
    for (const stopAt of [0, 5, asked - 1]) {
      let n = 0;
      expect(() => buildModel(effective, scenario, { shouldStop: () => n++ >= stopAt })).toThrow(ModelBuildStopped);
      expect(n).toBe(stopAt + 1);
    }
  });

  it('builds the same model when it is never told to stop', () => {
    const effective = networkForScenario(scenario, network);
    expect(buildModel(effective, scenario, { shouldStop: () => false }).model).toEqual(buildModel(effective, scenario).model);
  });

  it('makes the pipeline answer a timedout plan, nothing solved, with the stopped plan inputs hash', async () => {
    let solves = 0;
    const solve: SolveFn = async () => {
      solves++;
      throw new Error('nothing should be solved');
    };
    let n = 0;
    const plan = await runPipeline(scenario, network, solve, { shouldStop: () => n++ >= 3 });
    expect(solves).toBe(0);
    expect(plan.status).toBe('timedout');
    expect(plan.solver.engine).toBe('none');
    expect(plan.message).toMatch(/time limit/);
    expect(plan.inputsHash).toBe(stoppedPlan(scenario, network, 'timedout', '', 0).inputsHash);
  });
});
