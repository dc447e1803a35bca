/**
 * The library: stored scenarios and runs from the API (name, who, when, status, margin, inputs
 * hash), searchable; open a run or a scenario, and pick two runs to compare on the map. With a
 * planner key a scenario can be renamed, duplicated or deleted (after a confirmation); other keys
 * see the list read-only.
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

/** What one change did, in words for the page. */
/** `stale`: the list no longer shows the server's state (a change refused as made meanwhile): it is read again. */
export type LibraryActionResult = { ok: true; message: string } | { ok: false; message: string; stale?: boolean };

/** Changes to stored scenarios (web/src/library-actions.ts does them on the API). */
export interface LibraryActions {
  /** `seenVersion`: the version the list showed, sent as If-Match. */
  rename(scenarioId: string, seenVersion: number, name: string): Promise<LibraryActionResult>;
  /** `takenNames`: the names in the library, so the copy's name is new. */
  duplicate(scenarioId: string, takenNames: readonly string[]): Promise<LibraryActionResult>;
  remove(scenarioId: string, name: string): Promise<LibraryActionResult>;
}

/** A change under way on one row: its name being edited, or its deletion waiting for a yes. */
type Editing = { kind: 'rename' | 'delete'; rowId: string; draft?: string } | null;

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
  private readonly actionStatus: HTMLElement;
  private canEdit = false;
  private editing: Editing = null;
  private busy = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly events: LibraryPanelEvents,
    private readonly actions: LibraryActions | null = null,
  ) {
    this.search = h('input', { type: 'search', id: 'library-search', placeholder: t('name, run id, who, status or inputs hash'), autocomplete: 'off' });
    this.search.addEventListener('input', () => {
      this.query = this.search.value;
      this.renderList();
    });
    this.compareButton = h('button', { type: 'button', id: 'library-compare', disabled: true, onclick: () => this.selected.length === 2 && this.events.onCompare(this.selected[0], this.selected[1]) }, t('Compare the two selected runs'));
    this.count = h('p', { className: 'hint', id: 'library-count', 'aria-live': 'polite' });
    this.list = h('div', { className: 'library-list', id: 'library-list' });
    this.actionStatus = h('p', { className: 'hint', id: 'library-status', role: 'status' });
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
      h('p', { className: 'hint' }, t('Stored scenarios and runs on this server, with the key that stored them. Open one to see it; tick two runs to compare them (the comparison goes into the link). A planner key can rename, duplicate and delete scenarios.')),
      h('label', { for: 'library-search' }, t('Search')),
      h('div', { className: 'row' }, this.search, h('button', { type: 'button', id: 'library-refresh', onclick: () => this.events.onRefresh() }, t('Refresh'))),
      h('div', { className: 'actions' }, this.compareButton),
      this.count,
      this.actionStatus,
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
      ...problems.map((p) => h('li', {}, `${[p.sheet, p.row === null ? null : t('row {row}', { row: p.row }), p.column].filter((x) => x !== null).join(' · ')}: ${p.message}`)),
    );
  }

  /** Rename, duplicate and delete are offered to a planner key only (the server refuses the others anyway). */
  setRole(role: 'none' | 'viewer' | 'planner' | 'unknown'): void {
    const canEdit = role === 'planner' && this.actions !== null;
    if (canEdit === this.canEdit) return;
    this.canEdit = canEdit;
    this.editing = null;
    this.root.dataset.libraryEdit = String(canEdit);
    this.renderList();
  }

  render(state: LibraryState): void {
    this.state = state;
    if (state.kind === 'ready') this.selected = this.selected.filter((id) => state.rows.some((r) => r.id === id));
    this.renderList();
  }

  /**
   * What has the focus in the list, as a selector that finds it again after a redraw (the list is
   * redrawn as margins arrive, a box is ticked, or a change reloads it): its id, or its kind and row.
   */
  private focusedInList(): string | null {
    const el = document.activeElement;
    if (!(el instanceof HTMLElement) || !this.list.contains(el)) return null;
    if (el.id) return `#${CSS.escape(el.id)}`;
    const kind = el.classList[0];
    return kind && el.dataset.id ? `.${CSS.escape(kind)}[data-id="${CSS.escape(el.dataset.id)}"]` : null;
  }

  /** Where the focus goes back to after a redraw (kept through a reload that empties the list). */
  private focusAfter: string | null = null;

  private renderList(): void {
    const state = this.state;
    const focused = this.focusedInList() ?? this.focusAfter;
    // Kept while the list is empty (loading), given back once the row is drawn again.
    this.focusAfter = focused;
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
      ? t('{shown} of {total} shown ({runs} runs).', { shown: rows.length, total: state.rows.length, runs })
      : t('Nothing stored yet: “Save as stored run” (planner key) stores the scenario and its run here.');
    if (!rows.length) return;
    const table = h(
      'table',
      { className: 'library-table', id: 'library-table' },
      h('caption', { className: 'visually-hidden' }, t('Stored scenarios and runs')),
      h(
        'thead',
        {},
        h('tr', {}, ...['', t('Name'), t('Who'), t('When'), t('Status'), t('Margin'), t('Inputs hash')].map((label, i) => h('th', { scope: 'col' }, i === 0 ? h('span', { className: 'visually-hidden' }, t('Compare')) : label))),
      ),
      h(
        'tbody',
        {},
        ...rows.flatMap((r) => {
          const pick =
            r.kind === 'run'
              ? (() => {
                  const box = h('input', { type: 'checkbox', id: `pick-${r.id}`, checked: this.selected.includes(r.id), 'aria-label': t('Select run {id} of “{name}” to compare', { id: r.id, name: r.name }) });
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
              'aria-label': r.kind === 'run' ? t('Open run {id} of “{name}”', { id: r.id, name: r.name }) : t('Open scenario “{name}” in the form', { name: r.name }),
              onclick: () => (r.kind === 'run' ? this.events.onOpenRun(r.id) : this.events.onOpenScenario(r.id)),
            },
            t('Open'),
          );
          const renaming = this.editing?.kind === 'rename' && this.editing.rowId === r.id;
          const row = h(
            'tr',
            { 'data-kind': r.kind, 'data-id': r.id, 'data-scenario': r.scenarioId },
            h('td', {}, pick),
            h(
              'th',
              { scope: 'row' },
              renaming ? this.renameForm(r) : r.name,
              h('div', { className: 'muted small' }, r.kind === 'run' ? `${r.id} · v${r.scenarioVersion}` : `${r.id} · v${r.scenarioVersion} · ${t('no run yet')}`),
              // Under the name, where the eye starts: a last column of buttons was cut off by the
              // panel's edge at every desktop width (the table is wider than the panel).
              h('div', { className: 'library-actions' }, open, this.canEdit ? this.editButtons(r) : null),
            ),
            h('td', { className: 'muted' }, r.who ?? '—'),
            h('td', {}, h('time', { datetime: r.when }, formatDateTime(r.when))),
            h('td', {}, r.status ? t(r.status) : '—'),
            h(
              'td',
              { className: 'num' },
              r.marginUsd === undefined
                ? h('span', { title: t('Margin loading…') }, '…')
                : r.marginUsd === null
                  ? '—'
                  : Number.isNaN(r.marginUsd)
                    ? h('span', { title: t('The margin could not be read: Refresh tries again.') }, '?')
                    : formatUsdCompact(r.marginUsd),
            ),
            h('td', { className: 'mono', title: r.inputsHash ?? '' }, r.inputsHash ? r.inputsHash.slice(0, 10) : '—'),
          );
          return this.editing?.kind === 'delete' && this.editing.rowId === r.id ? [row, this.deleteConfirm(r, state.rows)] : [row];
        }),
      ),
    );
    this.list.append(table);
    this.restoreFocus(focused);
  }

  private restoreFocus(selector: string | null): void {
    if (!selector) return;
    const again = this.list.querySelector<HTMLElement>(selector);
    // Only while nothing else took the focus meanwhile.
    const free = document.activeElement === document.body || document.activeElement === null || this.list.contains(document.activeElement);
    if (again && free) again.focus();
    // Kept until it took (a button is disabled while a change is being saved, and cannot take it).
    this.focusAfter = free && document.activeElement !== again ? selector : null;
  }

  private editButtons(r: LibraryRow): HTMLElement[] {
    const button = (className: string, label: string, aria: string, onclick: () => void) =>
      h('button', { type: 'button', className, 'data-id': r.id, 'aria-label': aria, disabled: this.busy, onclick }, label);
    const names = this.state.kind === 'ready' ? this.state.rows.map((x) => x.name) : [];
    return [
      button('library-rename', t('Rename'), t('Rename scenario “{name}”', { name: r.name }), () => {
        this.editing = { kind: 'rename', rowId: r.id };
        this.renderList();
        document.getElementById(`rename-${r.id}`)?.focus();
      }),
      button('library-duplicate', t('Duplicate'), t('Duplicate scenario “{name}”', { name: r.name }), () => void this.act(() => this.actions!.duplicate(r.scenarioId, names))),
      button('library-delete', t('Delete'), t('Delete scenario “{name}”', { name: r.name }), () => {
        this.editing = { kind: 'delete', rowId: r.id };
        this.renderList();
        document.getElementById('library-confirm-delete')?.focus();
      }),
    ];
  }

  private renameForm(r: LibraryRow): HTMLElement {
    const input = h('input', { type: 'text', id: `rename-${r.id}`, value: this.editing?.draft ?? r.name, maxLength: 200, 'aria-label': t('New name of scenario “{name}”', { name: r.name }) });
    const cancel = () => {
      this.editing = null;
      this.focusAfter = `button.library-rename[data-id="${CSS.escape(r.id)}"]`;
      (document.activeElement as HTMLElement | null)?.blur();
      this.renderList();
    };
    const save = () => {
      const name = input.value.trim();
      if (!name || name === r.name) return cancel();
      void this.act(() => this.actions!.rename(r.scenarioId, r.scenarioVersion, name));
    };
    // The list redraws while margins arrive: the draft survives it.
    input.addEventListener('input', () => {
      if (this.editing) this.editing.draft = input.value;
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') cancel();
    });
    return h(
      'form',
      { className: 'library-rename-form', onsubmit: (e: Event) => {
          e.preventDefault();
          save();
        },
      },
      input,
      h('button', { type: 'submit', className: 'library-rename-save', disabled: this.busy }, t('Save')),
      h('button', { type: 'button', onclick: cancel }, t('Cancel')),
    );
  }

  /** The row under a scenario to delete: what goes, what stays, and a yes and a no. */
  private deleteConfirm(r: LibraryRow, all: readonly LibraryRow[]): HTMLElement {
    const runs = all.filter((x) => x.kind === 'run' && x.scenarioId === r.scenarioId).length;
    const cancel = () => {
      this.editing = null;
      this.renderList();
      this.root.querySelector<HTMLElement>(`button.library-delete[data-id="${r.id}"]`)?.focus();
    };
    return h(
      'tr',
      {
        className: 'library-confirm',
        role: 'alertdialog',
        'aria-labelledby': 'library-confirm-text',
        onkeydown: (e: Event) => {
          if ((e as KeyboardEvent).key === 'Escape') cancel();
        },
      },
      h(
        'td',
        { colSpan: 7 },
        h(
          'p',
          { id: 'library-confirm-text' },
          runs
            ? t('Delete scenario “{name}”? Its {n} stored run(s) stay on the server, but leave this list.', { name: r.name, n: runs })
            : t('Delete scenario “{name}”?', { name: r.name }),
        ),
        h(
          'div',
          { className: 'row' },
          h('button', { type: 'button', id: 'library-confirm-delete', className: 'danger', disabled: this.busy, onclick: () => void this.act(() => this.actions!.remove(r.scenarioId, r.name)) }, t('Delete')),
          h('button', { type: 'button', id: 'library-cancel-delete', onclick: cancel }, t('Cancel')),
        ),
      ),
    );
  }

  /** Runs one change, says how it went, and reloads the list when it went through. */
  private async act(change: () => Promise<LibraryActionResult>): Promise<void> {
    if (this.busy) return;
    // After the reload, the focus goes back to the button used (a deleted row's: the list's first button).
    const used = this.focusedInList();
    // A rename saved from its box: back to the row's Rename button (the box goes with the reload).
    const renamed = used?.match(/^#rename-(.+)$/);
    this.focusAfter = renamed ? `button.library-rename[data-id="${renamed[1]}"]` : used;
    this.busy = true;
    this.actionStatus.textContent = t('Saving…');
    this.renderList();
    let result: LibraryActionResult;
    try {
      result = await change();
    } finally {
      this.busy = false;
    }
    this.actionStatus.textContent = result.message;
    this.actionStatus.dataset.ok = String(result.ok);
    if (result.ok || result.stale) {
      this.editing = null;
      this.events.onRefresh();
    } else {
      this.renderList();
    }
  }
}

