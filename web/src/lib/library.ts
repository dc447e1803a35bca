/**
 * The scenario and run library: stored scenarios and their runs as rows to list, search and pick
 * from. Pure (the panel fetches; this shapes and filters).
 */

export interface ScenarioSummaryRow {
  id: string;
  version: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** The API key's id that stored it, `anonymous`, or null (not recorded). */
  createdBy?: string | null;
}

export interface RunSummaryRow {
  id: string;
  scenarioId: string;
  scenarioVersion: number;
  createdAt: string;
  status: string;
  inputsHash: string;
  modelVersion: string;
  createdBy?: string | null;
}

export interface LibraryRow {
  kind: 'run' | 'scenario';
  /** The run's id (kind run) or the scenario's (kind scenario: a scenario with no run yet). */
  id: string;
  scenarioId: string;
  scenarioVersion: number;
  name: string;
  /** Who stored it: the API key's id, `anonymous`, or null when the server did not record it. */
  who: string | null;
  when: string;
  status: string | null;
  /** A run's margin; null when it has none (not optimal, or not readable); undefined while it loads. */
  marginUsd: number | null | undefined;
  inputsHash: string | null;
}

/**
 * One row per run (newest first), and one per scenario that has no run yet. A scenario whose runs
 * are null was deleted while the list was read (the API keeps a deleted scenario's runs, but lists
 * them only under their scenario): neither it nor its runs are listed.
 */
export function libraryRows(
  scenarios: readonly ScenarioSummaryRow[],
  runsByScenario: ReadonlyMap<string, readonly RunSummaryRow[] | null>,
  margins: ReadonlyMap<string, number | null> = new Map(),
): LibraryRow[] {
  const rows: LibraryRow[] = [];
  for (const s of scenarios) {
    const listed = runsByScenario.get(s.id);
    if (listed === null) continue;
    const runs = listed ?? [];
    if (!runs.length) {
      rows.push({ kind: 'scenario', id: s.id, scenarioId: s.id, scenarioVersion: s.version, name: s.name, who: s.createdBy ?? null, when: s.updatedAt, status: null, marginUsd: null, inputsHash: null });
    }
    for (const r of runs) {
      rows.push({
        kind: 'run',
        id: r.id,
        scenarioId: s.id,
        scenarioVersion: r.scenarioVersion,
        name: s.name,
        who: r.createdBy ?? null,
        when: r.createdAt,
        status: r.status,
        marginUsd: margins.has(r.id) ? (margins.get(r.id) ?? null) : undefined,
        inputsHash: r.inputsHash,
      });
    }
  }
  return rows.sort((a, b) => (a.when < b.when ? 1 : a.when > b.when ? -1 : a.id.localeCompare(b.id)));
}

/** Rows whose name, id, scenario id, who, status or inputs hash contain every word of the query. */
export function searchRows(rows: readonly LibraryRow[], query: string): LibraryRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...rows];
  return rows.filter((r) => {
    const text = [r.name, r.id, r.scenarioId, r.who ?? '', r.status ?? '', r.inputsHash ?? '', r.when].join(' ').toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/**
 * The name of a duplicate: `label` (already in the page's language, with `{name}` and `{n}`) filled
 * with the original name and the first number not taken (1 is left out: "X (copy)", then "X (copy 2)").
 */
export function copyName(name: string, taken: readonly string[], label: (n: number) => string): string {
  const names = new Set(taken);
  for (let n = 1; ; n++) {
    const candidate = label(n).replace('{name}', name);
    if (!names.has(candidate)) return candidate;
  }
}
