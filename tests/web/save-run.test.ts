/**
 * "Save as stored run" when the run is refused: a refusal that passes (429, 503) keeps the stored
 * scenario so the next save runs it without a second copy, and says to save again; a scenario
 * deleted meanwhile (404) is forgotten and stored again; a model the server cannot build (422) says
 * what was refused and never "save again to run it".
 */
import { describe, expect, it } from 'vitest';
import type { Result, StoredRun } from '../../web/src/api.ts';
import { errorReport } from '../../web/src/lib/api-errors.ts';
import { saveOutcomeText, storeAndRun, type SaveCalls, type StoredNotRun } from '../../web/src/lib/save-run.ts';
import { makeFixturePlan } from './fixtures/plan-fixture.ts';

const scenario = { name: 'Cheap plant', overrides: { plants: { plant_baiganin: { variableCostUsdPerTonne: 10 } } } };
const INPUTS = JSON.stringify(scenario.overrides);

/** A server of stored scenarios: each run answers as `runAnswer` says for that scenario. */
function server(runAnswer: (id: string) => number) {
  const stored = new Set<string>();
  const calls: string[] = [];
  let n = 0;
  const api: SaveCalls = {
    async createScenario() {
      const id = `sc_${++n}`;
      stored.add(id);
      calls.push(`create ${id}`);
      return { ok: true, data: { id } };
    },
    async runScenario(id): Promise<Result<StoredRun>> {
      calls.push(`run ${id}`);
      const status = stored.has(id) ? runAnswer(id) : 404;
      if (status === 201) return { ok: true, data: { id: `run_of_${id}`, scenarioId: id, scenarioVersion: 1, createdAt: '2027-01-01T00:00:00Z', scenario, plan: makeFixturePlan() } };
      const bodies: Record<number, unknown> = {
        404: { error: { code: 'not_found', message: `Scenario ${id} does not exist` } },
        429: { error: { code: 'rate_limited', message: 'at most 1 per minute' } },
        503: { error: { code: 'overloaded', message: 'queue full' } },
        422: { error: { code: 'unprocessable_model', message: 'override for unknown market "nowhere"', details: [{ path: ['overrides', 'markets', 'nowhere'], message: 'override for unknown market "nowhere"' }] } },
      };
      return { ok: false, report: errorReport(status, bodies[status], status === 429 ? '30' : null) };
    },
  };
  return { api, calls, stored };
}

describe('saving a run the server refuses', () => {
  it('keeps a scenario whose run hit the solve budget (429) and runs it on the next save, without a second copy', async () => {
    let answer = 429;
    const s = server(() => answer);
    const first = await storeAndRun(s.api, scenario, INPUTS, null);
    expect(first.outcome).toMatchObject({ kind: 'not-run', id: 'sc_1', retry: true });
    expect(first.pending).toEqual({ id: 'sc_1', inputs: INPUTS });
    expect(saveOutcomeText(first.outcome)).toMatch(/^The scenario is stored \(sc_1\) but its run was refused: Too many solves .* Save again to run it \(no second copy is stored\)\.$/);
    answer = 201;
    const second = await storeAndRun(s.api, scenario, INPUTS, first.pending);
    expect(second.outcome).toMatchObject({ kind: 'run', replaced: null });
    expect(second.pending).toBeNull();
    expect(s.calls).toEqual(['create sc_1', 'run sc_1', 'run sc_1']);
  });

  it('says "save again" for a full queue (503) too', async () => {
    const s = server(() => 503);
    const r = await storeAndRun(s.api, scenario, INPUTS, null);
    expect(r.outcome).toMatchObject({ kind: 'not-run', retry: true });
    expect(saveOutcomeText(r.outcome)).toMatch(/Save again to run it/);
  });

  it('forgets a scenario deleted since its run was refused (404) and stores it again at once', async () => {
    const s = server(() => 429);
    const first = await storeAndRun(s.api, scenario, INPUTS, null);
    s.stored.delete('sc_1'); // a colleague deletes it
    const second = await storeAndRun(s.api, scenario, INPUTS, first.pending);
    // Stored again; its run meets the budget again: said as such, with the new id to run next time.
    expect(second.outcome).toMatchObject({ kind: 'not-run', id: 'sc_2', retry: true });
    expect(second.pending).toEqual({ id: 'sc_2', inputs: INPUTS });
    expect(saveOutcomeText(second.outcome)).not.toMatch(/sc_1/);
    expect(s.calls).toEqual(['create sc_1', 'run sc_1', 'run sc_1', 'create sc_2', 'run sc_2']);
  });

  it('runs the scenario stored again and names the deleted one', async () => {
    let answer = 429;
    const s = server(() => answer);
    const first = await storeAndRun(s.api, scenario, INPUTS, null);
    s.stored.delete('sc_1');
    answer = 201;
    const second = await storeAndRun(s.api, scenario, INPUTS, first.pending);
    expect(second.outcome).toMatchObject({ kind: 'run', replaced: 'sc_1' });
    expect(second.pending).toBeNull();
  });

  it('forgets a scenario deleted between its storing and its run, and says so', async () => {
    const s = server(() => 201);
    const api: SaveCalls = {
      createScenario: async (x) => {
        const r = await s.api.createScenario(x);
        s.stored.clear();
        return r;
      },
      runScenario: s.api.runScenario,
    };
    const r = await storeAndRun(api, scenario, INPUTS, null);
    expect(r.outcome).toMatchObject({ kind: 'deleted', id: 'sc_1' });
    expect(r.pending).toBeNull();
    expect(saveOutcomeText(r.outcome)).toBe('Scenario sc_1 was stored and then deleted before it could run, so nothing is kept of it. Save again to store it again.');
  });

  it('says what was refused for a model the server cannot build (422), never "save again to run it"', async () => {
    const s = server(() => 422);
    const r = await storeAndRun(s.api, scenario, INPUTS, null);
    expect(r.outcome).toMatchObject({ kind: 'not-run', id: 'sc_1', retry: false });
    const text = saveOutcomeText(r.outcome)!;
    expect(text).toContain('override for unknown market "nowhere"');
    expect(text).toMatch(/cannot plan it/);
    expect(text).not.toMatch(/Save again to run it/);
    if (r.outcome.kind === 'not-run') expect(r.outcome.report.fields).toEqual([{ path: 'overrides.markets.nowhere', message: 'override for unknown market "nowhere"' }]);
    // The same inputs saved again do not store another copy that cannot run either.
    const again = await storeAndRun(s.api, scenario, INPUTS, r.pending);
    expect(again.outcome).toMatchObject({ kind: 'not-run', id: 'sc_1' });
    expect(s.calls).toEqual(['create sc_1', 'run sc_1', 'run sc_1']);
  });

  it('stores other inputs as a new scenario', async () => {
    const s = server(() => 201);
    const pending: StoredNotRun = { id: 'sc_old', inputs: 'other inputs' };
    const r = await storeAndRun(s.api, scenario, INPUTS, pending);
    expect(r.outcome).toMatchObject({ kind: 'run', replaced: null });
    expect(s.calls).toEqual(['create sc_1', 'run sc_1']);
  });
});
