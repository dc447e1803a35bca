/** GET /api/v1/backtest: the back-test as JSON for the map, computed once per process. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BacktestResultSchema } from '../../server/backtest/result-schema.ts';
import type { ModelServices } from '../../server/api/solve.ts';
import { asViewer, loadRealModel, testApp } from '../api/helpers.ts';

let app: FastifyInstance;
let solves = 0;

beforeAll(async () => {
  const real = await loadRealModel();
  const counting: ModelServices = {
    ...real,
    optimise: (scenario, network, options) => {
      solves++;
      return real.optimise(scenario, network, options);
    },
  };
  app = await testApp({ model: counting });
});
afterAll(async () => {
  await app.close();
});

describe('GET /api/v1/backtest', () => {
  it('answers with the back-test of 2025 on the 2024 calibration, solving it once for every request', async () => {
    const first = await app.inject({ method: 'GET', url: '/api/v1/backtest', headers: asViewer });
    expect(first.statusCode).toBe(200);
    const body = BacktestResultSchema.parse(first.json());
    expect(body).toMatchObject({ calibratedOn: 2024, year: 2025 });
    expect(body.rows.map((r) => r.kind)).toContain('west-net-imports');
    expect(body.targets).toHaveLength(6);
    const second = await app.inject({ method: 'GET', url: '/api/v1/backtest', headers: asViewer });
    expect(second.json()).toEqual(first.json());
    expect(solves).toBe(1);
  });

  it('takes no parameters: a year or a mode in the query string is a 400 naming it, not the 2025 result', async () => {
    const before = solves;
    for (const query of ['year=2024', 'market=price-taker', 'year=abc&market=clearing']) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/backtest?${query}`, headers: asViewer });
      expect(res.statusCode, query).toBe(400);
      expect(JSON.stringify(res.json().error), query).toContain(query.split('=')[0]!);
    }
    expect(solves).toBe(before);
  });

  it('needs a key', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/backtest' });
    expect(res.statusCode).toBe(401);
  });

  it('is 404 when the network has no calibration', async () => {
    const real = await loadRealModel();
    const { calibration: _c, ...uncalibrated } = real.loadDefaultNetwork();
    const bare = await testApp({ network: uncalibrated });
    try {
      const res = await bare.inject({ method: 'GET', url: '/api/v1/backtest', headers: asViewer });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringMatching(/no calibration/) } });
    } finally {
      await bare.close();
    }
  });
});

describe('npm run backtest', () => {
  it('refuses a year, a mode or a stray argument with its usage (exit 2) instead of printing 2025', async () => {
    const { execFile } = await import('node:child_process');
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        execFile(process.execPath, ['--import', 'tsx', 'server/backtest/cli.ts', ...args], { cwd: new URL('../../', import.meta.url), encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) =>
          done({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
        );
      });
    for (const args of [['--year', '2024'], ['--market', 'price-taker'], ['2025'], ['--out', ''], ['calibrate', '--json']]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(/usage: npm run backtest/);
    }
  });
});
