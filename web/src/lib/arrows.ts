/**
 * Arrow heads along a line, computed in screen pixels so they keep their size at every zoom.
 * Pure geometry: the map layer projects the line to pixels, calls this, and unprojects the triangles.
 */

export type Point = readonly [number, number];

export interface ArrowOptions {
  /** Distance between arrow heads along the line. */
  spacingPx: number;
  /** Length of an arrow head (tip to base). */
  lengthPx: number;
  /** Half-width of the base. */
  halfWidthPx: number;
  /** Lines shorter than this get one arrow at the middle, none if shorter than the arrow itself. */
  minLinePx?: number;
}

/** Total length of a polyline in pixels. */
export function polylineLength(points: readonly Point[]): number {
  let total = 0;
  for (let i = 1; i < points.length; i += 1) {
    total += Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
  }
  return total;
}

/** The point and unit direction at a given distance along a polyline. */
export function pointAlong(points: readonly Point[], distance: number): { at: Point; dir: Point } | null {
  let walked = 0;
  for (let i = 1; i < points.length; i += 1) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    const seg = Math.hypot(x1 - x0, y1 - y0);
    if (seg === 0) continue;
    if (walked + seg >= distance) {
      const f = (distance - walked) / seg;
      return { at: [x0 + (x1 - x0) * f, y0 + (y1 - y0) * f], dir: [(x1 - x0) / seg, (y1 - y0) / seg] };
    }
    walked += seg;
  }
  return null;
}

/**
 * Triangles [tip, left, right] pointing in the line's direction, spaced evenly and centred so a
 * line gets symmetric margins at both ends.
 */
export function arrowHeads(points: readonly Point[], options: ArrowOptions): Point[][] {
  const length = polylineLength(points);
  const minLine = options.minLinePx ?? options.lengthPx * 3;
  if (length < minLine) return [];
  const count = Math.max(1, Math.floor(length / options.spacingPx));
  const step = length / count;
  const heads: Point[][] = [];
  for (let k = 0; k < count; k += 1) {
    // The tip sits at the centre of its stretch, plus half an arrow so the head looks centred.
    const centre = step * (k + 0.5) + options.lengthPx / 2;
    const hit = pointAlong(points, Math.min(centre, length));
    if (!hit) continue;
    const [tx, ty] = hit.at;
    const [dx, dy] = hit.dir;
    const bx = tx - dx * options.lengthPx;
    const by = ty - dy * options.lengthPx;
    // Normal to the direction.
    const nx = -dy * options.halfWidthPx;
    const ny = dx * options.halfWidthPx;
    heads.push([
      [tx, ty],
      [bx + nx, by + ny],
      [bx - nx, by - ny],
    ]);
  }
  return heads;
}

export interface ArrowLook {
  lengthPx: number;
  halfWidthPx: number;
  /** Thin lines get heads wider than the line in the line's colour; thick lines a pale chevron inside. */
  inside: boolean;
}

/** Arrow size that follows the line's width, so heads stay readable on thin lines and in scale on thick ones. */
export function arrowSizeFor(widthPx: number): ArrowLook {
  const w = Math.max(1.5, widthPx);
  if (w >= 7) return { lengthPx: w * 0.8, halfWidthPx: w * 0.34, inside: true };
  return { lengthPx: Math.max(7, w * 1.7), halfWidthPx: Math.max(3.5, w * 1.1), inside: false };
}
