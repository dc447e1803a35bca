/** The analysis charts' geometry, DOM-free: scales, ticks, paths, colour ramp, and each chart's SVG. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandScale, cleanFloat, extent, linearScale, niceDomain, niceStep, niceTicks } from '../../web/src/lib/charts/scale.ts';
import { escapeHtml as esc } from '../../web/src/lib/escape.ts';
import { linePath, pathPoints, svgRoot } from '../../web/src/lib/charts/svg.ts';
import { colourRamp, EXPORT_PALETTE, exportColours, HEAT_STOPS, luminance, textOn } from '../../web/src/lib/charts/colour.ts';
import { lineChart } from '../../web/src/lib/charts/line.ts';
import { heatmap, normalise } from '../../web/src/lib/charts/heatmap.ts';
import { histogram, labelRows } from '../../web/src/lib/charts/histogram.ts';
import { estimateWidth } from '../../web/src/lib/charts/axes.ts';
import { stack, stackedBars } from '../../web/src/lib/charts/stacked-bars.ts';
import { bandExtent, rangeBars } from '../../web/src/lib/charts/range-bars.ts';
import { EXPORT_COLOUR } from '../../web/src/lib/style.ts';

describe('scales and ticks', () => {
  it('maps a domain onto a range and back', () => {
    const s = linearScale([0.5, 1], [60, 420]);
    expect(s(0.5)).toBe(60);
    expect(s(1)).toBe(420);
    expect(s(0.75)).toBe(240);
    expect(s.invert(240)).toBeCloseTo(0.75, 12);
    // An inverted range (SVG y grows downwards).
    const y = linearScale([0, 100], [200, 40]);
    expect(y(0)).toBe(200);
    expect(y(100)).toBe(40);
    // A flat domain sits in the middle instead of dividing by zero.
    expect(linearScale([3, 3], [0, 10])(3)).toBe(5);
  });

  it('picks 1-2-2.5-5 steps and round ticks', () => {
    expect(niceStep(0, 10, 5)).toBe(2);
    expect(niceStep(24_834_000, 27_893_075, 5)).toBe(1_000_000);
    expect(niceTicks(0.5, 1, 5)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(niceTicks(0, 650_000, 4)).toEqual([0, 200_000, 400_000, 600_000]);
    expect(niceTicks(24.8e6, 27.9e6, 5)).toEqual([25e6, 26e6, 27e6]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
    expect(niceDomain(24.8e6, 27.9e6, 5)).toEqual([24e6, 28e6]);
    expect(cleanFloat(0.1 + 0.2)).toBe(0.3);
  });

  it('ticks are increasing, inside the range and evenly spaced (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.double({ min: 1e-3, max: 1e9, noNaN: true }), fc.integer({ min: 2, max: 10 }), (lo, span, count) => {
        const ticks = niceTicks(lo, lo + span, count);
        if (ticks.length === 0) return false;
        // Floating point: tolerate rounding relative to the numbers' size.
        const tol = Math.max(Math.abs(lo), span) * 1e-9;
        const inside = ticks.every((t) => t >= lo - tol && t <= lo + span + tol);
        const steps = ticks.slice(1).map((t, i) => t - ticks[i]);
        const even = steps.every((s) => Math.abs(s - steps[0]) <= Math.abs(steps[0]) * 1e-6 + tol);
        return inside && even && ticks.length <= count * 2.5 + 2;
      }),
    );
  });

  it('nice domains contain the data (USD, tonnes and shares: thousandths to billions)', () => {
    const amount = fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1000);
    fc.assert(
      fc.property(amount, amount.map(Math.abs), (lo, span) => {
        const [a, b] = niceDomain(lo, lo + span);
        const tol = 1e-9 * Math.max(Math.abs(lo), Math.abs(lo + span));
        return a <= lo + tol && b >= lo + span - tol && a < b;
      }),
    );
  });

  it('extent skips null and non-finite values', () => {
    expect(extent([3, null, 1, Number.NaN, 7, undefined])).toEqual([1, 7]);
    expect(extent([null])).toBeNull();
  });

  it('band scale: equal bands that tile the range', () => {
    const b = bandScale(4, [0, 400], 0);
    expect(b.step).toBe(100);
    expect(b.start(2)).toBe(200);
    expect(b.centre(3)).toBe(350);
    const padded = bandScale(5, [0, 100], 0.2);
    expect(padded.width).toBeCloseTo(16, 12);
    expect(padded.start(0)).toBeCloseTo(2, 12);
  });
});

describe('SVG text', () => {
  it('paths break at missing points and round to 0.1 px', () => {
    expect(linePath([[0, 0], [10.04, 5.06], null, [20, 1], [30, 2]])).toBe('M0 0L10 5.1 M20 1L30 2');
    expect(linePath([null, null])).toBe('');
    expect(pathPoints('M0 0L10 5.1 M20 1L30 2')).toEqual([[0, 0], [10, 5.1], [20, 1], [30, 2]]);
  });

  it('escapes text and announces the chart as one image', () => {
    expect(esc('<a & "b">')).toBe('&lt;a &amp; &quot;b&quot;&gt;');
    const svg = svgRoot(100, 50, 'Margin <USD>', 'x', '');
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title>Margin &lt;USD&gt;</title>');
    expect(svg).toContain('viewBox="0 0 100 50"');
  });
});

describe('colours', () => {
  it('the heat ramp runs from its first to its last stop and darkens monotonically', () => {
    const ramp = colourRamp();
    expect(ramp(0)).toBe(HEAT_STOPS[0]);
    expect(ramp(1)).toBe(HEAT_STOPS[HEAT_STOPS.length - 1]);
    expect(ramp(-1)).toBe(HEAT_STOPS[0]);
    expect(ramp(2)).toBe(HEAT_STOPS[HEAT_STOPS.length - 1]);
    let last = Infinity;
    for (let i = 0; i <= 20; i += 1) {
      const l = luminance(ramp(i / 20));
      expect(l).toBeLessThanOrEqual(last + 1e-9);
      last = l;
    }
  });

  it('labels are white on dark cells and dark on light ones', () => {
    expect(textOn('#081d58')).toBe('#ffffff');
    expect(textOn('#ffffd9')).toBe('#1f2933');
  });

  it('export markets start with the map’s export purple and get distinct colours', () => {
    expect(EXPORT_PALETTE[0]).toBe(EXPORT_COLOUR);
    const c = exportColours(['a', 'b', 'c']);
    expect(new Set(c.values()).size).toBe(3);
    expect(c.get('a')).toBe(EXPORT_COLOUR);
  });
});

describe('line chart', () => {
  const curve = [0.5, 0.6, 0.7, 0.8, 0.9, 1].map((x, i) => ({ x, y: 28e6 - (i > 3 ? (i - 3) * 1.5e6 : 0), mark: i > 3 }));

  it('draws every point, on the plot, in x order; marks the binding points; draws the policy line', () => {
    const c = lineChart({ title: 'Margin against the share', x: { label: 'Share', format: String }, y: { label: 'Margin, USD', format: String }, series: [{ name: 'Margin', colour: '#1d4f91', points: curve }], marker: { x: 0.5, label: 'rule now: 50 %' }, markLabel: 'the rule binds' });
    const pts = pathPoints(c.paths[0]);
    expect(pts).toHaveLength(6);
    for (let i = 1; i < pts.length; i += 1) expect(pts[i][0]).toBeGreaterThan(pts[i - 1][0]);
    const [x0, x1] = c.x.range;
    const [y0, y1] = c.y.range;
    for (const [px, py] of pts) {
      expect(px).toBeGreaterThanOrEqual(x0);
      expect(px).toBeLessThanOrEqual(x1);
      expect(py).toBeLessThanOrEqual(y0);
      expect(py).toBeGreaterThanOrEqual(y1);
    }
    // Lower margin is lower on the chart.
    expect(pts[5][1]).toBeGreaterThan(pts[0][1]);
    expect(c.svg.match(/class="point marked"/g)).toHaveLength(2);
    expect(c.svg).toContain('class="policy-line"');
    expect(c.svg).toContain('rule now: 50 %');
    expect(c.svg).toContain('the rule binds');
  });

  it('puts a second measure on its own right-hand axis and breaks lines at missing values', () => {
    const c = lineChart({
      title: 't',
      x: { label: 'x', format: String },
      y: { label: 'Margin', format: String },
      y2: { label: 'Exports, kt', format: String, zero: true },
      series: [
        { name: 'Margin', colour: '#000', points: [{ x: 1, y: 10 }, { x: 2, y: null }, { x: 3, y: 12 }] },
        { name: 'Exports', colour: '#f00', axis: 'right', points: [{ x: 1, y: 1000 }, { x: 2, y: 2000 }, { x: 3, y: 3000 }] },
      ],
    });
    expect(c.y2).not.toBeNull();
    expect(c.y2!.domain[0]).toBe(0);
    expect(c.paths[0]).toMatch(/^M[\d.]+ [\d.]+ M/);
    expect(pathPoints(c.paths[1])).toHaveLength(3);
    expect(c.svg).toContain('Exports, kt');
    expect(c.svg).toContain('class="tick y2-tick"');
  });
});

describe('heat map', () => {
  const cells = [
    [10, 20, 30],
    [15, null, 35],
  ];
  const marks = [
    [false, false, true],
    [false, false, true],
  ];
  const spec = { title: 'Margin', x: { label: 'Export prices ×', values: [0.8, 1, 1.2], format: String }, y: { label: 'Share', values: [0.5, 1], format: String }, value: { label: 'Margin', format: String }, cells, marks, markLabel: '50 % rule binds' };

  it('one cell per grid point, coloured along the ramp, grey where there is no plan', () => {
    const m = heatmap(spec);
    expect(m.svg.match(/class="cell"/g)).toHaveLength(6);
    expect(m.domain).toEqual([10, 35]);
    expect(m.fills[0][0]).toBe(HEAT_STOPS[0]);
    expect(m.fills[1][2]).toBe(HEAT_STOPS[HEAT_STOPS.length - 1]);
    expect(m.fills[1][1]).toBe('#d9dee3');
    expect(m.markedCount).toBe(2);
    expect(m.svg).toContain('50 % rule binds');
  });

  it('the first y value is the bottom row; cells have positive sizes', () => {
    const m = heatmap(spec);
    const rects = [...m.svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*class="cell" data-x="(\d)" data-y="(\d)"/g)];
    expect(rects).toHaveLength(6);
    for (const r of rects) {
      expect(Number(r[3])).toBeGreaterThan(0);
      expect(Number(r[4])).toBeGreaterThan(0);
    }
    const yOf = (yi: number) => Number(rects.find((r) => r[5] === '0' && r[6] === String(yi))![2]);
    expect(yOf(0)).toBeGreaterThan(yOf(1));
  });

  it('normalises onto 0..1, a flat grid to the middle', () => {
    expect(normalise(15, [10, 20])).toBe(0.5);
    expect(normalise(7, [7, 7])).toBe(0.5);
  });
});

describe('histogram', () => {
  const bins = [
    { from: 0, to: 10, count: 5 },
    { from: 10, to: 20, count: 20 },
    { from: 20, to: 30, count: 10 },
  ];

  it('bar heights are proportional to counts; bars tile the x axis', () => {
    const hgram = histogram({ title: 'Margin', bins, x: { label: 'Margin', format: String }, markers: [{ value: 5, label: 'p5' }, { value: 15, label: 'p50' }, { value: 28, label: 'p95' }] });
    expect(hgram.bars).toHaveLength(3);
    expect(hgram.bars[1].height / hgram.bars[0].height).toBeCloseTo(4, 6);
    expect(hgram.bars[0].x + hgram.bars[0].width).toBeLessThanOrEqual(hgram.bars[1].x);
    expect(hgram.svg.match(/class="percentile"/g)).toHaveLength(3);
    expect(hgram.svg).toContain('p50 15');
    expect(hgram.markers[1].x).toBeCloseTo(hgram.x(15), 9);
  });

  it('one value in every draw still draws one bar', () => {
    const hgram = histogram({ title: 'Share', bins: [{ from: 0.5, to: 0.5, count: 200 }], x: { label: 'Share', format: String } });
    expect(hgram.bars).toHaveLength(1);
    expect(hgram.bars[0].width).toBeGreaterThan(0);
    expect(hgram.bars[0].height).toBeGreaterThan(0);
  });

  it('percentile labels that would overlap go up a row', () => {
    expect(labelRows([100, 104, 300], [60, 60, 60])).toEqual([0, 1, 0]);
    expect(labelRows([100, 200, 300], [40, 40, 40])).toEqual([0, 0, 0]);
    // Centred they would clear each other; anchored at its start near the left edge, the first
    // label reaches over the second.
    expect(labelRows([50, 130], [60, 60])).toEqual([0, 0]);
    expect(labelRows([50, 130], [60, 60], ['start', 'middle'])).toEqual([0, 1]);
    expect(labelRows([300, 380], [60, 60], ['middle', 'end'])).toEqual([0, 1]);
  });

  it('no two percentile labels of a histogram overlap where they are drawn, even near the edges', () => {
    const bins = Array.from({ length: 20 }, (_, i) => ({ from: i, to: i + 1, count: 5 + i }));
    for (const [p5, p50, p95] of [[0.5, 3, 19.5], [1, 3.5, 20], [0.2, 1.5, 19.8], [0.1, 0.9, 2], [17.5, 19.2, 19.9], [0, 10, 20]]) {
      const hgram = histogram({ title: 'Margin', bins, x: { label: 'USD m', format: (v) => v.toFixed(1) }, markers: [{ value: p5, label: 'p5' }, { value: p50, label: 'p50' }, { value: p95, label: 'p95' }] });
      const drawn = [...hgram.svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*text-anchor="(\w+)"[^>]*class="percentile-label"[^>]*>([^<]*)</g)].map((m) => {
        const [x, y, anchor, label] = [Number(m[1]), Number(m[2]), m[3], m[4]];
        const w = estimateWidth(label, 10);
        const from = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
        return { from, to: from + w, y };
      });
      expect(drawn).toHaveLength(3);
      for (let i = 0; i < drawn.length; i += 1)
        for (let j = i + 1; j < drawn.length; j += 1) {
          const [a, b] = [drawn[i], drawn[j]];
          expect(a.y !== b.y || a.to <= b.from || b.to <= a.from, `${p5}/${p50}/${p95}: labels ${i} and ${j} meet`).toBe(true);
        }
    }
  });
});

describe('stacked bars', () => {
  const series = [
    { name: 'Domestic', colour: '#2f7d32', values: [1_050_000, 1_100_000] },
    { name: 'Orenburg', colour: '#6a3fb5', values: [100_000, 400_000] },
  ];

  it('stacks running totals bottom first', () => {
    expect(stack(series, 2)).toEqual([
      [[0, 1_050_000], [1_050_000, 1_150_000]],
      [[0, 1_100_000], [1_100_000, 1_500_000]],
    ]);
  });

  it('segment heights follow tonnes and sit on each other', () => {
    const b = stackedBars({ title: 'Volumes', categories: ['2027', '2028'], series, y: { label: 'kt', format: String }, line: { name: 'capacity', values: [1_300_000, 2_500_000] } });
    const [dom, ore] = b.segments[1];
    expect(dom.height / ore.height).toBeCloseTo(1_100_000 / 400_000, 6);
    expect(ore.y + ore.height).toBeCloseTo(dom.y, 6);
    // The axis reaches the capacity line.
    expect(b.y.domain[1]).toBeGreaterThanOrEqual(2_500_000);
    expect(b.svg.match(/class="capacity"/g)).toHaveLength(2);
    expect(b.svg.match(/class="segment"/g)).toHaveLength(4);
  });
});

describe('range bars', () => {
  const rows = [
    { id: 'atyrau', label: 'Atyrau', min: 421_000, max: 550_000, value: 450_000, colour: '#2f7d32', note: '421–550 kt' },
    { id: 'astrakhan', label: 'Astrakhan', min: 58_800, max: 304_500, value: 150_000, colour: '#6a3fb5', note: '59–304 kt' },
    { id: 'fixed', label: 'Fixed <one>', min: 100_000, max: 100_000, value: 100_000, colour: '#2f7d32', note: '100 kt' },
    { id: 'baku', label: 'Baku', min: 0, max: 54_800, value: 0, colour: '#6a3fb5', note: '0–55 kt' },
  ];

  it('a band spans min to max on the scale, widened about its centre when too narrow', () => {
    const x = linearScale([0, 100], [0, 200]);
    expect(bandExtent(10, 30, x, 2)).toEqual([20, 60]);
    expect(bandExtent(30, 10, x, 2)).toEqual([20, 60]);
    expect(bandExtent(50, 50, x, 4)).toEqual([98, 102]);
  });

  it('one row per item: band, tick at the value, rows top to bottom, the divider leaves a gap', () => {
    const b = rangeBars({ title: 'Room', rows, x: { label: 'kt', format: (v) => String(v / 1000) }, divider: { at: 3, label: 'Not in the best plan' }, legend: [{ label: 'domestic', colour: '#2f7d32', kind: 'box' }], tickLabel: 'best plan' });
    expect(b.bars.map((r) => r.id)).toEqual(['atyrau', 'astrakhan', 'fixed', 'baku']);
    expect(b.svg.match(/class="range-band"/g)).toHaveLength(4);
    expect(b.svg.match(/class="plan-tick"/g)).toHaveLength(4);
    for (const [i, r] of b.bars.entries()) {
      expect(r.x0).toBeCloseTo(Math.min(b.x(rows[i].min), (b.x(rows[i].min) + b.x(rows[i].max)) / 2 - 1), 6);
      expect(r.tick).toBeCloseTo(b.x(rows[i].value), 6);
      expect(r.tick).toBeGreaterThanOrEqual(r.x0 - 1e-9);
      expect(r.tick).toBeLessThanOrEqual(r.x1 + 1e-9);
    }
    // A fixed value still shows as a 2 px band.
    expect(b.bars[2].x1 - b.bars[2].x0).toBeCloseTo(2, 6);
    const gaps = b.bars.slice(1).map((r, i) => r.y - b.bars[i].y);
    expect(gaps[0]).toBeCloseTo(gaps[1], 6);
    expect(gaps[2]).toBeGreaterThan(gaps[1]);
    // The axis starts at zero and reaches the largest maximum; names are escaped.
    expect(b.x.domain[0]).toBe(0);
    expect(b.x.domain[1]).toBeGreaterThanOrEqual(550_000);
    expect(b.svg).toContain('Fixed &lt;one&gt;');
    expect(b.svg).toContain('class="divider"');
    expect(b.svg).toContain('best plan');
  });

  it('no divider when it would sit at either end', () => {
    const b = rangeBars({ title: 'Room', rows: rows.slice(0, 2), x: { label: 'kt', format: String }, divider: { at: 2, label: 'x' } });
    expect(b.svg).not.toContain('class="divider"');
  });
});
