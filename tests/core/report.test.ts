/**
 * The terminal report's header and solver line: a run of years whose phase changes names the years at
 * each phase, and a plan no solver ran says so instead of an empty engine and 0 variables.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stoppedPlan } from '../../server/core/pipeline.ts';
import { periodsOf } from '../../server/core/scenario.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { formatPlanReport } from '../../server/report.ts';

const scenarioFile = (name: string) => Scenario.parse(JSON.parse(readFileSync(`data/scenarios/${name}.json`, 'utf8')));
const network = loadDefaultNetwork();

describe('the terminal report', () => {
  it('names the years at each phase of a run of years with phase 2 from a later year', async () => {
    const scenario = scenarioFile('multi-year');
    const plan = await optimise(scenario, network);
    expect(plan.status).toBe('optimal');
    const report = formatPlanReport(plan, periodsOf(scenario.horizon, scenario.phase).map((p) => p.phase));
    expect(report.split('\n')[0]).toMatch(/horizon: multi-year \(2027…2031\) {3}phase 1 2027–2028, phase 2 2029–2031$/);
    // One phase throughout (an annual plan) reads as before.
    const annual = scenarioFile('phase2-annual');
    const annualPlan = await optimise(annual, network);
    expect(formatPlanReport(annualPlan, periodsOf(annual.horizon, annual.phase).map((p) => p.phase)).split('\n')[0]).toMatch(/ {3}phase 2$/);
    expect(report).toMatch(/\nSolver: \w+ \S*, \d+ variables, \d+ rows, build [\d.]+ ms/);
  });

  it('says no solver ran for a plan stopped before its model was solved', () => {
    const scenario = Scenario.parse({ name: 'stopped', horizon: { kind: 'monthly', year: 2027 } });
    const plan = stoppedPlan(scenario, network, 'timedout', 'The run reached its time limit of 10 ms and was stopped.', 512.5);
    const report = formatPlanReport(plan);
    expect(report).toContain('status: TIMEDOUT');
    expect(report).toContain('\nSolver: not run (no model was solved), total 512.5 ms\n');
    expect(report).not.toMatch(/Solver: none/);
  });

  it('in KZT: every sum in whole tenge, the columns name their unit, and the story is told in tenge too', async () => {
    const scenario = Scenario.parse({ ...JSON.parse(readFileSync('data/scenarios/clearing-phase1.json', 'utf8')), reportCurrency: 'KZT' });
    const plan = await optimise(scenario, network);
    expect(plan.status).toBe('optimal');
    const report = formatPlanReport(plan);
    expect(report).toMatch(/price KZT\/t +duty KZT\/t +logistics KZT\/t +netback KZT\/t/);
    // A domestic market's duty is 0 tenge, not "0.00".
    expect(report).toMatch(/\nAtyrau region +KZ +domestic +[\d.]+ kt +\d+ % +[\d,]+ +0 +[\d,]+ +[\d,]+/);
    const why = report.slice(report.indexOf('\nWHY\n'), report.indexOf('\nSolver:'));
    expect(why).not.toMatch(/USD/);
    const margin = Math.round(plan.kpis!.marginUsd * plan.kztPerUsd!);
    expect(why).toContain(`our margin at those prices is ${margin.toLocaleString('en-US')} KZT`);
  });
});
