/**
 * The analyses answered in the request take a market-clearing scenario through the API as the docs
 * say (docs/market-clearing.md, "Analyses on the clearing mode"): each shipped clearing scenario is a
 * 200 whose answer passes its schema, never a 500. The alternatives' answer was a 500 for every
 * clearing scenario: its plans' margins were NaN (no clearing prices to value them at). The contracts
 * analysis (a mixed-integer choice) is the exception: a 422 that names the price-taker mode.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alternatives, ContractsReport, SensitivityReport } from '../../server/core/analysis-schema.ts';
import { asPlanner, asViewer, testApp } from './helpers.ts';

const scenarioFile = (f: string) => JSON.parse(readFileSync(new URL(`../../data/scenarios/${f}`, import.meta.url), 'utf8'));

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp({ rateLimit: false });
});
afterAll(async () => {
  await app.close();
});

describe('analyses of a clearing scenario through the API', () => {
  for (const file of ['clearing-phase1.json', 'clearing-phase2.json', 'competitor-entry.json']) {
    it(`alternatives of ${file}: a 200 that holds the welfare, with our margin in every plan`, async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/alternatives', headers: asViewer, payload: { scenario: scenarioFile(file), tolerance: 0.01 } });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const alt = Alternatives.parse(res.json());
      expect(alt.held).toBe('welfare');
      expect(alt.floorMarginUsd).toBeNull();
      expect(alt.floorWelfareUsd!).toBeLessThan(alt.bestWelfareUsd!);
      expect(alt.plans.length).toBeGreaterThan(0);
    });
  }

  it('sensitivity of clearing-phase1: a 200', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/sensitivity', headers: asPlanner, payload: { scenario: scenarioFile('clearing-phase1.json'), curvePoints: 2 } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(SensitivityReport.parse(res.json()).parameters.length).toBeGreaterThan(0);
  });

  it('contracts refuse a clearing scenario, with or without mixed-integer options, naming the mode to set', async () => {
    // The analysis turns `mip.contracts` on itself: the refusal was "switch the mixed-integer options
    // off", options the caller never set.
    const clearing = scenarioFile('clearing-phase2.json');
    expect(clearing.mip).toBeUndefined();
    for (const scenario of [clearing, { ...clearing, mip: { contracts: true } }, { ...clearing, mip: { seaLots: true } }]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/contracts', headers: asPlanner, payload: { scenario } });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(422);
      const error = res.json().error;
      expect(error.code).toBe('unprocessable_model');
      expect(error.message).toContain('the contracts analysis works in the price-taker mode only');
      expect(error.message).toContain('set "market": "price-taker"');
      expect(res.body).not.toContain('switch the mixed-integer options off');
    }
    // The same scenario in the price-taker mode is weighed.
    const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/contracts', headers: asPlanner, payload: { scenario: { ...clearing, market: 'price-taker' } } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(ContractsReport.parse(res.json()).status).toBe('optimal');
  });

  it('contracts of the price-taker contracts scenario: a 200 with its decisions', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/contracts', headers: asPlanner, payload: { scenario: scenarioFile('contracts-mip.json') } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(ContractsReport.parse(res.json()).contracts.length).toBeGreaterThan(0);
  });

  it('a price-taker scenario still holds the margin', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/alternatives', headers: asViewer, payload: { scenario: scenarioFile('phase1-annual.json') } });
    expect(res.statusCode).toBe(200);
    const alt = Alternatives.parse(res.json());
    expect(alt.held).toBe('margin');
    expect(alt.bestWelfareUsd).toBeNull();
    expect(alt.floorMarginUsd!).toBeLessThan(alt.bestMarginUsd);
  });
});
