/** The SQLite store through the `Store` interface a PostgreSQL store will also implement. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite.ts';
import { MIGRATIONS } from '../../server/store/migrations.ts';
import { InvalidCursorError } from '../../server/store/store.ts';
import { fakePlan, parseScenario, SCENARIO } from './helpers.ts';

const scenario = (name: string) => parseScenario({ ...SCENARIO, name });

describe('SQLite store', () => {
  it('runs its migrations once and records them', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'caspian-store-')), 'caspian.db');
    const first = openSqliteStore({ path });
    await first.createScenario(scenario('kept'));
    await first.close();
    const second = openSqliteStore({ path }); // migrations already applied: nothing re-runs, data kept
    expect((await second.listScenarios({ limit: 10 })).total).toBe(1);
    await second.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('versions scenarios and refuses a stale update', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const created = await store.createScenario(scenario('v1'));
    expect(created.version).toBe(1);
    const ok = await store.updateScenario(created.id, 1, scenario('v2'));
    expect(ok).toMatchObject({ ok: true, record: { version: 2, scenario: { name: 'v2' } } });
    expect(await store.updateScenario(created.id, 1, scenario('v3'))).toEqual({ ok: false, reason: 'version_conflict', currentVersion: 2 });
    expect(await store.updateScenario('sc_none', 1, scenario('v3'))).toEqual({ ok: false, reason: 'not_found' });
    expect(await store.deleteScenario(created.id, 1)).toEqual({ ok: false, reason: 'version_conflict', currentVersion: 2 });
    expect(await store.deleteScenario(created.id)).toEqual({ ok: true });
    expect(await store.getScenario(created.id)).toBeNull();
  });

  it('pages newest first by cursor or offset', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    for (let i = 0; i < 7; i++) await store.createScenario(scenario(`s${i}`));
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listScenarios({ limit: 3, cursor });
      names.push(...page.items.map((s) => s.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toEqual(['s6', 's5', 's4', 's3', 's2', 's1', 's0']);
    expect((await store.listScenarios({ limit: 2, offset: 5 })).items.map((s) => s.name)).toEqual(['s1', 's0']);
    await expect(store.listScenarios({ limit: 2, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('keeps runs immutable, even against a direct UPDATE', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'caspian-store-')), 'caspian.db');
    const store = openSqliteStore({ path });
    const s = await store.createScenario(scenario('base'));
    const plan = fakePlan(s.scenario);
    const run = await store.createRun({
      scenarioId: s.id,
      scenarioVersion: 1,
      status: plan.status,
      inputsHash: plan.inputsHash,
      modelVersion: plan.modelVersion,
      scenario: s.scenario,
      plan,
    });
    expect(await store.getRun(run.id)).toEqual(run);
    expect((await store.listRuns(s.id, { limit: 5 })).items.map((r) => r.id)).toEqual([run.id]);
    const db = new Database(path);
    expect(() => db.prepare("UPDATE runs SET status = 'infeasible'").run()).toThrow(/immutable/);
    db.close();
    await store.deleteScenario(s.id);
    expect(await store.getRun(run.id)).toEqual(run); // runs outlive their scenario
    await store.close();
  });

  it('claims idempotency keys: first claims, repeat replays, other body mismatches, failure releases', async () => {
    const store = openSqliteStore({ path: ':memory:' });
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
    // A claim whose request died (process killed) is taken over once stale, not blocked for a day.
    expect(await store.claimIdempotencyKey('key_c', 'k2', 'f1', ttl)).toEqual({ state: 'claimed' });
    expect(await store.claimIdempotencyKey('key_c', 'k2', 'f1', ttl)).toEqual({ state: 'in_progress' });
    expect(await store.claimIdempotencyKey('key_c', 'k2', 'f1', { ttlMs: 60_000, staleAfterMs: -1 })).toEqual({ state: 'claimed' });
  });
});
