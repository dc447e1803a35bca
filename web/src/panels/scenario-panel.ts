/**
 * The scenario panel: phase, horizon, policy, prices, freight, capacities and closures, the API key.
 * It reads its inputs into a ScenarioForm and reports changes; it shows field errors next to the field.
 */
import type { Network } from '../../../server/core/schema.ts';
import { fieldForPath, type FieldIssue } from '../lib/api-errors.ts';
import { fieldMessage } from '../lib/field-message.ts';
import { formatNumber, formatTonnes } from '../lib/format.ts';
import { carriedSummary, defaultForm, dropCarried, networkPending, type ScenarioForm } from '../lib/scenario-form.ts';
import { ownNetwork } from '../lib/plan-network.ts';
import { networkPendingText } from '../lib/stored-link.ts';
import { h, uid } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { DECIMAL_BOX, decimalText, parseDecimal } from '../lib/decimal-input.ts';
import { legLabels } from '../lib/names.ts';

export type Role = 'none' | 'viewer' | 'planner' | 'unknown';

export interface ScenarioPanelEvents {
  /** Any input changed (debounced by the caller if needed). `live` = a live slider is moving. */
  onChange(form: ScenarioForm, live: boolean): void;
  /** A live slider was let go (a drag ended, or a key moved it one step): the whole plan is due. */
  onLiveRest?(form: ScenarioForm): void;
  onRun(form: ScenarioForm): void;
  onSave(form: ScenarioForm): void;
  onCancel(): void;
  onKey(key: string): void;
}

interface Field {
  path: string;
  label: string;
  error: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement;
}

const KT = 1000;

export class ScenarioPanel {
  private readonly root: HTMLElement;
  private fields: Field[] = [];
  private form: ScenarioForm = defaultForm();
  private network: Network | null = null;
  private readonly runButton: HTMLButtonElement;
  private readonly saveButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly liveBox: HTMLInputElement;
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private readonly keyInput: HTMLInputElement;
  private readonly roleText: HTMLElement;
  private readonly keyError: HTMLElement;
  private readonly keyDetails: HTMLDetailsElement;
  private role: Role = 'unknown';
  private busy = false;

