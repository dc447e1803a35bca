/** Axes drawn as SVG text: gridlines, ticks and titles shared by every chart. Pure. */
import { niceTicks, type LinearScale } from './scale.ts';
import { el, px, text } from './svg.ts';

export interface AxisSpec {
  /** Axis title in words with its unit: "Margin, USD". */
  readonly label: string;
  /** Tick label: 27_500_000 → "27.5 m". */
  readonly format: (value: number) => string;
  /** About this many intervals (default 5). */
  readonly ticks?: number;
  /** Include zero in the axis range. */
  readonly zero?: boolean;
  /** Fixed domain instead of the data's extent. */
  readonly domain?: readonly [number, number];
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export const FONT = 'font-family="system-ui, sans-serif"';

export function plotBox(f: Frame): { x0: number; x1: number; y0: number; y1: number } {
  return { x0: f.left, x1: f.width - f.right, y0: f.height - f.bottom, y1: f.top };
}

/** Horizontal gridlines and left tick labels for a y scale, with the title above the axis. */
export function yAxis(scale: LinearScale, axis: AxisSpec, f: Frame, ticks = niceTicks(scale.domain[0], scale.domain[1], axis.ticks ?? 5)): string {
  const { x0, x1 } = plotBox(f);
  let out = '';
  for (const t of ticks) {
    const y = scale(t);
    out += el('line', { x1: x0, x2: x1, y1: y, y2: y, stroke: '#e3e7eb', 'stroke-width': 1, class: 'grid' });
    out += text(x0 - 6, y + 3.5, axis.format(t), { 'text-anchor': 'end', 'font-size': 10.5, fill: '#5f6b76', class: 'tick y-tick' });
  }
  out += text(4, f.top - 10, axis.label, { 'font-size': 11, fill: '#1f2933', 'font-weight': 600, class: 'axis-title' });
  return out;
}

/** A right-hand y axis (a second measure on the same x), labels only. */
export function yAxisRight(scale: LinearScale, axis: AxisSpec, f: Frame, ticks = niceTicks(scale.domain[0], scale.domain[1], axis.ticks ?? 5)): string {
  const { x1 } = plotBox(f);
  let out = '';
  for (const t of ticks) out += text(x1 + 6, scale(t) + 3.5, axis.format(t), { 'font-size': 10.5, fill: '#5f6b76', class: 'tick y2-tick' });
  out += text(f.width - 4, f.top - 10, axis.label, { 'text-anchor': 'end', 'font-size': 11, fill: '#1f2933', 'font-weight': 600, class: 'axis-title' });
  return out;
}

/** The x axis line, ticks, labels and title under the plot. */
export function xAxis(scale: LinearScale, axis: AxisSpec, f: Frame, ticks = niceTicks(scale.domain[0], scale.domain[1], axis.ticks ?? 5)): string {
  const { x0, x1, y0 } = plotBox(f);
  let out = el('line', { x1: x0, x2: x1, y1: y0, y2: y0, stroke: '#8a949e', 'stroke-width': 1 });
  for (const t of ticks) {
    const x = scale(t);
    out += el('line', { x1: x, x2: x, y1: y0, y2: y0 + 4, stroke: '#8a949e' });
    out += text(x, y0 + 16, axis.format(t), { 'text-anchor': 'middle', 'font-size': 10.5, fill: '#5f6b76', class: 'tick x-tick' });
  }
  out += text((x0 + x1) / 2, f.height - 6, axis.label, { 'text-anchor': 'middle', 'font-size': 11, fill: '#1f2933', class: 'axis-title' });
  return out;
}

/** A row of legend entries (swatch + words) laid out left to right from (x, y). */
export function legendRow(items: readonly { label: string; colour: string; kind: 'line' | 'dot' | 'box' | 'dash' }[], x: number, y: number): string {
  let out = '';
  let at = x;
  for (const item of items) {
    if (item.kind === 'line') out += el('line', { x1: at, x2: at + 16, y1: y - 3.5, y2: y - 3.5, stroke: item.colour, 'stroke-width': 2.5 });
    else if (item.kind === 'dash') out += el('line', { x1: at, x2: at + 16, y1: y - 3.5, y2: y - 3.5, stroke: item.colour, 'stroke-width': 1.5, 'stroke-dasharray': '4 3' });
    else if (item.kind === 'dot') out += el('circle', { cx: at + 8, cy: y - 3.5, r: 4, fill: item.colour, stroke: '#fff', 'stroke-width': 1 });
    else out += el('rect', { x: at + 2, y: y - 9, width: 11, height: 11, fill: item.colour, rx: 2 });
    out += text(at + 20, y, item.label, { 'font-size': 10.5, fill: '#1f2933' });
    at += 20 + estimateWidth(item.label, 10.5) + 14;
  }
  return out;
}

/** Rough text width of system-ui at a size (for layout only). */
export function estimateWidth(s: string, size: number): number {
  return s.length * size * 0.56;
}

export { px };
