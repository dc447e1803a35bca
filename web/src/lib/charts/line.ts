/**
 * Line charts: margin against the domestic share, a 1-D sweep's margin and exports. One or two
 * measures on one x (the second on a right-hand axis), marked points (where the 50 % rule binds),
 * an optional vertical marker (the current policy line). Pure: spec in, SVG text and geometry out.
 */
import { FONT, legendRow, plotBox, xAxis, yAxis, yAxisRight, type AxisSpec, type Frame } from './axes.ts';
import { extent, linearScale, niceDomain, type LinearScale } from './scale.ts';
import { el, linePath, svgRoot, text } from './svg.ts';
import { t } from '../../i18n/index.ts';

export interface LinePoint {
  readonly x: number;
  /** null: no value here (an infeasible point); the line breaks. */
  readonly y: number | null;
  /** Drawn as a filled dot (e.g. the 50 % rule binds at this point). */
  readonly mark?: boolean;
}

export interface LineSeries {
  readonly name: string;
  readonly colour: string;
  readonly points: readonly LinePoint[];
  /** 'right': measured on the right-hand axis. */
  readonly axis?: 'left' | 'right';
  readonly dashed?: boolean;
}

export interface LineChartSpec {
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
  readonly className?: string;
  readonly x: AxisSpec;
  readonly y: AxisSpec;
  readonly y2?: AxisSpec;
  readonly series: readonly LineSeries[];
  /** A vertical line across the plot, labelled (e.g. "policy 50 %"). */
  readonly marker?: { readonly x: number; readonly label: string };
  /** Legend words for the marked points. */
  readonly markLabel?: string;
}

export interface LineChart {
  readonly svg: string;
  readonly x: LinearScale;
  readonly y: LinearScale;
  readonly y2: LinearScale | null;
  /** One path per series, in order. */
  readonly paths: readonly string[];
}

function domainOf(axis: AxisSpec, values: number[]): [number, number] {
  if (axis.domain) return [axis.domain[0], axis.domain[1]];
  const e = extent(values) ?? [0, 1];
  const lo = axis.zero ? Math.min(0, e[0]) : e[0];
  const hi = axis.zero ? Math.max(0, e[1]) : e[1];
  return niceDomain(lo, hi, axis.ticks ?? 5);
}

export function lineChart(spec: LineChartSpec): LineChart {
  const width = spec.width ?? 440;
  const height = spec.height ?? 240;
  const hasRight = spec.series.some((s) => s.axis === 'right') && spec.y2 != null;
  const f: Frame = { width, height, left: 62, right: hasRight ? 56 : 16, top: 44, bottom: 40 };
  const box = plotBox(f);
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x));
  const xDomain = spec.x.domain ? ([spec.x.domain[0], spec.x.domain[1]] as [number, number]) : (extent(xs) ?? [0, 1]);
  const x = linearScale(xDomain, [box.x0, box.x1]);
  const leftValues = spec.series.filter((s) => s.axis !== 'right').flatMap((s) => s.points.map((p) => p.y).filter((v): v is number => v != null));
  const rightValues = spec.series.filter((s) => s.axis === 'right').flatMap((s) => s.points.map((p) => p.y).filter((v): v is number => v != null));
  const y = linearScale(domainOf(spec.y, leftValues), [box.y0, box.y1]);
  const y2 = hasRight ? linearScale(domainOf(spec.y2!, rightValues), [box.y0, box.y1]) : null;

  let body = yAxis(y, spec.y, f);
  if (y2) body += yAxisRight(y2, spec.y2!, f);
  body += xAxis(x, spec.x, f);
  if (spec.marker && spec.marker.x >= x.domain[0] && spec.marker.x <= x.domain[1]) {
    const mx = x(spec.marker.x);
    body += el('line', { x1: mx, x2: mx, y1: box.y1 - 4, y2: box.y0, stroke: '#111', 'stroke-width': 1.5, 'stroke-dasharray': '5 4', class: 'policy-line' });
    const anchor = mx > box.x1 - 60 ? 'end' : mx < box.x0 + 60 ? 'start' : 'middle';
    // Labelled at the foot of the line, with a white halo so it reads over gridlines and series.
    const lx = mx + (anchor === 'start' ? 4 : anchor === 'end' ? -4 : 0);
    body += text(lx, box.y0 - 6, spec.marker.label, { 'text-anchor': anchor, 'font-size': 10.5, 'font-weight': 600, fill: '#111', stroke: '#fff', 'stroke-width': 3, 'paint-order': 'stroke', class: 'policy-label' });
  }
  const paths: string[] = [];
  for (const s of spec.series) {
    const sy = s.axis === 'right' && y2 ? y2 : y;
    const d = linePath(s.points.map((p) => (p.y == null ? null : [x(p.x), sy(p.y)])));
    paths.push(d);
    body += el('path', { d, fill: 'none', stroke: s.colour, 'stroke-width': 2.5, 'stroke-linejoin': 'round', 'stroke-linecap': 'round', 'stroke-dasharray': s.dashed ? '6 4' : null, class: 'series', 'data-series': s.name, 'data-points': s.points.filter((p) => p.y != null).length });
    for (const p of s.points) {
      if (p.y == null) continue;
      body += p.mark
        ? el('circle', { cx: x(p.x), cy: sy(p.y), r: 4.5, fill: s.colour, stroke: '#111', 'stroke-width': 1.5, class: 'point marked' })
        : el('circle', { cx: x(p.x), cy: sy(p.y), r: 3, fill: '#fff', stroke: s.colour, 'stroke-width': 1.5, class: 'point' });
    }
  }
  const legend: { label: string; colour: string; kind: 'line' | 'dot' | 'box' | 'dash' }[] = spec.series.map((s) => ({ label: s.axis === 'right' && spec.series.length > 1 ? t('{name} (right)', { name: s.name }) : s.name, colour: s.colour, kind: s.dashed ? ('dash' as const) : ('line' as const) }));
  if (spec.markLabel && spec.series.some((s) => s.points.some((p) => p.mark))) legend.push({ label: spec.markLabel, colour: '#111', kind: 'dot' as const });
  body += legendRow(legend, box.x0, 14);
  return { svg: svgRoot(width, height, spec.title, `line-chart ${spec.className ?? ''}`.trim(), `<g ${FONT}>${body}</g>`), x, y, y2, paths };
}
