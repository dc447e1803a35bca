import { describe, expect, it } from 'vitest';
import { arrowHeads, arrowSizeFor, pointAlong, polylineLength } from '../../web/src/lib/arrows.ts';
import { overlaps, placeLabels } from '../../web/src/lib/labels.ts';

describe('arrow heads', () => {
  const line = [
    [0, 0],
    [300, 0],
    [300, 300],
  ] as const;

  it('measures and walks a polyline', () => {
    expect(polylineLength(line)).toBe(600);
    expect(pointAlong(line, 450)).toEqual({ at: [300, 150], dir: [0, 1] });
  });

  it('spaces heads evenly and points them along the line', () => {
    const heads = arrowHeads(line, { spacingPx: 150, lengthPx: 10, halfWidthPx: 5 });
    expect(heads).toHaveLength(4);
    // First stretch runs east: the tip is ahead (larger x) of the base corners.
    const [tip, left, right] = heads[0];
    expect(tip[0]).toBeGreaterThan(left[0]);
    expect(left[0]).toBe(right[0]);
    // Last stretch runs south.
    const last = heads[3];
    expect(last[0][1]).toBeGreaterThan(last[1][1]);
  });

  it('draws nothing on a line shorter than a few heads', () => {
    expect(arrowHeads([[0, 0], [12, 0]], { spacingPx: 150, lengthPx: 10, halfWidthPx: 5 })).toEqual([]);
  });

  it('follows the line width: wider than thin lines, inside thick ones', () => {
    const thin = arrowSizeFor(2);
    expect(thin.inside).toBe(false);
    expect(thin.halfWidthPx * 2).toBeGreaterThan(2);
    const thick = arrowSizeFor(14);
    expect(thick.inside).toBe(true);
    expect(thick.halfWidthPx * 2).toBeLessThan(14);
  });
});

describe('label placement', () => {
  it('keeps the higher-priority label and moves or drops the rest so none overlap', () => {
    const placed = placeLabels([
      { id: 'plant', x: 100, y: 100, width: 80, height: 14, priority: 100 },
      { id: 'town', x: 104, y: 102, width: 60, height: 14, priority: 10 },
      { id: 'far', x: 400, y: 400, width: 60, height: 14, priority: 1 },
    ]);
    const ids = placed.map((p) => p.id);
    expect(ids[0]).toBe('plant');
    expect(ids).toContain('far');
    for (let i = 0; i < placed.length; i += 1) {
      for (let j = i + 1; j < placed.length; j += 1) expect(overlaps(placed[i].box, placed[j].box, 0)).toBe(false);
    }
  });

  it('keeps labels off obstacles and inside the map', () => {
    const placed = placeLabels(
      [
        { id: 'a', x: 100, y: 50, width: 40, height: 12, priority: 2 },
        { id: 'edge', x: 198, y: 195, width: 80, height: 12, priority: 1 },
      ],
      { obstacles: [{ x0: 102, y0: 40, x1: 170, y1: 60 }], bounds: { x0: 0, y0: 0, x1: 200, y1: 200 } },
    );
    expect(placed.map((p) => p.id)).toEqual(['a']);
    expect(placed[0].side).toBe('left');
  });

  it('puts a centred label on its point, and drops it where a higher one already is', () => {
    const placed = placeLabels([
      { id: 'port', x: 100, y: 100, width: 40, height: 14, priority: 60 },
      { id: 'volume', x: 120, y: 100, width: 30, height: 14, priority: 50, sides: ['center'] },
      { id: 'other-volume', x: 300, y: 100, width: 30, height: 14, priority: 45, sides: ['center'] },
    ]);
    expect(placed.map((p) => p.id)).toEqual(['port', 'other-volume']);
    expect(placed[1]).toEqual({ id: 'other-volume', side: 'center', box: { x0: 285, y0: 93, x1: 315, y1: 107 } });
  });

  it('shows one spot of a group: the first that fits, in priority order', () => {
    const placed = placeLabels([
      { id: 'plant', x: 100, y: 100, width: 80, height: 14, priority: 100, sides: ['center'] },
      { id: 'flow:mid', x: 110, y: 100, width: 30, height: 14, priority: 50, sides: ['center'], group: 'flow' },
      { id: 'flow:third', x: 200, y: 100, width: 30, height: 14, priority: 49.99, sides: ['center'], group: 'flow' },
      { id: 'flow:quarter', x: 260, y: 100, width: 30, height: 14, priority: 49.98, sides: ['center'], group: 'flow' },
    ]);
    expect(placed.map((p) => p.id)).toEqual(['plant', 'flow:third']);
  });
});
