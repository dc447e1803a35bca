import { describe, expect, it } from 'vitest';
import { copyName, libraryRows, searchRows, type RunSummaryRow, type ScenarioSummaryRow } from '../../web/src/lib/library.ts';

const scenarios: ScenarioSummaryRow[] = [
  { id: 'scn_a', version: 2, name: 'Strict rule 0.8', createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-01-02T10:00:00Z' },
  { id: 'scn_b', version: 1, name: 'Cheap freight', createdAt: '2026-01-03T10:00:00Z', updatedAt: '2026-01-03T10:00:00Z', createdBy: 'key_0a1b2c3d4e5f' },
];
const run = (id: string, scenarioId: string, createdAt: string, inputsHash: string, createdBy: string | null = null): RunSummaryRow => ({
  id,
  scenarioId,
  scenarioVersion: 1,
  createdAt,
  status: 'optimal',
  inputsHash,
  modelVersion: 'm1',
  createdBy,
});

describe('the scenario and run library', () => {
  const runs = new Map([['scn_a', [run('run_2', 'scn_a', '2026-01-02T11:00:00Z', 'abc123', 'key_99aa88bb77cc'), run('run_1', 'scn_a', '2026-01-01T11:00:00Z', 'def456')]]]);

  it('lists runs newest first with their scenario name and margin, and scenarios without runs', () => {
    const rows = libraryRows(scenarios, runs, new Map([['run_2', 1_250_000]]));
    expect(rows.map((r) => [r.kind, r.id])).toEqual([
      ['scenario', 'scn_b'],
      ['run', 'run_2'],
      ['run', 'run_1'],
    ]);
    expect(rows[1]).toMatchObject({ name: 'Strict rule 0.8', status: 'optimal', marginUsd: 1_250_000, inputsHash: 'abc123', who: 'key_99aa88bb77cc' });
    expect(rows[0].who).toBe('key_0a1b2c3d4e5f');
    // Not read yet (undefined: shown as loading) is not the same as read and without a margin (null: "—").
    expect(rows[2]).toMatchObject({ marginUsd: undefined, who: null });
    expect(libraryRows(scenarios, runs, new Map([['run_1', null]]))[2]!.marginUsd).toBeNull();
  });

  it('leaves out a scenario deleted while the list was read, and its runs with it', () => {
    const meanwhile = new Map<string, RunSummaryRow[] | null>([...runs, ['scn_b', null]]);
    expect(libraryRows(scenarios, meanwhile).map((r) => r.id)).toEqual(['run_2', 'run_1']);
    const aGone = new Map<string, RunSummaryRow[] | null>([['scn_a', null]]);
    expect(libraryRows(scenarios, aGone).map((r) => [r.kind, r.id])).toEqual([['scenario', 'scn_b']]);
  });

  it('finds rows by any word of name, id, who, status or inputs hash', () => {
    const rows = libraryRows(scenarios, runs);
    expect(searchRows(rows, 'strict').map((r) => r.id)).toEqual(['run_2', 'run_1']);
    expect(searchRows(rows, 'DEF456').map((r) => r.id)).toEqual(['run_1']);
    expect(searchRows(rows, 'freight scn_b').map((r) => r.id)).toEqual(['scn_b']);
    expect(searchRows(rows, 'key_99aa').map((r) => r.id)).toEqual(['run_2']);
    expect(searchRows(rows, '  ')).toHaveLength(3);
    expect(searchRows(rows, 'nothing-like-this')).toEqual([]);
  });

  it('names a duplicate with the first copy number not taken', () => {
    const label = (n: number) => (n === 1 ? '{name} (copy)' : `{name} (copy ${n})`);
    expect(copyName('Strict rule', ['Strict rule'], label)).toBe('Strict rule (copy)');
    expect(copyName('Strict rule', ['Strict rule', 'Strict rule (copy)', 'Strict rule (copy 2)'], label)).toBe('Strict rule (copy 3)');
    expect(copyName('A', ['B (copy)'], label)).toBe('A (copy)');
  });
});
