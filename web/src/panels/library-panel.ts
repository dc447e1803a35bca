/**
 * The library: stored scenarios and runs from the API (name, who, when, status, margin, inputs
 * hash), searchable; open a run or a scenario, and pick two runs to compare on the map.
 */
import { h } from '../dom.ts';
import { formatDateTime, formatUsdCompact } from '../lib/format.ts';
import { searchRows, type LibraryRow } from '../lib/library.ts';
import { t } from '../i18n/index.ts';

export interface LibraryPanelEvents {
  onRefresh(): void;
  onOpenRun(runId: string): void;
  onOpenScenario(scenarioId: string): void;
  onCompare(a: string, b: string): void;
  /** Download the network as an editable workbook (GET /network.xlsx). */
  onDownloadWorkbook(): void;
  /** Upload an edited workbook (POST /scenarios/from-workbook). */
  onUploadWorkbook(file: File): void;
}

/** One problem of an uploaded workbook, as the API lists it. */
export interface WorkbookProblemRow {
  sheet: string | null;
  row: number | null;
  column: string | null;
  message: string;
}

export type LibraryState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; rows: LibraryRow[] };

export class LibraryPanel {
  private query = '';
  private selected: string[] = [];
  private state: LibraryState = { kind: 'idle' };
  private readonly list: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly compareButton: HTMLButtonElement;
  private readonly count: HTMLElement;
  private readonly workbookStatus: HTMLElement;
  private readonly workbookProblems: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly events: LibraryPanelEvents,
  ) {
    this.search = h('input', { type: 'search', id: 'library-search', placeholder: 'name, run id, status or inputs hash', autocomplete: 'off' });
    this.search.addEventListener('input', () => {
      this.query = this.search.value;
      this.renderList();
    });
    this.compareButton = h('button', { type: 'button', id: 'library-compare', disabled: true, onclick: () => this.selected.length === 2 && this.events.onCompare(this.selected[0], this.selected[1]) }, t('Compare the two selected runs'));
    this.count = h('p', { className: 'hint', id: 'library-count', 'aria-live': 'polite' });
    this.list = h('div', { className: 'library-list', id: 'library-list' });
    const upload = h('input', { type: 'file', id: 'workbook-upload', accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    upload.addEventListener('change', () => {
      const file = upload.files?.[0];
      if (file) this.events.onUploadWorkbook(file);
      upload.value = '';
    });
    this.workbookStatus = h('p', { className: 'hint', id: 'workbook-status', 'aria-live': 'polite' });
    this.workbookProblems = h('ul', { id: 'workbook-problems' });
    root.append(
      h('h2', {}, t('Library')),
      h('p', { className: 'hint' }, t('Stored scenarios and runs on this server. Open one to see it; tick two runs to compare them (the comparison goes into the link). The server does not record who stored a run yet.')),
      h('label', { for: 'library-search' }, t('Search')),
      h('div', { className: 'row' }, this.search, h('button', { type: 'button', id: 'library-refresh', onclick: () => this.events.onRefresh() }, t('Refresh'))),
      h('div', { className: 'actions' }, this.compareButton),
      this.count,
      this.list,
      h('h3', {}, t('Bring your own data')),
      h('p', { className: 'hint' }, t('Download the network as a workbook, edit prices, capacities and tariffs, and upload it: the changed figures become a stored scenario (planner key).')),
      h('div', { className: 'actions' }, h('button', { type: 'button', id: 'workbook-download', onclick: () => this.events.onDownloadWorkbook() }, t('Download network workbook'))),
      h('label', { for: 'workbook-upload' }, t('Upload an edited workbook')),
      upload,
      this.workbookStatus,
      this.workbookProblems,
    );
  }

  /** The outcome of a workbook upload: a message, and the problems (sheet, row, column) if any. */
  showWorkbookResult(message: string, problems: readonly WorkbookProblemRow[] = []): void {
    this.workbookStatus.textContent = message;
    this.workbookProblems.replaceChildren(
      ...problems.map((p) => h('li', {}, `${[p.sheet, p.row === null ? null : `row ${p.row}`, p.column].filter((x) => x !== null).join(' · ')}: ${p.message}`)),
    );
  }

  render(state: LibraryState): void {
    this.state = state;
    if (state.kind === 'ready') this.selected = this.selected.filter((id) => state.rows.some((r) => r.id === id));
    this.renderList();
  }

  private renderList(): void {
    const state = this.state;
    this.list.textContent = '';
    this.compareButton.disabled = this.selected.length !== 2;
    this.root.dataset.library = state.kind;
    if (state.kind === 'loading' || state.kind === 'idle') {
      this.count.textContent = t('Loading the library…');
      return;
    }
    if (state.kind === 'error') {
      this.count.textContent = state.message;
      return;
    }
    const rows = searchRows(state.rows, this.query);
    const runs = state.rows.filter((r) => r.kind === 'run').length;
    this.count.textContent = state.rows.length
      ? `${rows.length} of ${state.rows.length} shown (${runs} run${runs === 1 ? '' : 's'}).`
      : t('Nothing stored yet: “Save as stored run” (planner key) stores the scenario and its run here.');
    if (!rows.length) return;
    const table = h(
      'table',
      { className: 'library-table', id: 'library-table' },
      h('caption', { className: 'visually-hidden' }, t('Stored scenarios and runs')),
      h(
        'thead',
        {},
        h('tr', {}, ...['', t('Name'), t('Who'), t('When'), t('Status'), t('Margin'), t('Inputs hash'), ''].map((label, i) => h('th', { scope: 'col' }, i === 0 ? h('span', { className: 'visually-hidden' }, t('Compare')) : label))),
      ),
      h(
        'tbody',
        {},
        ...rows.map((r) => {
          const pick =
            r.kind === 'run'
              ? (() => {
                  const box = h('input', { type: 'checkbox', id: `pick-${r.id}`, checked: this.selected.includes(r.id), 'aria-label': `Select run ${r.id} of ${r.name} to compare` });
                  box.addEventListener('change', () => {
                    this.selected = box.checked ? [...this.selected.filter((id) => id !== r.id), r.id].slice(-2) : this.selected.filter((id) => id !== r.id);
                    this.renderList();
                  });
                  return box;
                })()
              : null;
          const open = h(
            'button',
            {
              type: 'button',
              className: 'library-open',
              'data-id': r.id,
              'aria-label': r.kind === 'run' ? `Open run ${r.id} of ${r.name}` : `Open scenario ${r.name} in the form`,
              onclick: () => (r.kind === 'run' ? this.events.onOpenRun(r.id) : this.events.onOpenScenario(r.id)),
            },
            t('Open'),
          );
          return h(
            'tr',
            { 'data-kind': r.kind, 'data-id': r.id },
            h('td', {}, pick),
            h('th', { scope: 'row' }, r.name, h('div', { className: 'muted small' }, r.kind === 'run' ? `${r.id} · v${r.scenarioVersion}` : `${r.id} · v${r.scenarioVersion} · no run yet`)),
            h('td', { className: 'muted' }, r.who ?? '—'),
            h('td', {}, h('time', { datetime: r.when }, formatDateTime(r.when))),
            h('td', {}, r.status ?? '—'),
            h('td', { className: 'num' }, r.marginUsd == null ? '—' : formatUsdCompact(r.marginUsd)),
            h('td', { className: 'mono', title: r.inputsHash ?? '' }, r.inputsHash ? r.inputsHash.slice(0, 10) : '—'),
            h('td', {}, open),
          );
        }),
      ),
    );
    this.list.append(table);
  }
}

