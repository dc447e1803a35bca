import { describe, expect, it } from 'vitest';
import { Plan } from '../../server/core/plan-schema.ts';
import { EXAMPLE_PLAN, EXAMPLE_SCENARIO } from '../../server/api/schemas.ts';
import { Scenario } from '../../server/core/schema.ts';
import { testApp } from './helpers.ts';

describe('the OpenAPI examples', () => {
  it('are valid against the schemas they document', () => {
    expect(Plan.safeParse(EXAMPLE_PLAN).success).toBe(true);
    expect(Scenario.safeParse(EXAMPLE_SCENARIO).success).toBe(true);
  });

  it('carry a plan example in the document for contract systems', async () => {
    const app = await testApp();
    try {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      expect(doc.components.schemas.Plan.examples[0].status).toBe('optimal');
      expect(doc.components.schemas.Plan.examples[0].kpis.productionTonnes).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
