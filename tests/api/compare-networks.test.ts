/**
 * A comparison tells when two runs on the default network were planned on different versions of it
 * (a data release between them): a run records the version its plan was made on, and a server
 * started with newer data, on the same store, compares an older run with a new one of the same
 * scenario version and says so. Runs whose networks differ only in citations or labels are not
 * called different.
 */
import { describe, expect, it } from 'vitest';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { openSqliteStore } from '../../server/store/sqlite.ts';
import { asPlanner, SCENARIO, testApp } from './helpers.ts';

describe('runs on the default network across a data release', () => {
  it('a comparison of a run before the release with one after it names both versions; two runs on one version get no note', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const before = await testApp({ store });
    const shipped = loadDefaultNetwork();
    const released = { ...shipped, version: `${shipped.version}-next`, plants: shipped.plants.map((p, i) => (i === 0 ? { ...p, variableCostUsdPerTonne: p.variableCostUsdPerTonne + 3 } : p)) };
    const after = await testApp({ store, network: released });
    try {
      const scenarioId = (await before.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id;
      const runOld = (await before.inject({ method: 'POST', url: `/api/v1/scenarios/${scenarioId}/runs`, headers: asPlanner })).json();
      const runOld2 = (await before.inject({ method: 'POST', url: `/api/v1/scenarios/${scenarioId}/runs`, headers: asPlanner })).json();
      const runNew = (await after.inject({ method: 'POST', url: `/api/v1/scenarios/${scenarioId}/runs`, headers: asPlanner })).json();
      expect(runOld.plan.networkVersion).toBe(shipped.version);
      expect(runNew.plan.networkVersion).toBe(released.version);
      expect(runNew.scenarioVersion).toBe(runOld.scenarioVersion);
      const cmp = (await after.inject({ method: 'GET', url: `/api/v1/compare?runs=${runOld.id},${runNew.id}`, headers: asPlanner })).json();
      expect(cmp.kpis.find((k: { key: string }) => k.key === 'productionCostUsd').delta).toBeGreaterThan(0);
      expect(cmp.notes).toEqual([expect.stringContaining(`different versions of the default network (${shipped.version} and ${released.version})`)]);
      const same = (await after.inject({ method: 'GET', url: `/api/v1/compare?runs=${runOld.id},${runOld2.id}`, headers: asPlanner })).json();
      expect(same.notes).toEqual([]);
    } finally {
      await after.close();
      await before.close();
    }
  });

  it('two networks of their own that differ only in citations deeper down, the name or the version are the same network', async () => {
    const app = await testApp();
    try {
      const network = (await app.inject({ method: 'GET', url: '/api/v1/network', headers: asPlanner })).json();
      const demandAt = network.markets.findIndex((m: { demand?: unknown }) => m.demand);
      const recited = structuredClone(network);
      recited.markets[demandAt].demand.sources = { blocks: 'ESTIMATE: another citation' };
      recited.borderFrictions[0].sources = { cost: 'another citation' };
      recited.name = `${network.name} (copy)`;
      recited.version = 'copy-1';
      // The same scenario (its name is an input too), once with each network.
      const runOf = async (own: object) => {
        const id = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: { ...SCENARIO, network: own } })).json().id;
        return (await app.inject({ method: 'POST', url: `/api/v1/scenarios/${id}/runs`, headers: asPlanner })).json();
      };
      const a = await runOf(network);
      const b = await runOf(recited);
      expect(b.plan.inputsHash).toBe(a.plan.inputsHash);
      expect((await app.inject({ method: 'GET', url: `/api/v1/compare?runs=${a.id},${b.id}`, headers: asPlanner })).json().notes).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
