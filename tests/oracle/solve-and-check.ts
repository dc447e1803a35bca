/** A plan through the whole pipeline, checked independently and against GLPK's objective. */
import { expect } from 'vitest';
import { buildModel } from '../../server/core/model.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import type { Plan } from '../../server/core/plan-schema.ts';
import type { Network, Scenario } from '../../server/core/schema.ts';
import { optimise } from '../../server/optimise.ts';
import { checkPlan } from './check-plan.ts';
import { solveWithGlpk } from './glpk.ts';

/** Solves, passes the independent checker, and agrees with GLPK on the objective. */
export async function solveAndCheck(net: Network, s: Scenario): Promise<Plan> {
  const plan = await optimise(s, net);
  expect(plan.status).toBe('optimal');
  expect(checkPlan(plan, s, net).violations).toEqual([]);
  const oracle = await solveWithGlpk(buildModel(networkForScenario(s, net), s).model);
  expect(oracle.status).toBe('optimal');
  if (oracle.status === 'optimal') expect(oracle.objective).toBeCloseTo(plan.objectiveValue!, 4);
  return plan;
}
