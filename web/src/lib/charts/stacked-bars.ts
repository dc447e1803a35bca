/**
 * Stacked bars of volumes by year and destination (phasing), with the plant's capacity as a tick
 * over each bar. Pure: spec in, SVG text and geometry out.
 */
import { FONT, plotBox, yAxis, type AxisSpec, type Frame } from './axes.ts';
import { bandScale, linearScale, niceDomain, type LinearScale } from './scale.ts';
import { el, svgRoot, text } from './svg.ts';
import { escapeHtml } from '../escape.ts';

export interface StackSeries {
  readonly name: string;
  readonly colour: string;
  readonly values: readonly number[];
}

export interface StackedBarsSpec {
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
  readonly categories: readonly string[];
  /** Bottom first. */
  readonly series: readonly StackSeries[];
  readonly y: AxisSpec;
  /** A level per category drawn as a dark tick across the bar (capacity). */
  readonly line?: { readonly name: string; readonly values: readonly number[] };
  /** Text over each bar (e.g. "51 % home"). */
  readonly notes?: readonly string[];
}

export interface StackedBars {
  readonly svg: string;
  readonly y: LinearScale;
  /** segments[category][series]: y (top) and height in px. */
  readonly segments: { readonly y: number; readonly height: number }[][];
}

/** Running totals: stacks[c][s] = [bottom, top] of series s in category c. */
export function stack(series: readonly StackSeries[], categories: number): [number, number][][] {
  return Array.from({ length: categories }, (_, c) => {
    let base = 0;
    return series.map((s) => {
      const v = Math.max(0, s.values[c] ?? 0);
      const seg: [number, number] = [base, base + v];
      base += v;
      return seg;
    });
  });
}

export function stackedBars(spec: StackedBarsSpec): StackedBars {
  const width = spec.width ?? 440;
  const height = spec.height ?? 260;
  const f: Frame = { width, height, left: 58, right: 12, top: 40, bottom: 28 };
  const box = plotBox(f);
  const stacks = stack(spec.series, spec.categories.length);
  const top = Math.max(1, ...stacks.map((s) => (s.length ? s[s.length - 1][1] : 0)), ...(spec.line?.values ?? []));
  const y = linearScale(niceDomain(0, top, spec.y.ticks ?? 5), [box.y0, box.y1]);
  const bx = bandScale(spec.categories.length, [box.x0, box.x1], 0.35);
  let body = yAxis(y, spec.y, f);
  body += el('line', { x1: box.x0, x2: box.x1, y1: box.y0, y2: box.y0, stroke: '#8a949e' });
  const segments: { y: number; height: number }[][] = [];
  spec.categories.forEach((cat, c) => {
    const x0 = bx.start(c);
    segments.push([]);
    stacks[c].forEach(([b, t], s) => {
      const yTop = y(t);
      const h = y(b) - y(t);
      segments[c].push({ y: yTop, height: h });
      if (h > 0.01) body += el('rect', { x: x0, y: yTop, width: bx.width, height: h, fill: spec.series[s].colour, stroke: '#fff', 'stroke-width': 0.6, class: 'segment', 'data-series': spec.series[s].name }, `<title>${cat} — ${escapeHtml(spec.series[s].name)}: ${escapeHtml(spec.y.format(t - b))}</title>`);
    });
    if (spec.line) {
      const ly = y(spec.line.values[c] ?? 0);
      body += el('line', { x1: x0 - 5, x2: x0 + bx.width + 5, y1: ly, y2: ly, stroke: '#111', 'stroke-width': 2, class: 'capacity' });
    }
    body += text(bx.centre(c), box.y0 + 15, cat, { 'text-anchor': 'middle', 'font-size': 10.5, fill: '#1f2933', class: 'tick x-tick' });
    if (spec.notes?.[c]) {
      const total = stacks[c].length ? stacks[c][stacks[c].length - 1][1] : 0;
      const over = Math.min(y(total), spec.line ? y(spec.line.values[c] ?? 0) : Infinity);
      body += text(bx.centre(c), over - 5, spec.notes[c], { 'text-anchor': 'middle', 'font-size': 9.5, fill: '#5f6b76' });
    }
  });
  if (spec.line) {
    body += el('line', { x1: box.x1 - 118, x2: box.x1 - 100, y1: 10.5, y2: 10.5, stroke: '#111', 'stroke-width': 2 });
    body += text(box.x1 - 96, 14, spec.line.name, { 'font-size': 10.5, fill: '#1f2933' });
  }
  return { svg: svgRoot(width, height, spec.title, 'stacked-bars', `<g ${FONT}>${body}</g>`), y, segments };
}
