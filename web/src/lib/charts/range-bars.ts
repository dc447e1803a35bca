/**
 * Horizontal range bars: one row per item, a band from its least to its most and a tick at one value
 * inside it (room to negotiate: each market's tonnes within a tolerance of the best margin, the tick
 * the best plan). Names on the left, the band in words on the right. Pure: spec in, SVG text and
 * geometry out.
 */
import { estimateWidth, FONT, legendRow } from './axes.ts';
import { linearScale, niceDomain, niceTicks, type LinearScale } from './scale.ts';
import { el, svgRoot, text } from './svg.ts';
import { escapeHtml } from '../escape.ts';

export interface RangeRow {
  readonly id: string;
  /** Name on the left. */
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** The tick (the best plan's value). */
  readonly value: number;
  readonly colour: string;
  /** Words on the right ("150–323 kt"). */
  readonly note: string;
  /** Tooltip. */
  readonly title?: string;
}

export interface RangeBarsSpec {
  readonly title: string;
  readonly width?: number;
  readonly rows: readonly RangeRow[];
  readonly x: { readonly label: string; readonly format: (v: number) => string; readonly ticks?: number };
  /** Rows from this index on sit under a divider with this caption. */
  readonly divider?: { readonly at: number; readonly label: string };
  readonly legend?: readonly { readonly label: string; readonly colour: string; readonly kind: 'line' | 'dot' | 'box' | 'dash' }[];
  /** Legend entry for the tick. */
  readonly tickLabel?: string;
  /** Narrowest band drawn, px (a fixed value still shows). */
  readonly minBand?: number;
}

export interface RangeBarGeometry {
  readonly id: string;
  /** Row centre. */
  readonly y: number;
  readonly x0: number;
  readonly x1: number;
  readonly tick: number;
}

export interface RangeBars {
  readonly svg: string;
  readonly height: number;
  readonly x: LinearScale;
  readonly bars: readonly RangeBarGeometry[];
}

const ROW = 21;
const BAR = 11;
const LABEL_SIZE = 10.5;

/** Where a row's band goes: min–max on the scale, widened about its centre to at least `minWidth`. */
export function bandExtent(min: number, max: number, x: (v: number) => number, minWidth: number): [number, number] {
  let a = x(Math.min(min, max));
  let b = x(Math.max(min, max));
  if (b - a < minWidth) {
    const mid = (a + b) / 2;
    a = mid - minWidth / 2;
    b = mid + minWidth / 2;
  }
  return [a, b];
}

export function rangeBars(spec: RangeBarsSpec): RangeBars {
  const width = spec.width ?? 440;
  const rows = spec.rows;
  const labelWidth = Math.min(130, Math.max(40, ...rows.map((r) => estimateWidth(r.label, LABEL_SIZE)))) + 10;
  const noteWidth = Math.min(90, Math.max(30, ...rows.map((r) => estimateWidth(r.note, LABEL_SIZE - 0.5)))) + 10;
  const left = labelWidth;
  const right = width - noteWidth;
  const legendY = 14;
  const top = spec.legend || spec.tickLabel ? 30 : 8;
  const dividerAt = spec.divider && spec.divider.at > 0 && spec.divider.at < rows.length ? spec.divider.at : null;
  const dividerGap = dividerAt == null ? 0 : 22;
  const plotBottom = top + rows.length * ROW + dividerGap;
  const height = plotBottom + 38;
  const hi = Math.max(1, ...rows.map((r) => Math.max(r.max, r.value)));
  const x = linearScale(niceDomain(0, hi, spec.x.ticks ?? 5), [left, right]);
  const rowY = (i: number) => top + i * ROW + ROW / 2 + (dividerAt != null && i >= dividerAt ? dividerGap : 0);

  let body = '';
  // Legend: the colours, then the tick.
  let legendEnd = 4;
  if (spec.legend?.length) {
    body += legendRow(spec.legend, 4, legendY);
    legendEnd = 4 + spec.legend.reduce((w, item) => w + 20 + estimateWidth(item.label, 10.5) + 14, 0);
  }
  if (spec.tickLabel) {
    body += el('line', { x1: legendEnd + 7, x2: legendEnd + 7, y1: legendY - 10, y2: legendY + 2, stroke: '#111', 'stroke-width': 2.5 });
    body += text(legendEnd + 14, legendY, spec.tickLabel, { 'font-size': 10.5, fill: '#1f2933' });
  }
  // Grid and the x axis.
  const ticks = niceTicks(x.domain[0], x.domain[1], spec.x.ticks ?? 5);
  for (const t of ticks) {
    const tx = x(t);
    body += el('line', { x1: tx, x2: tx, y1: top, y2: plotBottom, stroke: '#e3e7eb', 'stroke-width': 1, class: 'grid' });
    body += text(tx, plotBottom + 15, spec.x.format(t), { 'text-anchor': 'middle', 'font-size': 10.5, fill: '#5f6b76', class: 'tick x-tick' });
  }
  body += el('line', { x1: left, x2: right, y1: plotBottom, y2: plotBottom, stroke: '#8a949e', 'stroke-width': 1 });
  body += text((left + right) / 2, height - 5, spec.x.label, { 'text-anchor': 'middle', 'font-size': 11, fill: '#1f2933', class: 'axis-title' });
  if (dividerAt != null) {
    const dy = top + dividerAt * ROW + 4;
    body += el('line', { x1: 4, x2: width - 4, y1: dy, y2: dy, stroke: '#9aa3ab', 'stroke-width': 1, 'stroke-dasharray': '3 3', class: 'divider' });
    body += text(4, dy + 13, spec.divider!.label, { 'font-size': 10, fill: '#5f6b76', 'font-style': 'italic', class: 'divider-label' });
  }

  const bars: RangeBarGeometry[] = [];
  rows.forEach((r, i) => {
    const y = rowY(i);
    const [x0, x1] = bandExtent(r.min, r.max, x, spec.minBand ?? 2);
    const tick = x(r.value);
    bars.push({ id: r.id, y, x0, x1, tick });
    const tip = r.title ? `<title>${escapeHtml(r.title)}</title>` : '';
    body += `<g class="range-row" data-id="${escapeHtml(r.id)}">${tip}`;
    body += text(left - 8, y + 3.5, r.label, { 'text-anchor': 'end', 'font-size': LABEL_SIZE, fill: '#1f2933', class: 'row-label' });
    body += el('rect', { x: x0, y: y - BAR / 2, width: x1 - x0, height: BAR, rx: 2, fill: r.colour, 'fill-opacity': 0.32, stroke: r.colour, 'stroke-width': 1.2, class: 'range-band' });
    body += el('line', { x1: tick, x2: tick, y1: y - BAR / 2 - 3, y2: y + BAR / 2 + 3, stroke: '#111', 'stroke-width': 2.5, class: 'plan-tick' });
    body += text(right + 8, y + 3.5, r.note, { 'font-size': LABEL_SIZE - 0.5, fill: '#1f2933', class: 'row-note' });
    body += '</g>';
  });
  return { svg: svgRoot(width, height, spec.title, 'range-bars', `<g ${FONT}>${body}</g>`), height, x, bars };
}
