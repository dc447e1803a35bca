/**
 * The `Store` contract, run against every store (SQLite, PostgreSQL): the same calls must give
 * the same answers, so the API behaves the same on either.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, POSTGRES_MIGRATIONS } from '../../server/store/migrations.ts';
import { InvalidCursorError, type Store } from '../../server/store/store.ts';
import { STORES, type TestDatabase } from '../support/stores.ts';
import { fakePlan, parseScenario, SCENARIO } from './helpers.ts';

const scenario = (name: string) => parseScenario({ ...SCENARIO, name });

describe.each(STORES)('$name store', (kind) => {
  const open: Store[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  async function fresh(): Promise<{ db: TestDatabase; store: Store }> {
    const db = await kind.fresh();
    const store = await db.open();
    open.push(store);
    return { db, store };
  }

  it.skipIf(!kind.available)('runs its migrations once and records them, also when two processes start at once', async () => {
    const db = await kind.fresh();
    // Two stores opening the same empty database at the same moment: one migrates, the other waits.
    const [first, second] = await Promise.all([db.open(), db.open()]);
    await first.createScenario(scenario('kept'));
    await Promise.all([first.close(), second.close()]);
    const third = await db.open(); // migrations already applied: nothing re-runs, data kept
    open.push(third);
    expect((await third.listScenarios({ limit: 10 })).total).toBe(1);
    expect(await db.appliedMigrations()).toEqual(MIGRATIONS.map((m) => m.version));
    expect(POSTGRES_MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it.skipIf(!kind.available)('versions scenarios and refuses a stale update', async () => {
    const { store } = await fresh();
    const created = await store.createScenario(scenario('v1'));
    expect(created.version).toBe(1);
    expect(await store.getScenario(created.id)).toEqual(created);
    const ok = await store.updateScenario(created.id, 1, scenario('v2'));
    expect(ok).toMatchObject({ ok: true, record: { version: 2, scenario: { name: 'v2' } } });
    if (ok.ok) expect(await store.getScenario(created.id)).toEqual(ok.record);
    expect(await store.updateScenario(created.id, 1, scenario('v3'))).toEqual({ ok: false, reason: 'version_conflict', currentVersion: 2 });
    expect(await store.updateScenario('sc_none', 1, scenario('v3'))).toEqual({ ok: false, reason: 'not_found' });
    expect(await store.deleteScenario(created.id, 1)).toEqual({ ok: false, reason: 'version_conflict', currentVersion: 2 });
    expect(await store.deleteScenario('sc_none')).toEqual({ ok: false, reason: 'not_found' });
    expect(await store.deleteScenario(created.id)).toEqual({ ok: true });
    expect(await store.getScenario(created.id)).toBeNull();
  });

  it.skipIf(!kind.available)('lets exactly one of several concurrent updates of the same version win', async () => {
    const { store } = await fresh();
    const created = await store.createScenario(scenario('v1'));
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.updateScenario(created.id, 1, scenario(`writer ${i}`))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(Array(7).fill({ ok: false, reason: 'version_conflict', currentVersion: 2 }));
    expect((await store.getScenario(created.id))?.version).toBe(2);
  });

  it.skipIf(!kind.available)('gives a scenario back exactly as written (key order, numbers)', async () => {
    const { store } = await fresh();
    const input = parseScenario({ ...SCENARIO, name: 'exact', overrides: { freightMultiplier: 1.1000000000000001, exportPriceMultiplier: 0.1 + 0.2 } });
    const created = await store.createScenario(input);
    expect(JSON.stringify((await store.getScenario(created.id))?.scenario)).toBe(JSON.stringify(input));
    // Also as the stored text, unparsed (GET /scenarios/:id sends it as it is), with the same record around it.
    const { scenarioJson, ...head } = (await store.getScenarioJson(created.id))!;
    expect(scenarioJson).toBe(JSON.stringify(input));
    const { scenario: _, ...recordHead } = (await store.getScenario(created.id))!;
    expect(head).toEqual(recordHead);
    expect(await store.getScenarioJson('sc_nope')).toBeNull();
  });

  it.skipIf(!kind.available)('pages newest first by cursor or offset', async () => {
    const { store } = await fresh();
    for (let i = 0; i < 7; i++) await store.createScenario(scenario(`s${i}`));
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listScenarios({ limit: 3, cursor });
      expect(page.total).toBe(7);
      names.push(...page.items.map((s) => s.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toEqual(['s6', 's5', 's4', 's3', 's2', 's1', 's0']);
    expect((await store.listScenarios({ limit: 2, offset: 5 })).items.map((s) => s.name)).toEqual(['s1', 's0']);
    expect(await store.listScenarios({ limit: 2, offset: 50 })).toEqual({ items: [], nextCursor: null, total: 7 });
    await expect(store.listScenarios({ limit: 2, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
    // A cursor belongs to its list: a scenario's runs list refuses the scenarios list's, and the
    // scenarios list a cursor spelt another way (padded) or with no list (as cursors once were).
    const first = (await store.listScenarios({ limit: 3 })).nextCursor!;
    const s = (await store.listScenarios({ limit: 1 })).items[0]!;
    await expect(store.listRuns(s.id, { limit: 2, cursor: first })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.listScenarios({ limit: 2, cursor: `${first}==` })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.listScenarios({ limit: 2, cursor: Buffer.from('seq:5').toString('base64url') })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it.skipIf(!kind.available)('keeps runs immutable, even against a direct UPDATE, and pages them per scenario', async () => {
    const { db, store } = await fresh();
    const s = await store.createScenario(scenario('base'));
    const other = await store.createScenario(scenario('other'));
    const plan = fakePlan(s.scenario);
    const newRun = (scenarioId: string) =>
      store.createRun({
        scenarioId,
        scenarioVersion: 1,
        status: plan.status,
        inputsHash: plan.inputsHash,
        modelVersion: plan.modelVersion,
        scenario: s.scenario,
        plan,
      });
    const run = await newRun(s.id);
    const second = await newRun(s.id);
    await newRun(other.id);
    expect(await store.getRun(run.id)).toEqual(run);
    expect(await store.getRun('run_none')).toBeNull();
    const { scenario: _s, plan: _p, ...summary } = second;
    const page = await store.listRuns(s.id, { limit: 1 });
    expect(page.items).toEqual([summary]);
    expect(page.total).toBe(2);
    expect((await store.listRuns(s.id, { limit: 5, cursor: page.nextCursor! })).items.map((r) => r.id)).toEqual([run.id]);
    // Another scenario's runs, or the scenarios list, do not take this list's cursor.
    await expect(store.listRuns(other.id, { limit: 5, cursor: page.nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.listScenarios({ limit: 5, cursor: page.nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(db.exec("UPDATE runs SET status = 'infeasible'")).rejects.toThrow(/immutable/);
    await store.deleteScenario(s.id);
    expect(await store.getRun(run.id)).toEqual(run); // runs outlive their scenario
  });

  it.skipIf(!kind.available)('records who stored a scenario and a run; rows from before the migration read as unknown (null)', async () => {
    const db = await kind.fresh();
    const before = await db.open();
    const old = await before.createScenario(scenario('old'), 'key_0123456789ab');
    const plan = fakePlan(old.scenario);
    const runOf = (store: Store, scenarioId: string, createdBy?: string) =>
      store.createRun({ scenarioId, scenarioVersion: 1, status: plan.status, inputsHash: plan.inputsHash, modelVersion: plan.modelVersion, scenario: old.scenario, plan, createdBy });
    const oldRun = await runOf(before, old.id, 'key_0123456789ab');
    await before.close();
    // The database as it was before the column existed: the next open applies the migration to these rows.
    // (Migration 5's indexes hold the column: they go too, and come back with it.)
    await db.exec(
      `DROP INDEX IF EXISTS runs_listed; DROP INDEX IF EXISTS scenarios_listed; CREATE INDEX IF NOT EXISTS runs_by_scenario ON runs (scenario_id, seq);
       ALTER TABLE scenarios DROP COLUMN created_by; ALTER TABLE runs DROP COLUMN created_by; DELETE FROM schema_migrations WHERE version >= 4`,
    );
    const store = await db.open();
    open.push(store);
    expect(await db.appliedMigrations()).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await store.getScenario(old.id))?.createdBy).toBeNull();
    expect((await store.getRun(oldRun.id))?.createdBy).toBeNull();

    const made = await store.createScenario(scenario('new'), 'key_fedcba987654');
    expect(made.createdBy).toBe('key_fedcba987654');
    expect(await store.getScenario(made.id)).toEqual(made);
    expect((await store.listScenarios({ limit: 10 })).items.map((s) => [s.name, s.createdBy])).toEqual([
      ['new', 'key_fedcba987654'],
      ['old', null],
    ]);
    const updated = await store.updateScenario(made.id, 1, scenario('new, renamed'));
    expect(updated).toMatchObject({ ok: true, record: { version: 2, createdBy: 'key_fedcba987654' } });

    const byKey = await runOf(store, made.id, 'key_fedcba987654');
    const byNobody = await runOf(store, made.id, 'anonymous');
    const unnamed = await runOf(store, made.id);
    expect(await store.getRun(byKey.id)).toEqual(byKey);
    expect(unnamed.createdBy).toBeNull();
    expect((await store.listRuns(made.id, { limit: 10 })).items.map((r) => r.createdBy)).toEqual([null, 'anonymous', 'key_fedcba987654']);
    expect((await store.listRuns(old.id, { limit: 10 })).items.map((r) => r.createdBy)).toEqual([null]);
    expect(byNobody.createdBy).toBe('anonymous');
  });

  it.skipIf(!kind.available)('claims idempotency keys: first claims, repeat replays, other body mismatches, failure releases', async () => {
    const { store } = await fresh();
    const ttl = { ttlMs: 60_000, staleAfterMs: 60_000 };
    expect(await store.claimIdempotencyKey('key_a', 'k1', 'f1', ttl)).toEqual({ state: 'claimed' });
    expect(await store.claimIdempotencyKey('key_a', 'k1', 'f1', ttl)).toEqual({ state: 'in_progress' });
    const response = { statusCode: 201, contentType: 'application/json', body: '{"id":"sc_1"}', headers: { location: '/x' } };
    await store.completeIdempotencyKey('key_a', 'k1', response);
    expect(await store.claimIdempotencyKey('key_a', 'k1', 'f1', ttl)).toEqual({ state: 'replay', response });
    expect(await store.claimIdempotencyKey('key_a', 'k1', 'f2', ttl)).toEqual({ state: 'mismatch' });
    expect(await store.claimIdempotencyKey('key_b', 'k1', 'f2', ttl)).toEqual({ state: 'claimed' }); // other client
    await store.releaseIdempotencyKey('key_b', 'k1');
    expect(await store.claimIdempotencyKey('key_b', 'k1', 'f3', ttl)).toEqual({ state: 'claimed' });
    expect(await store.claimIdempotencyKey('key_a', 'k1', 'f9', { ttlMs: -1, staleAfterMs: 0 })).toEqual({ state: 'claimed' }); // expired
    expect(await store.claimIdempotencyKey('key_a', 'k1', 'f9', ttl)).toEqual({ state: 'in_progress' });
    // A claim whose request died (process killed) is taken over once stale, not blocked for a day.
    expect(await store.claimIdempotencyKey('key_c', 'k2', 'f1', ttl)).toEqual({ state: 'claimed' });
    expect(await store.claimIdempotencyKey('key_c', 'k2', 'f1', ttl)).toEqual({ state: 'in_progress' });
    expect(await store.claimIdempotencyKey('key_c', 'k2', 'f1', { ttlMs: 60_000, staleAfterMs: -1 })).toEqual({ state: 'claimed' });
  });

  it.skipIf(!kind.available)('hands a new idempotency key to exactly one of several concurrent claims', async () => {
    const { store } = await fresh();
    const ttl = { ttlMs: 60_000, staleAfterMs: 60_000 };
    const claims = await Promise.all(Array.from({ length: 8 }, () => store.claimIdempotencyKey('key_a', 'same', 'f1', ttl)));
    expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.state === 'in_progress')).toHaveLength(7);
  });

  it.skipIf(!kind.available)('keeps API keys as hashes, oldest first; answers a ping; refuses calls once closed', async () => {
    const { db } = await fresh();
    const store = await db.open();
    expect(await store.listApiKeys()).toEqual([]);
    const a = await store.addApiKey('planner', 'AB'.repeat(32));
    const b = await store.addApiKey('viewer', 'cd'.repeat(32));
    expect(a.sha256).toBe('ab'.repeat(32));
    expect(await store.listApiKeys()).toEqual([a, b]);
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await store.close(); // twice is fine
    await expect(store.ping()).rejects.toThrow();
  });
});
