/** Building SVG as text: escaping (../escape.ts), rounding, paths. Pure, so charts are tested without a DOM. */
import { escapeHtml } from '../escape.ts';

/** Pixel coordinates rounded to 0.1 px: short, stable strings. */
export function px(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/**
 * A polyline path through the points; a point that is null (an infeasible sweep point, say) breaks the
 * line rather than joining across the gap.
 */
export function linePath(points: readonly ([number, number] | null)[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : d ? ' M' : 'M'}${px(p[0])} ${px(p[1])}`;
    pen = true;
  }
  return d;
}

/** The points of a path built by linePath (for tests and checks). */
export function pathPoints(d: string): [number, number][] {
  const out: [number, number][] = [];
  const re = /[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g;
  for (let m = re.exec(d); m; m = re.exec(d)) out.push([Number(m[1]), Number(m[2])]);
  return out;
}

type AttrValue = string | number | null | undefined | false;

/** One element as text; attributes with null / false are left out, text content is escaped. */
export function el(tag: string, attrs: Record<string, AttrValue>, content = ''): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v != null && v !== false)
    .map(([k, v]) => ` ${k}="${escapeHtml(String(typeof v === 'number' ? px(v) : v))}"`)
    .join('');
  return content ? `<${tag}${a}>${content}</${tag}>` : `<${tag}${a}/>`;
}

export function text(x: number, y: number, body: string, attrs: Record<string, AttrValue> = {}): string {
  return el('text', { x, y, ...attrs }, escapeHtml(body));
}

/** The outer <svg>: scales with its container (viewBox), announced as one image with a title. */
export function svgRoot(width: number, height: number, title: string, className: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${escapeHtml(className)}" viewBox="0 0 ${px(width)} ${px(height)}" width="100%" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${body}</svg>`;
}
