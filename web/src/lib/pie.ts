/**
 * Pie symbols for markets in the clearing mode: our share against competitors', area ∝ tonnes
 * bought. Geometry as SVG path strings so it is tested without a browser. Pure.
 */
import { escapeHtml } from './escape.ts';

export interface PieSlice {
  key: string;
  value: number;
  colour: string;
}

export interface PiePath {
  key: string;
  colour: string;
  /** Fraction of the whole pie, 0..1. */
  fraction: number;
  /** SVG path (a full circle is drawn as two arcs, since one arc cannot close on itself). */
  d: string;
}

const f = (n: number) => Number(n.toFixed(2)).toString();

/**
 * Slices clockwise from 12 o'clock around (cx, cy). Slices with no (or negative, or non-finite)
 * value are left out; a single slice is a whole disc.
 */
export function pieSlices(slices: readonly PieSlice[], radius: number, cx = radius, cy = radius): PiePath[] {
  const kept = slices.filter((s) => Number.isFinite(s.value) && s.value > 0);
  const total = kept.reduce((sum, s) => sum + s.value, 0);
  if (!(total > 0) || !(radius > 0)) return [];
  const out: PiePath[] = [];
  let start = 0;
  for (const s of kept) {
    const fraction = s.value / total;
    const end = start + fraction;
    if (fraction >= 1 - 1e-9) {
      out.push({
        key: s.key,
        colour: s.colour,
        fraction: 1,
        d: `M${f(cx)} ${f(cy - radius)}A${f(radius)} ${f(radius)} 0 1 1 ${f(cx)} ${f(cy + radius)}A${f(radius)} ${f(radius)} 0 1 1 ${f(cx)} ${f(cy - radius)}Z`,
      });
    } else {
      const at = (t: number) => [cx + radius * Math.sin(2 * Math.PI * t), cy - radius * Math.cos(2 * Math.PI * t)];
      const [x0, y0] = at(start);
      const [x1, y1] = at(end);
      const large = fraction > 0.5 ? 1 : 0;
      out.push({
        key: s.key,
        colour: s.colour,
        fraction,
        d: `M${f(cx)} ${f(cy)}L${f(x0)} ${f(y0)}A${f(radius)} ${f(radius)} 0 ${large} 1 ${f(x1)} ${f(y1)}Z`,
      });
    }
    start = end;
  }
  return out;
}

/**
 * A pie as an SVG string with a white rim: `size` = 2·(radius + rim). `label` becomes the SVG's
 * accessible name (role="img"). An empty pie (nothing bought) is a small hollow ring.
 */
export function pieSvg(slices: readonly PieSlice[], radius: number, label: string, emptyColour = '#7c8794'): string {
  const rim = 1.5;
  const size = 2 * (radius + rim);
  const c = radius + rim;
  const paths = pieSlices(slices, radius, c, c);
  const esc = escapeHtml(label);
  const body = paths.length
    ? paths.map((p) => `<path d="${p.d}" fill="${p.colour}" data-slice="${p.key}"/>`).join('') +
      `<circle cx="${f(c)}" cy="${f(c)}" r="${f(radius)}" fill="none" stroke="#fff" stroke-width="${rim}"/>`
    : `<circle cx="${f(c)}" cy="${f(c)}" r="${f(Math.max(1, radius - rim))}" fill="${emptyColour}" fill-opacity="0.08" stroke="${emptyColour}" stroke-width="${rim}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${f(size)}" height="${f(size)}" viewBox="0 0 ${f(size)} ${f(size)}" role="img" aria-label="${esc}"><title>${esc}</title>${body}</svg>`;
}