  constructor(root: HTMLElement, private readonly events: ScenarioPanelEvents) {
    this.root = root;
    this.runButton = h('button', { type: 'button', className: 'primary', id: 'run-button', onclick: () => this.events.onRun(this.read()) }, t('Run optimisation'));
    this.cancelButton = h('button', { type: 'button', id: 'cancel-button', hidden: true, onclick: () => this.events.onCancel() }, t('Cancel'));
    this.saveButton = h('button', { type: 'button', id: 'save-button', onclick: () => this.events.onSave(this.read()) }, t('Save as stored run'));
    this.liveBox = h('input', { type: 'checkbox', id: 'live-whatif', checked: true });
    this.summary = h('div', { className: 'form-summary', id: 'form-summary', role: 'alert' });
    this.body = h('div', { className: 'scenario-fields' });
    this.keyInput = h('input', { type: 'password', id: 'api-key', autocomplete: 'off', spellcheck: 'false', placeholder: 'cxo_…' });
    this.roleText = h('p', { className: 'hint', id: 'role-text' });
    this.keyError = h('p', { className: 'field-error', id: 'api-key-error', 'aria-live': 'polite' });
    this.keyInput.setAttribute('aria-describedby', this.keyError.id);
    const keyForm = h(
      'form',
      {
        className: 'key-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          this.events.onKey(this.keyInput.value.trim());
        },
      },
      h('label', { for: 'api-key' }, t('API key')),
      h('div', { className: 'row' }, this.keyInput, h('button', { type: 'submit' }, t('Use key'))),
      this.keyError,
      this.roleText,
    );
    this.keyDetails = h('details', { className: 'key-details', id: 'key-details' }, h('summary', {}, t('Access')), keyForm);
    root.append(
      h('h2', {}, t('Scenario')),
      this.body,
      this.summary,
      h(
        'div',
        { className: 'actions' },
        this.runButton,
        this.cancelButton,
        this.saveButton,
      ),
      h('div', { className: 'live-row' }, this.liveBox, h('label', { for: 'live-whatif' }, t('Re-plan live while dragging sliders (annual plans, solved in this browser)'))),
      this.keyDetails,
    );
    this.build();
  }

  setNetwork(network: Network | null): void {
    this.network = network;
    this.build();
  }

  /** Why the stored scenario a link plans on could not be read (said in the panel while the form waits for its network). */
  private storedProblem: { id: string; text: string } | null = null;

  showStoredProblem(problem: { id: string; text: string } | null): void {
    this.storedProblem = problem;
    this.build();
  }

  setForm(form: ScenarioForm): void {
    this.form = structuredClone(form);
    this.build();
  }

  get liveEnabled(): boolean {
    return this.liveBox.checked;
  }

  setKey(key: string): void {
    this.keyInput.value = key;
  }

  /** Why the key entered (or the one stored) cannot be used, next to the key field; null clears it. */
  showKeyProblem(problem: string | null): void {
    this.keyError.textContent = problem ?? '';
    if (problem) {
      this.keyInput.setAttribute('aria-invalid', 'true');
      this.keyDetails.open = true;
    } else {
      this.keyInput.removeAttribute('aria-invalid');
    }
  }

  /**
   * Planner actions are disabled for viewers and without a key; the line next to them says truthfully
   * what this key may do on this server (a server without public reads shows nothing without a key).
   */
  setRole(role: Role, publicRead = true): void {
    this.role = role;
    const words: Record<Role, string> = {
      none: publicRead
        ? t('No key: read-only. You can view plans and re-plan (nothing is stored); storing scenarios and runs needs a planner key.')
        : t('No key: this server shows plans only with an API key. Enter a viewer or planner key to see the network and plans.'),
      viewer: t('Viewer key: read-only. You can view plans and re-plan (nothing is stored); storing scenarios and runs needs a planner key.'),
      planner: t('Planner key: you can run and store scenarios.'),
      unknown: t('Checking what this key may do…'),
    };
    this.roleText.textContent = words[role];
    this.roleText.classList.toggle('warn', role === 'none' && !publicRead);
    this.root.classList.toggle('read-only', role === 'none' || role === 'viewer');
    // Where reads need a key, the Access form is open (not folded) so the way in is in sight.
    if (role === 'none' && !publicRead) this.keyDetails.open = true;
    this.updateButtons();
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.updateButtons();
  }

  private updateButtons(): void {
    const readOnly = this.role === 'none' || this.role === 'viewer';
    this.runButton.disabled = this.busy;
    this.runButton.textContent = t('Run optimisation');
    this.runButton.title = readOnly ? t('Read-only: the plan is computed but not stored') : '';
    this.saveButton.disabled = this.busy || readOnly;
    this.saveButton.hidden = readOnly;
    this.cancelButton.hidden = !this.busy;
  }

  /** Field issues (from the shared schema or a 400) next to their fields; the rest in the summary. */
  showIssues(issues: FieldIssue[], summary: string | null): void {
    for (const f of this.fields) {
      f.error.textContent = '';
      f.input.removeAttribute('aria-invalid');
    }
    const loose: string[] = [];
    const known = this.fields.map((f) => f.path);
    for (const issue of issues) {
      const path = fieldForPath(issue.path, known);
      const field = path ? this.fields.find((f) => f.path === path) : undefined;
      const message = fieldMessage(issue.message);
      if (field) {
        field.error.textContent = t('{label} {message}.', { label: field.label, message });
        field.input.setAttribute('aria-invalid', 'true');
      } else {
        loose.push(`${issue.path || 'scenario'}: ${message}`);
      }
    }
    this.summary.textContent = '';
    if (summary || loose.length) {
      this.summary.append(h('p', {}, summary ?? t('Some values are not valid.')), ...loose.map((text) => h('p', { className: 'field-error' }, text)));
    }
  }

  /** The form as the inputs currently say (invalid numbers stay NaN so validation reports them). */
  read(): ScenarioForm {
    return structuredClone(this.form);
  }

  private build(): void {
    const form = this.form;
    this.fields = [];
    this.body.textContent = '';
    // The rows are those of the network the form plans on: its own (a stored scenario's), or the default one.
    const network = ownNetwork(form.carried) ?? this.network;
    const phases = network?.plants[0]?.capacityTonnesPerYearByPhase ?? [1_300_000, 2_500_000];

    // One year, or a run of years with its last year and the year phase 2 starts: the fields of the
    // horizon chosen are shown, the others kept (hidden) so switching back finds them as they were.
    const yearField = this.number('horizon.year', t('Year'), form.year, { min: 2000, max: 2100, step: 1 }, (v) => (form.year = v));
    const years = h(
      'div',
      { className: 'multi-year-fields', id: 'multi-year-fields' },
      this.number('horizon.fromYear', t('First year'), form.year, { min: 2000, max: 2100, step: 1 }, (v) => (form.year = v)),
      this.number('horizon.toYear', t('Last year'), form.toYear, { min: 2000, max: 2100, step: 1 }, (v) => (form.toYear = v)),
      this.optionalNumber('horizon.phase2FromYear', t('Phase 2 from year (blank = the plant phase above in every year)'), form.phase2FromYear, (v) => (form.phase2FromYear = v)),
      h('p', { className: 'hint' }, t('One period a year; the key figures are totals over the years.')),
    );
    const showHorizon = () => {
      const multi = form.horizon === 'multi-year';
      yearField.hidden = multi;
      years.hidden = !multi;
      // The year and the first year are one value: the box shown carries it.
      for (const box of [yearField, years.firstElementChild]) {
        const input = box?.querySelector('input');
        if (input && document.activeElement !== input && Number.isFinite(form.year)) input.value = decimalText(form.year);
      }
    };
    showHorizon();

    const general = section(t('Plan'));
    general.append(
      this.text('name', t('Scenario name'), form.name, (v) => (form.name = v)),
      this.select(
        'market',
        t('Market mode'),
        form.market,
        [
          ['price-taker', t('Price-taker: our tonnes at given prices')],
          ['clearing', t('Market clearing: competitors, prices clear')],
        ],
        (v) => (form.market = v as ScenarioForm['market']),
      ),
      this.select(
        'phase',
        t('Plant phase'),
        String(form.phase),
        phases.map((cap, i) => [String(i + 1), t('Phase {n} — {capacity}/yr', { n: i + 1, capacity: formatTonnes(cap) })]),
        (v) => (form.phase = Number(v)),
      ),
      this.select(
        'horizon',
        t('Horizon'),
        form.horizon,
        [
          ['annual', t('Annual (one period)')],
          ['monthly', t('Monthly (12 periods, ice and seasons)')],
          ['multi-year', t('Multi-year (one period a year)')],
        ],
        (v) => {
          form.horizon = v as ScenarioForm['horizon'];
          showHorizon();
        },
      ),
      yearField,
      years,
    );

    const policy = section(t('Domestic-supply rule'));
    policy.append(
      this.slider('policy.domesticShare', t('Minimum domestic share'), form.domesticShare, { min: 0, max: 1, step: 0.01 }, (v) => (form.domesticShare = v), {
        live: true,
        show: (v) => `${Math.round(v * 100)} %`,
        numberLabel: t('Minimum domestic share as a fraction (0–1)'),
      }),
      this.select(
        'policy.basis',
        t('Share measured on'),
        form.basis,
        [
          ['sales', t('Sales (domestic ÷ all sales)')],
          ['production', t('Production (domestic ÷ output)')],
        ],
        (v) => (form.basis = v as ScenarioForm['basis']),
      ),
      this.optionalNumber(
        'policy.exportCapTonnesPerYear',
        t('Export cap, kt/yr (blank = none)'),
        form.exportCapTonnesPerYear == null ? null : form.exportCapTonnesPerYear / KT,
        (v) => (form.exportCapTonnesPerYear = v == null ? null : v * KT),
      ),
    );

    const prices = section(t('Prices'));
    prices.append(
      this.slider('overrides.exportPriceMultiplier', t('Export prices ×'), form.exportPriceMultiplier, { min: 0.5, max: 2, step: 0.01 }, (v) => (form.exportPriceMultiplier = v), {
        live: true,
        show: (v) => `× ${formatNumber(v, 2)}`,
      }),
      this.slider('overrides.domesticPriceMultiplier', t('Domestic prices ×'), form.domesticPriceMultiplier, { min: 0.5, max: 2, step: 0.01 }, (v) => (form.domesticPriceMultiplier = v), {
        live: true,
        show: (v) => `× ${formatNumber(v, 2)}`,
      }),
      this.number('carbonPriceUsdPerTonneCo2', t('Carbon price, USD/t CO₂'), form.carbonPriceUsdPerTonneCo2, { min: 0, max: 10000, step: 1 }, (v) => (form.carbonPriceUsdPerTonneCo2 = v)),
    );

    const freight = section(t('Freight'));
    freight.append(
      this.slider('overrides.freightMultiplier', t('All freight ×'), form.freightMultiplier, { min: 0.5, max: 2, step: 0.01 }, (v) => (form.freightMultiplier = v), {
        live: true,
        show: (v) => `× ${formatNumber(v, 2)}`,
      }),
      h(
        'div',
        { className: 'grid3' },
        ...(['rail', 'road', 'sea'] as const).map((mode) =>
          this.number(`overrides.freightMultiplierByMode.${mode}`, t({ rail: 'Rail ×', road: 'Road ×', sea: 'Sea ×' }[mode]), form.freightByMode[mode], { min: 0, max: 100, step: 0.05 }, (v) => (form.freightByMode[mode] = v)),
        ),
      ),
    );

    const capacity = section(t('Ports and legs: capacity and closures'), true);
    const ports = (network?.nodes ?? []).filter((n) => n.kind === 'port' || n.throughputTonnesPerYear != null);
    if (ports.length) {
      capacity.append(h('h4', {}, t('Ports and nodes')));
      for (const node of ports) {
        form.nodes[node.id] ??= { capacityTonnesPerYear: null, closed: false };
        const edit = form.nodes[node.id];
        capacity.append(
          this.capacityRow(`overrides.nodes.${node.id}`, node.name, node.throughputTonnesPerYear ?? null, edit),
        );
      }
    }
    const legs = network?.legs ?? [];
    if (legs.length) {
      const list = h('details', { className: 'legs-details' }, h('summary', {}, t('Legs ({n})', { n: legs.length })));
      const labels = legLabels(legs, network);
      for (const [i, leg] of legs.entries()) {
        form.legs[leg.id] ??= { capacityTonnesPerYear: null, closed: false };
        const edit = form.legs[leg.id];
        const label = labels[i]!;
        list.append(this.capacityRow(`overrides.legs.${leg.id}`, label.short, leg.capacityTonnesPerYear ?? null, edit, label.full));
      }
      capacity.append(list);
    }
    if (!ports.length && !legs.length) capacity.append(h('p', { className: 'hint' }, t('Loading the network…')));

    this.body.append(...this.carriedNote(), general, policy, prices, freight, capacity);
  }

  /**
   * A scenario opened from the library (or a link) may hold settings the form has no control for:
   * they are kept and planned with it, and said here, with a button to drop them (the defaults apply).
   */
  private carriedNote(): HTMLElement[] {
    const items = carriedSummary(this.form.carried);
    // A link's stored scenario whose network is not (yet) read: said, with the same way out.
    const id = this.form.stored?.id;
    const pending = networkPending(this.form) && id ? (this.storedProblem?.id === id ? this.storedProblem.text : networkPendingText(id)) : null;
    if (!items.length && !pending) return [];
    const drop = h(
      'button',
      {
        type: 'button',
        id: 'drop-carried',
        onclick: () => {
          this.form = dropCarried(this.form);
          this.build();
          this.changed();
        },
      },
      t('Drop these settings (use the defaults)'),
    );
    return [
      h(
        'div',
        { className: 'carried-note', id: 'carried-settings', role: 'note' },
        ...(pending ? [h('p', { id: 'network-pending' }, pending)] : []),
        ...(items.length ? [h('p', {}, t('This scenario has settings the form does not show: {list}. They are kept: Run and Save plan them with the values in the form.', { list: items.join(', ') }))] : []),
        drop,
      ),
    ];
  }

  // --- field builders: every input gets a <label> and an error line it is described by ---

  private wrap(path: string, label: string, input: HTMLInputElement | HTMLSelectElement, extra?: Node): HTMLElement {
    const error = h('p', { className: 'field-error', id: `${input.id}-error`, 'aria-live': 'polite' });
    input.setAttribute('aria-describedby', error.id);
    input.dataset.path = path;
    this.fields.push({ path, label, error, input });
    return h('div', { className: 'field' }, h('label', { for: input.id }, label), extra ? h('div', { className: 'row' }, input, extra) : input, error);
  }

  private changed(live = false): void {
    this.events.onChange(this.read(), live);
  }

  private text(path: string, label: string, value: string, set: (v: string) => void): HTMLElement {
    const input = h('input', { type: 'text', id: uid('f'), value, maxlength: 200 });
    input.addEventListener('input', () => {
      set(input.value);
      this.changed();
    });
    return this.wrap(path, label, input);
  }

  private select(path: string, label: string, value: string, options: [string, string][], set: (v: string) => void): HTMLElement {
    const input = h('select', { id: uid('f') }, ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
    input.addEventListener('change', () => {
      set(input.value);
      this.changed();
    });
    return this.wrap(path, label, input);
  }

  private number(path: string, label: string, value: number, range: { min: number; max: number; step: number }, set: (v: number) => void): HTMLElement {
    // A whole, non-negative figure (a year) gets a keypad without a decimal mark.
    const wholeNumbers = Number.isInteger(range.step) && range.min >= 0;
    const input = h('input', { ...DECIMAL_BOX, inputmode: wholeNumbers ? 'numeric' : 'decimal', id: uid('f'), value: decimalText(value) });
    input.addEventListener('input', () => {
      set(parseDecimal(input.value));
      this.changed();
    });
    return this.wrap(path, label, input);
  }

  private optionalNumber(path: string, label: string, value: number | null, set: (v: number | null) => void): HTMLElement {
    const input = h('input', { ...DECIMAL_BOX, id: uid('f'), value: value == null ? '' : decimalText(value) });
    input.addEventListener('input', () => {
      set(input.value.trim() === '' ? null : parseDecimal(input.value));
      this.changed();
    });
    return this.wrap(path, label, input);
  }

  /** A range slider with a number box beside it; both labelled, both drive the same value. */
  private slider(
    path: string,
    label: string,
    value: number,
    range: { min: number; max: number; step: number },
    set: (v: number) => void,
    options: { live: boolean; show: (v: number) => string; numberLabel?: string },
  ): HTMLElement {
    const slider = h('input', { type: 'range', id: uid('f'), min: range.min, max: range.max, step: range.step, value: String(value) });
    const numberId = uid('f');
    const box = h('input', { ...DECIMAL_BOX, id: numberId, value: decimalText(value), className: 'slider-number' });
    const out = h('output', { for: slider.id, className: 'slider-value' }, options.show(value));
    slider.addEventListener('input', () => {
      const v = Number(slider.value);
      box.value = decimalText(v);
      out.textContent = options.show(v);
      set(v);
      this.changed(options.live);
    });
    if (options.live) slider.addEventListener('change', () => this.events.onLiveRest?.(this.read()));
    box.addEventListener('input', () => {
      const v = parseDecimal(box.value);
      if (Number.isFinite(v)) {
        slider.value = String(v);
        // A value so large its figure overflows (1e308 as a share is "Infinity %") shows no figure:
        // the field's own message says what is wrong with it.
        const shown = options.show(v);
        out.textContent = /Infinity|NaN/.test(shown) ? '—' : shown;
      }
      set(v);
      this.changed(false);
    });
    const wrapped = this.wrap(path, label, box);
    // The slider sits above the number box, under the same field label; it has its own label for AT.
    const sliderLabel = h('label', { for: slider.id, className: 'visually-hidden' }, t('{label} slider', { label }));
    const numberLabel = h('label', { for: numberId, className: 'visually-hidden' }, options.numberLabel ?? t('{label} value', { label }));
    wrapped.querySelector('label')!.setAttribute('for', slider.id);
    wrapped.insertBefore(h('div', { className: 'row slider-row' }, sliderLabel, slider, out), wrapped.children[1]);
    wrapped.insertBefore(numberLabel, box);
    slider.setAttribute('aria-describedby', `${box.id}-error`);
    return wrapped;
  }

  /** One port's or leg's capacity and closure: its name on a line of its own (the full name as a tooltip), the boxes under it. */
  private capacityRow(path: string, name: string, networkCap: number | null, edit: { capacityTonnesPerYear: number | null; closed: boolean }, fullName = name): HTMLElement {
    const capId = uid('f');
    const closedId = uid('f');
    const cap = h('input', {
      ...DECIMAL_BOX,
      id: capId,
      value: edit.capacityTonnesPerYear == null ? '' : decimalText(edit.capacityTonnesPerYear / KT),
      placeholder: networkCap == null ? t('unlimited') : decimalText(networkCap / KT),
    });
    const closed = h('input', { type: 'checkbox', id: closedId, checked: edit.closed });
    cap.addEventListener('input', () => {
      edit.capacityTonnesPerYear = cap.value.trim() === '' ? null : parseDecimal(cap.value) * KT;
      this.changed();
    });
    closed.addEventListener('change', () => {
      edit.closed = closed.checked;
      this.changed();
    });
    const error = h('p', { className: 'field-error', id: `${capId}-error` });
    cap.setAttribute('aria-describedby', error.id);
    cap.dataset.path = path;
    this.fields.push({ path, label: name, error, input: cap });
    return h(
      'div',
      { className: 'cap-row' },
      h('span', { className: 'cap-name', title: fullName }, name),
      h('label', { for: capId, className: 'cap-label' }, h('span', { className: 'visually-hidden' }, t('{name}: capacity,', { name: fullName }), ' '), t('kt/yr')),
      cap,
      closed,
      h('label', { for: closedId }, t('closed'), h('span', { className: 'visually-hidden' }, ` (${name})`)),
      error,
    );
  }
}

function section(title: string, collapsed = false): HTMLElement {
  const details = h('details', { className: 'form-section', open: !collapsed });
  details.append(h('summary', {}, title));
  return details;
}

