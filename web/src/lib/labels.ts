/**
 * Label placement without overlap: greedy by priority, trying the positions each label allows
 * (around its point, or centred on it). Pure: works on pixel boxes; the map's label layer measures,
 * calls this, and shows only placed labels.
 */

export interface LabelCandidate {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Higher first (plant, ports, big markets before small towns). */
  priority: number;
  /** Gap between the point and the label. */
  offsetPx?: number;
  /** Positions to try, in order (default: right, left, top, bottom of the point). */
  sides?: readonly LabelSide[];
  /** Alternative spots for one label: only the first of the group that fits is placed. */
  group?: string;
}

/** Beside the point, or `center`: on the point itself (a volume on its line, a sea's name). */
export type LabelSide = 'right' | 'left' | 'top' | 'bottom' | 'center';

export interface PlacedLabel {
  id: string;
  side: LabelSide;
  box: Box;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const SIDES: LabelSide[] = ['right', 'left', 'top', 'bottom'];

export function boxFor(c: LabelCandidate, side: LabelSide): Box {
  const off = c.offsetPx ?? 6;
  switch (side) {
    case 'right':
      return { x0: c.x + off, y0: c.y - c.height / 2, x1: c.x + off + c.width, y1: c.y + c.height / 2 };
    case 'left':
      return { x0: c.x - off - c.width, y0: c.y - c.height / 2, x1: c.x - off, y1: c.y + c.height / 2 };
    case 'top':
      return { x0: c.x - c.width / 2, y0: c.y - off - c.height, x1: c.x + c.width / 2, y1: c.y - off };
    case 'bottom':
      return { x0: c.x - c.width / 2, y0: c.y + off, x1: c.x + c.width / 2, y1: c.y + off + c.height };
    case 'center':
      return { x0: c.x - c.width / 2, y0: c.y - c.height / 2, x1: c.x + c.width / 2, y1: c.y + c.height / 2 };
  }
}

export function overlaps(a: Box, b: Box, padding = 2): boolean {
  return a.x0 < b.x1 + padding && b.x0 < a.x1 + padding && a.y0 < b.y1 + padding && b.y0 < a.y1 + padding;
}

/**
 * Place labels by descending priority; a label takes the first side that overlaps neither a placed
 * label nor an obstacle (e.g. market circles), or is dropped. Labels outside `bounds` are dropped,
 * and so are the other spots of a group once one of them is placed.
 */
export function placeLabels(
  candidates: readonly LabelCandidate[],
  options: { obstacles?: readonly Box[]; bounds?: Box } = {},
): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const obstacles = options.obstacles ?? [];
  const placedGroups = new Set<string>();
  const sorted = [...candidates].sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
  for (const c of sorted) {
    if (c.group != null && placedGroups.has(c.group)) continue;
    for (const side of c.sides ?? SIDES) {
      const box = boxFor(c, side);
      const b = options.bounds;
      if (b && (box.x0 < b.x0 || box.y0 < b.y0 || box.x1 > b.x1 || box.y1 > b.y1)) continue;
      if (placed.some((p) => overlaps(p.box, box))) continue;
      if (obstacles.some((o) => overlaps(o, box, 0))) continue;
      placed.push({ id: c.id, side, box });
      if (c.group != null) placedGroups.add(c.group);
      break;
    }
  }
  return placed;
}

/** Rough text width for a label font (avoids measuring in the DOM for each label). */
export function estimateTextWidth(text: string, fontPx: number): number {
  return Math.ceil(text.length * fontPx * 0.56) + 4;
}
