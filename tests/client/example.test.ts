/**
 * The contract-planning example (client/examples/contract-planning.ts) against the real server
 * process: what it returns and prints is what the API itself answers for the same scenario and run.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_SCENARIO, main } from '../../client/examples/contract-planning.ts';
import { BUILD_TIMEOUT_MS, buildServer } from '../support/build.ts';
import { killAllServers, startServer } from '../support/server.ts';
import { sqlite } from '../support/stores.ts';

const PLANNER = 'client-example-planner-key';
const auth = { authorization: `Bearer ${PLANNER}`, 'content-type': 'application/json' };

interface ClearingMarket {
  id: string;
  name: string;
  ourTonnes: number;
  priceUsdPerTonne: number;
}
interface PlanJson {
  status: string;
  kpis: { marginUsd: number } | null;
  clearing: { markets: ClearingMarket[] } | null;
}

beforeAll(buildServer, BUILD_TIMEOUT_MS);
afterEach(killAllServers);

describe('client/examples/contract-planning.ts', () => {
  it('optimises in the clearing mode, stores an idempotent run, reads it back with its ETag and prints our tonnes and the clearing prices', async () => {
    const db = await sqlite.fresh();
    const server = await startServer({ env: { ...db.env, DATABASE_URL: '', API_KEYS: `planner:${PLANNER}` } });
    const lines: string[] = [];
    const result = await main({ baseUrl: server.base, apiKey: PLANNER, idempotencyKey: 'contract-test-1', print: (line) => lines.push(line) });

    // The run as the API serves it, with the same ETag; a 304 on If-None-Match.
    const runResponse = await fetch(`${server.base}/api/v1/runs/${result.runId}?flows=false`, { headers: auth });
    expect(runResponse.status).toBe(200);
    expect(result.etag).toBe(runResponse.headers.get('etag'));
    expect(result.etag).not.toBe('');
    expect(result.notModified).toBe(true);
    const run = (await runResponse.json()) as { scenarioId: string; scenario: { market: string }; plan: PlanJson };
    expect(run.scenarioId).toBe(result.scenarioId);
    expect(run.scenario.market).toBe('clearing');
    expect(run.plan.status).toBe('optimal');

    // Per market: our tonnes and the clearing price of the stored run, printed one line each.
    const clearing = run.plan.clearing!.markets;
    expect(clearing.length).toBeGreaterThan(0);
    expect(result.markets).toEqual(clearing.map((m) => ({ id: m.id, name: m.name, ourTonnes: m.ourTonnes, clearingPriceUsdPerTonne: m.priceUsdPerTonne })));
    expect(clearing.some((m) => m.ourTonnes > 0 && m.priceUsdPerTonne > 0)).toBe(true);
    for (const m of clearing) {
      const line = lines.find((l) => l.startsWith(m.name.padEnd(30)));
      expect(line, m.name).toBeDefined();
      expect(line).toContain(String(Math.round(m.ourTonnes)));
      expect(line).toContain(m.priceUsdPerTonne.toFixed(2));
    }

    // The one-off optimisation is the API's answer for the same scenario, and the run's plan.
    const optimiseResponse = await fetch(`${server.base}/api/v1/optimise?flows=false`, { method: 'POST', headers: auth, body: JSON.stringify(CONTRACT_SCENARIO) });
    expect(optimiseResponse.status).toBe(200);
    const plan = (await optimiseResponse.json()) as PlanJson;
    expect(result.optimised.status).toBe(plan.status);
    expect(result.optimised.marginUsd).toBeCloseTo(plan.kpis!.marginUsd, 0);
    expect(result.optimised.markets.map((m) => m.id)).toEqual(plan.clearing!.markets.map((m) => m.id));
    for (const [i, m] of result.optimised.markets.entries()) {
      expect(m.ourTonnes).toBeCloseTo(plan.clearing!.markets[i]!.ourTonnes, 0);
      expect(m.clearingPriceUsdPerTonne).toBeCloseTo(plan.clearing!.markets[i]!.priceUsdPerTonne, 2);
      expect(m.ourTonnes).toBeCloseTo(clearing[i]!.ourTonnes, 0);
    }

    // The retry was replayed: one scenario, one run stored, whatever the example retried.
    expect(result.replayed).toBe(true);
    const runs = (await (await fetch(`${server.base}/api/v1/scenarios/${result.scenarioId}/runs`, { headers: auth })).json()) as { items: { id: string }[]; total: number };
    expect(runs.items.map((r) => r.id)).toEqual([result.runId]);
    const scenarios = (await (await fetch(`${server.base}/api/v1/scenarios`, { headers: auth })).json()) as { total: number };
    expect(scenarios.total).toBe(1);

    // Run again with the same Idempotency-Keys (a retried job): the same scenario and run come back.
    const again = await main({ baseUrl: server.base, apiKey: PLANNER, idempotencyKey: 'contract-test-1', print: () => {} });
    expect([again.scenarioId, again.runId, again.etag]).toEqual([result.scenarioId, result.runId, result.etag]);
  });
});
