/**
 * What the analysis tabs share: the scenario on screen (or why there is none), a status line in
 * words, the words for a failed request, and the small builders every tab uses (number fields,
 * KPI boxes, chart SVG as a node).
 */
import type { Network } from '../../../../server/core/schema.ts';
import { h, uid } from '../../dom.ts';
import type { ErrorReport } from '../../lib/api-errors.ts';
import { t } from '../../i18n/index.ts';
import { DECIMAL_BOX, decimalText, parseDecimal } from '../../lib/decimal-input.ts';
import { formatShare } from '../../lib/format.ts';
import { fieldMessage } from '../../lib/field-message.ts';

export type AnalysisScenario = { ok: true; scenario: Record<string, unknown> & { name: string }; domesticShare: number } | { ok: false; message: string };
export type ScenarioOnScreen = Extract<AnalysisScenario, { ok: true }>;

/** What a tab needs of the page. */
export interface TabEnv {
  /** The scenario on screen, or null with the reason said in `status`. */
  scenarioOr(status: HTMLElement): ScenarioOnScreen | null;
  network(): Network | null;
}

export const MARGIN_COLOUR = '#1d4f91';

export type StatusKind = 'ok' | 'bad' | 'busy';

/** Says `text` in a tab's status line. */
export function say(status: HTMLElement, text: string, kind: StatusKind = 'ok'): void {
  status.textContent = text;
  status.className = `analysis-status ${kind}`;
}

/**
 * Words for a failed analysis request, said next to its button. `read`: the analysis is a read that
 * any key may run (room to negotiate), so a refusal asks for a key rather than a planner key.
 */
export function failureWords(report: ErrorReport, read = false): string {
  if (report.code === 'key_refused') return `${report.summary}.`;
  if (report.status === 401 && read) return t('This analysis needs an API key (viewer or planner): enter one under “Access” in the scenario panel.');
  if (report.status === 401) return t('This analysis needs a planner API key: enter one under “Access” in the scenario panel.');
  if (report.status === 403) return t('Your key is a viewer key: analyses run only with a planner key.');
  // The solve budget (429) and a full queue (503) say what happened and when to try again.
  if (report.status === 429 || report.code === 'overloaded') return report.summary;
  if (report.code === 'aborted') return t('Cancelled.');
  // The fields the server named, in the page's words: "axes.0.to: must be ≤ 100", not "the scenario has invalid values".
  if ((report.status === 400 || report.status === 422) && report.fields.length > 0) {
    const listed = report.fields.slice(0, 3).map((f) => `${f.path || '—'}: ${fieldMessage(f.message)}`);
    return t('The request has invalid values: {fields}.', { fields: `${listed.join('; ')}${report.fields.length > 3 ? ' …' : ''}` });
  }
  return `${report.summary}.`.replace(/\.\.$/, '.');
}

/** The domestic share a scenario's rule keeps at home, in words ("50 %"), for what the analyses say about the rule. */
export function ruleShareOf(scenario: unknown): string {
  const share = (scenario as { policy?: { domesticShare?: number } } | null)?.policy?.domesticShare;
  return formatShare(typeof share === 'number' ? share : 0.5, 0);
}

/** The number a form box holds, typed in the page's language (NaN when it is not one). */
export function readNumber(input: HTMLInputElement): number {
  return parseDecimal(input.value);
}

/** Shows a value in a form box, with the page's decimal mark. */
export function showNumber(input: HTMLInputElement, value: number): void {
  input.value = decimalText(value);
}

export function numberField(label: string, value: number, opts: { min?: number; max?: number; step: number | 'any'; id?: string }): { field: HTMLElement; input: HTMLInputElement } {
  // A text box with a decimal keyboard: read it with `readNumber` (lib/decimal-input.ts says why). min, max and step are the field's range, said in its title.
  const range = [opts.min, opts.max].some((x) => x !== undefined) ? `${opts.min ?? '−∞'} … ${opts.max ?? '∞'}` : undefined;
  const input = h('input', { ...DECIMAL_BOX, id: opts.id ?? uid('a'), value: decimalText(value), title: range });
  return { field: h('div', { className: 'field' }, h('label', { for: input.id }, label), input), input };
}

export function statusLine(id: string): HTMLElement {
  return h('p', { className: 'analysis-status', id, role: 'status', 'aria-live': 'polite' });
}

export function kpi(label: string, value: string, note: string, id?: string): HTMLElement {
  return h('div', { className: 'kpi', id }, h('div', { className: 'kpi-label' }, label), h('div', { className: 'kpi-value' }, value), h('div', { className: 'kpi-note' }, note));
}

/** Our own SVG text (built and escaped by lib/charts) as a node. */
export function htmlOf(svg: string): HTMLElement {
  const wrap = document.createElement('div');
  wrap.className = 'svg-wrap';
  wrap.innerHTML = svg;
  return wrap;
}
