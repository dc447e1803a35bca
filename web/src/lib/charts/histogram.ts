/**
 * Histograms of Monte Carlo figures (margin, export volume, domestic share) with percentile
 * markers (p5 / p50 / p95). Pure: spec in, SVG text and geometry out.
 */
import { estimateWidth, FONT, plotBox, xAxis, yAxis, type Frame } from './axes.ts';
import { linearScale, niceDomain, niceTicks, type LinearScale } from './scale.ts';
import { el, svgRoot, text } from './svg.ts';
import { t } from '../../i18n/index.ts';
import { formatNumber } from '../format.ts';

export interface Bin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export interface HistogramSpec {
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
  readonly bins: readonly Bin[];
  readonly x: { readonly label: string; readonly format: (v: number) => string };
  readonly markers?: readonly { readonly value: number; readonly label: string }[];
  /** Marker values in words (default: the x format). */
  readonly markerFormat?: (v: number) => string;
  readonly colour?: string;
}

export interface Histogram {
  readonly svg: string;
  readonly x: LinearScale;
  readonly y: LinearScale;
  /** Bars as drawn: x, width, height in px. */
  readonly bars: readonly { readonly x: number; readonly width: number; readonly height: number; readonly count: number }[];
  /** Marker x positions and the row their label sits in (labels that would overlap go a row up). */
  readonly markers: readonly { readonly x: number; readonly row: number }[];
}

export type LabelAnchor = 'start' | 'middle' | 'end';

/** Where a label of `width` px sits when anchored at `x`. */
function labelSpan(x: number, width: number, anchor: LabelAnchor): { from: number; to: number } {
  const from = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
  return { from: from - 3, to: from + width + 3 };
}

/**
 * Label rows so neighbouring labels do not overlap: each label takes the lowest row that is free,
 * measured where it is drawn (a label near an edge is anchored at its start or end, not its middle).
 */
export function labelRows(xs: readonly number[], widths: readonly number[], anchors: readonly LabelAnchor[] = []): number[] {
  const rows: { from: number; to: number }[][] = [];
  return xs.map((x, i) => {
    const span = labelSpan(x, widths[i], anchors[i] ?? 'middle');
    let r = 0;
    while (rows[r]?.some((s) => s.from < span.to && span.from < s.to)) r += 1;
    rows[r] ??= [];
    rows[r].push(span);
    return r;
  });
}

export function histogram(spec: HistogramSpec): Histogram {
  const width = spec.width ?? 440;
  const height = spec.height ?? 190;
  const f: Frame = { width, height, left: 44, right: 16, top: 48, bottom: 38 };
  const box = plotBox(f);
  const bins = spec.bins;
  let lo = bins.length ? bins[0].from : 0;
  let hi = bins.length ? bins[bins.length - 1].to : 1;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const x = linearScale([lo, hi], [box.x0, box.x1]);
  const maxCount = Math.max(1, ...bins.map((b) => b.count));
  const y = linearScale(niceDomain(0, maxCount, 4), [box.y0, box.y1]);
  const yTicks = niceTicks(0, y.domain[1], 4).filter((t) => Number.isInteger(t));
  let body = yAxis(y, { label: t('Draws'), format: (v) => formatNumber(v) }, f, yTicks);
  body += xAxis(x, { label: spec.x.label, format: spec.x.format, ticks: 4 }, f);
  const bars: { x: number; width: number; height: number; count: number }[] = [];
  const single = bins.length === 1 || bins.every((b) => b.from === bins[0].from && b.to === bins[0].to);
  for (const b of bins) {
    const x0 = single ? (box.x0 + box.x1) / 2 - 12 : x(b.from);
    const w = single ? 24 : Math.max(1, x(b.to) - x(b.from) - 1);
    const h = box.y0 - y(b.count);
    bars.push({ x: x0, width: w, height: h, count: b.count });
    if (b.count > 0) body += el('rect', { x: x0 + 0.5, y: y(b.count), width: w, height: h, fill: spec.colour ?? '#1d4f91', opacity: 0.85, class: 'bar' }, `<title>${b.count} draws</title>`);
  }
  const markers = spec.markers ?? [];
  const mx = markers.map((m) => x(m.value));
  const labels = markers.map((m) => `${m.label} ${(spec.markerFormat ?? spec.x.format)(m.value)}`);
  const anchors = mx.map((v): LabelAnchor => (v < box.x0 + 40 ? 'start' : v > box.x1 - 40 ? 'end' : 'middle'));
  const rows = labelRows(mx, labels.map((l) => estimateWidth(l, 10)), anchors);
  markers.forEach((m, i) => {
    const top = box.y1 - 6 - rows[i] * 12;
    body += el('line', { x1: mx[i], x2: mx[i], y1: top + 2, y2: box.y0, stroke: '#111', 'stroke-width': m.label === 'p50' ? 1.8 : 1.2, 'stroke-dasharray': m.label === 'p50' ? null : '4 3', class: 'percentile' });
    body += text(mx[i], top, labels[i], { 'text-anchor': anchors[i], 'font-size': 10, 'font-weight': 600, fill: '#111', class: 'percentile-label' });
  });
  return { svg: svgRoot(width, height, spec.title, 'histogram', `<g ${FONT}>${body}</g>`), x, y, bars, markers: mx.map((v, i) => ({ x: v, row: rows[i] })) };
}
