/** The Library panel: stored scenarios and runs (fetched when opened, margins filled in after), and the network workbook. */
import { workbookProblemText, workbookSummary } from '../lib/workbook-problem.ts';
import { api, authHeaders } from '../api.ts';
import { downloadBlob } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { libraryRows, type RunSummaryRow } from '../lib/library.ts';
import { LibraryPanel, type WorkbookProblemRow } from '../panels/library-panel.ts';
import type { Role } from '../panels/scenario-panel.ts';
import { libraryActions } from '../library-actions.ts';
import { state } from './state.ts';
import type { StoredRuns } from './stored-runs.ts';

export interface LibraryDeps {
  runs: StoredRuns;
  writeHash(): void;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Builds the panel; returns what (re)loads its list. */
export function createLibrary({ runs: stored, writeHash }: LibraryDeps): { loadLibrary(): Promise<void>; setRole(role: Role): void } {
  const libraryPanel = new LibraryPanel(document.getElementById('library-panel')!, {
    onRefresh: () => void loadLibrary(),
    onOpenRun(runId) {
      state.runId = runId;
      void stored.openRun(runId, false).then((ok) => ok && writeHash());
    },
    onOpenScenario: (scenarioId) => stored.openStoredScenario(scenarioId),
    onCompare: (a, b) => void stored.compareStoredRuns(a, b),
    onDownloadWorkbook: () => void downloadNetworkWorkbook(),
    onUploadWorkbook: (file) => void uploadNetworkWorkbook(file),
  }, libraryActions);

  async function downloadNetworkWorkbook(): Promise<void> {
    try {
      const res = await fetch('/api/v1/network.xlsx', { headers: authHeaders(`${XLSX_TYPE}, application/json`) });
      if (!res.ok) return libraryPanel.showWorkbookResult(t('The workbook could not be downloaded: {reason}.', { reason: String(res.status) }));
      downloadBlob(await res.blob(), 'network.xlsx');
    } catch (err) {
      libraryPanel.showWorkbookResult(t('The workbook could not be downloaded: {reason}.', { reason: (err as Error).message }));
    }
  }
  async function uploadNetworkWorkbook(file: File): Promise<void> {
    libraryPanel.showWorkbookResult(t('Reading the workbook…'));
    try {
      const res = await fetch('/api/v1/scenarios/from-workbook', {
        method: 'POST',
        headers: { ...authHeaders('application/json'), 'content-type': XLSX_TYPE },
        body: await file.arrayBuffer(),
      });
      const body = (await res.json().catch(() => null)) as { id?: string; error?: { message?: string; details?: unknown } } | null;
      if (res.status === 201 && body?.id) {
        libraryPanel.showWorkbookResult(t('Stored as scenario {id}; opening it.', { id: body.id }));
        void loadLibrary();
        await stored.openStoredScenario(body.id);
        return;
      }
      const details = Array.isArray(body?.error?.details) ? (body.error.details as WorkbookProblemRow[]) : [];
      // The reader's problems in the page's language; the count is in the server's sentence (the list holds the first 200).
      const count = Number(/has (\d+) problem/.exec(body?.error?.message ?? '')?.[1] ?? details.length);
      const summary = details.length > 0 ? workbookSummary(count, details.length) : (body?.error?.message ?? t('The workbook could not be uploaded: {reason}.', { reason: String(res.status) }));
      libraryPanel.showWorkbookResult(summary, details.map((d) => ({ ...d, message: workbookProblemText(d.message) })));
    } catch (err) {
      libraryPanel.showWorkbookResult(t('The workbook could not be uploaded: {reason}.', { reason: (err as Error).message }));
    }
  }
  let libraryRequest: AbortController | null = null;
  /** Margins of stored runs read so far (a run is immutable: its margin never changes). */
  const knownMargins = new Map<string, number | null>();
  async function loadLibrary(): Promise<void> {
    libraryRequest?.abort();
    const request = new AbortController();
    libraryRequest = request;
    libraryPanel.render({ kind: 'loading' });
    const scenarios = await api.listScenarios(request.signal);
    if (request.signal.aborted) return;
    if (!scenarios.ok) {
      const status = scenarios.report.status;
      libraryPanel.render({
        kind: 'error',
        message:
          scenarios.report.code === 'key_refused'
            ? scenarios.report.summary
            : status === 401 || status === 403
            ? t('This server shows its library only with an API key: enter one under Access.')
            : t('The library could not be read: {reason}.', { reason: scenarios.report.summary }),
      });
      return;
    }
    // null: the scenario was deleted since it was listed (its runs are then not listed either).
    const runs = new Map<string, RunSummaryRow[] | null>();
    await Promise.all(
      scenarios.data.items.map(async (s) => {
        const r = await api.listRuns(s.id, request.signal);
        runs.set(s.id, r.ok ? r.data.items : r.report.status === 404 ? null : []);
      }),
    );
    if (request.signal.aborted) return;
    const margins = new Map<string, number | null>();
    libraryPanel.render({ kind: 'ready', rows: libraryRows(scenarios.data.items, runs, margins) });
    // Margins come from each run's (lighter) plan, four at a time, newest first; each is kept once read
    // (a stored run never changes), so reopening the list reads only new runs.
    const ids = libraryRows(scenarios.data.items, runs).filter((r) => r.kind === 'run').map((r) => r.id);
    for (const id of ids) if (knownMargins.has(id)) margins.set(id, knownMargins.get(id) ?? null);
    const toRead = ids.filter((id) => !knownMargins.has(id));
    if (toRead.length < ids.length) libraryPanel.render({ kind: 'ready', rows: libraryRows(scenarios.data.items, runs, margins) });
    // Two at a time: a caller may have four requests in the server's queue, and the map may be planning.
    for (let i = 0; i < toRead.length; i += 2) {
      await Promise.all(
        toRead.slice(i, i + 2).map(async (id) => {
          let r = await api.runLight(id, request.signal);
          // A busy server (503) or the solve budget (429): once more after its wait.
          if (!r.ok && (r.report.status === 503 || r.report.status === 429) && !request.signal.aborted) {
            await new Promise((resolve) => setTimeout(resolve, 1000));
            r = await api.runLight(id, request.signal);
          }
          // Not read (NaN) is not "no margin" (null): the list says so, and Refresh tries again.
          const margin = r.ok ? (r.data.plan.kpis?.marginUsd ?? null) : Number.NaN;
          margins.set(id, margin);
          if (r.ok) knownMargins.set(id, margin);
        }),
      );
      if (request.signal.aborted) return;
      libraryPanel.render({ kind: 'ready', rows: libraryRows(scenarios.data.items, runs, margins) });
    }
    document.getElementById('library-panel')!.dataset.margins = 'loaded';
  }

  return { loadLibrary, setRole: (role) => libraryPanel.setRole(role) };
}
