/**
 * Heat maps of a 2-D sweep: one cell per grid point coloured by its value (margin), cells where the
 * 50 % rule binds marked with a corner flag, a colour key. Pure: spec in, SVG text and geometry out.
 */
import { FONT, plotBox, type Frame } from './axes.ts';
import { colourRamp, textOn } from './colour.ts';
import { bandScale, extent } from './scale.ts';
import { el, px, svgRoot, text } from './svg.ts';
import { escapeHtml } from '../escape.ts';
import { t } from '../../i18n/index.ts';

export interface HeatmapSpec {
  readonly title: string;
  readonly width?: number;
  readonly x: { readonly label: string; readonly values: readonly number[]; readonly format: (v: number) => string };
  readonly y: { readonly label: string; readonly values: readonly number[]; readonly format: (v: number) => string };
  readonly value: { readonly label: string; readonly format: (v: number) => string; readonly short?: (v: number) => string };
  /** cells[yi][xi]; null = no value (infeasible). */
  readonly cells: readonly (readonly (number | null)[])[];
  /** marks[yi][xi]: flag the cell (e.g. the 50 % rule binds). */
  readonly marks?: readonly (readonly boolean[])[];
  readonly markLabel?: string;
}

export interface Heatmap {
  readonly svg: string;
  readonly domain: readonly [number, number] | null;
  /** Fill of each cell, [yi][xi] (grey for no value). */
  readonly fills: string[][];
  readonly markedCount: number;
}

const NO_VALUE = '#d9dee3';

/** Where a value sits in [lo, hi], 0..1 (0.5 for a flat domain). */
export function normalise(v: number, [lo, hi]: readonly [number, number]): number {
  return hi === lo ? 0.5 : (v - lo) / (hi - lo);
}

export function heatmap(spec: HeatmapSpec): Heatmap {
  const nx = spec.x.values.length;
  const ny = spec.y.values.length;
  const width = spec.width ?? 440;
  const cellH = Math.max(14, Math.min(34, 220 / Math.max(1, ny)));
  const height = 44 + cellH * ny + 40 + 34;
  const f: Frame = { width, height, left: 66, right: 12, top: 44, bottom: 40 + 34 };
  const box = plotBox(f);
  const bx = bandScale(nx, [box.x0, box.x1], 0.04);
  // Bands from the top; the first y value sits in the bottom row, as on any chart.
  const band = bandScale(ny, [box.y1, box.y0], 0.06);
  const by = { width: band.width, step: band.step, start: (yi: number) => band.start(ny - 1 - yi), centre: (yi: number) => band.centre(ny - 1 - yi) };
  const domain = extent(spec.cells.flat());
  const ramp = colourRamp();
  const fills: string[][] = [];
  let markedCount = 0;
  let body = '';
  const labelled = bx.width >= 40 && by.width >= 15;
  for (let yi = 0; yi < ny; yi += 1) {
    fills.push([]);
    for (let xi = 0; xi < nx; xi += 1) {
      const v = spec.cells[yi]?.[xi] ?? null;
      const fill = v == null || !domain ? NO_VALUE : ramp(normalise(v, domain));
      fills[yi].push(fill);
      const x0 = bx.start(xi);
      const y0 = by.start(yi);
      const tip = `${spec.x.label} ${spec.x.format(spec.x.values[xi])}, ${spec.y.label} ${spec.y.format(spec.y.values[yi])}: ${v == null ? t('no plan') : spec.value.format(v)}${spec.marks?.[yi]?.[xi] ? ` (${spec.markLabel ?? t('marked')})` : ''}`;
      body += el('rect', { x: x0, y: y0, width: bx.width, height: by.width, fill, rx: 2, class: 'cell', 'data-x': xi, 'data-y': yi }, `<title>${escapeHtml(tip)}</title>`);
      if (labelled && v != null) {
        body += text(x0 + bx.width / 2, y0 + by.width / 2 + 3.5, (spec.value.short ?? spec.value.format)(v), { 'text-anchor': 'middle', 'font-size': 9.5, fill: textOn(fill), 'pointer-events': 'none' });
      }
      if (spec.marks?.[yi]?.[xi]) {
        markedCount += 1;
        const s = Math.min(10, bx.width * 0.4, by.width * 0.6);
        body += el('path', { d: `M${px(x0)} ${px(y0)}h${px(s)}L${px(x0)} ${px(y0 + s)}Z`, fill: '#111', stroke: '#fff', 'stroke-width': 0.8, class: 'binds-flag', 'pointer-events': 'none' });
      }
    }
  }
  // Axes: labels at every cell when they fit, else every k-th.
  const everyX = Math.max(1, Math.ceil(44 / Math.max(1, bx.step)));
  spec.x.values.forEach((v, i) => {
    if (i % everyX === 0 || i === nx - 1) body += text(bx.centre(i), box.y0 + 14, spec.x.format(v), { 'text-anchor': 'middle', 'font-size': 10, fill: '#5f6b76', class: 'tick x-tick' });
  });
  const everyY = Math.max(1, Math.ceil(13 / Math.max(1, Math.abs(by.step))));
  spec.y.values.forEach((v, i) => {
    if (i % everyY === 0 || i === ny - 1) body += text(box.x0 - 6, by.centre(i) + 3.5, spec.y.format(v), { 'text-anchor': 'end', 'font-size': 10, fill: '#5f6b76', class: 'tick y-tick' });
  });
  body += text((box.x0 + box.x1) / 2, box.y0 + 30, spec.x.label, { 'text-anchor': 'middle', 'font-size': 11, fill: '#1f2933' });
  body += text(4, f.top - 24, t('{rows} (rows) × {columns} (columns)', { rows: spec.y.label, columns: spec.x.label }), { 'font-size': 11, 'font-weight': 600, fill: '#1f2933' });
  body += text(4, f.top - 9, spec.value.label, { 'font-size': 10.5, fill: '#5f6b76' });
  // Colour key under the plot: 24 steps from the lowest to the highest value.
  const keyY = height - 26;
  const keyX0 = box.x0;
  const keyW = Math.min(220, box.x1 - box.x0);
  if (domain) {
    for (let i = 0; i < 24; i += 1) body += el('rect', { x: keyX0 + (keyW / 24) * i, y: keyY, width: keyW / 24 + 0.3, height: 9, fill: ramp(i / 23) });
    body += text(keyX0, keyY + 20, spec.value.format(domain[0]), { 'font-size': 10, fill: '#5f6b76' });
    body += text(keyX0 + keyW, keyY + 20, spec.value.format(domain[1]), { 'font-size': 10, fill: '#5f6b76', 'text-anchor': 'end' });
  }
  if (spec.marks) {
    const mx = keyX0 + keyW + 18;
    body += el('path', { d: `M${px(mx)} ${px(keyY)}h10L${px(mx)} ${px(keyY + 10)}Z`, fill: '#111' });
    body += text(mx + 14, keyY + 9, spec.markLabel ?? 'marked', { 'font-size': 10.5, fill: '#1f2933' });
  }
  return { svg: svgRoot(width, height, spec.title, 'heatmap', `<g ${FONT}>${body}</g>`), domain, fills, markedCount };
}
