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
      // Every example has the properties its schema requires (the stored Scenario requires every defaulted field).
      const schemas = doc.components.schemas as Record<string, { required?: string[]; examples?: Record<string, unknown>[] }>;
      const withExamples = Object.entries(schemas).filter(([, schema]) => schema.examples?.length);
      expect(withExamples.map(([name]) => name)).toEqual(expect.arrayContaining(['Scenario', 'ScenarioInput', 'Plan']));
      for (const [name, schema] of withExamples) {
        for (const example of schema.examples!) expect((schema.required ?? []).filter((key) => !(key in example)), name).toEqual([]);
      }
    } finally {
      await app.close();
    }
  });

  it('documents what every route may answer besides its own: 431, 500 and 503 everywhere, 429 where it solves, and the real content types', async () => {
    const app = await testApp();
    try {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const paths = doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: { content: Record<string, unknown> } }>>;
      const api = Object.entries(paths).filter(([path]) => path.startsWith('/api/v1/'));
      expect(api.length).toBeGreaterThan(20);
      for (const [path, methods] of api) {
        for (const [method, op] of Object.entries(methods)) {
          for (const code of ['431', '500', '503']) expect(op.responses, `${method} ${path} ${code}`).toHaveProperty(code);
          if (path.includes('{')) expect(op.responses, `${method} ${path} 400`).toHaveProperty('400');
          if (method === 'post' || method === 'put') for (const code of ['400', '413', '415']) expect(op.responses, `${method} ${path} ${code}`).toHaveProperty(code);
        }
      }
      for (const path of ['/api/v1/optimise', '/api/v1/scenarios/{id}/runs', '/api/v1/analysis/sensitivity', '/api/v1/analysis/phasing', '/api/v1/analysis/contracts', '/api/v1/analysis/sweeps', '/api/v1/analysis/montecarlo']) {
        expect(paths[path]!.post!.responses, path).toHaveProperty('429');
      }
      expect(Object.keys(paths['/api/v1/network.xlsx']!.get!.responses['200']!.content!)).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
      expect(Object.keys(paths['/api/v1/analysis/jobs/{id}/events']!.get!.responses['200']!.content!)).toEqual(['text/event-stream']);
      expect(Object.keys(paths['/api/v1/analysis/jobs/{id}/result.csv']!.get!.responses['200']!.content!)).toEqual(['text/csv']);
      expect(Object.keys(paths['/api/v1/network.geojson']!.get!.responses['200']!.content!)).toEqual(['application/geo+json']);
      expect(paths['/api/v1/network']!.get!.responses).toHaveProperty('304');
      expect(Object.keys(paths['/api/v1/scenarios/from-workbook']!.post!.requestBody!.content)).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    } finally {
      await app.close();
    }
  });
});
