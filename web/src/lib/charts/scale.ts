/** Scales and ticks for the analysis charts. Pure: numbers in, numbers out. */

export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  invert(px: number): number;
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to the middle of the range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const f = ((v: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0))) as LinearScale;
  Object.assign(f, {
    domain: [d0, d1] as const,
    range: [r0, r1] as const,
    invert: (px: number) => (r1 === r0 ? d0 : d0 + ((px - r0) / (r1 - r0)) * span),
  });
  return f;
}

/** A "nice" step (1, 2, 2.5 or 5 × 10^k) giving about `count` intervals over [min, max]. */
export function niceStep(min: number, max: number, count = 5): number {
  const span = Math.abs(max - min);
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  const nice = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 2.5 ? 2.5 : unit <= 5 ? 5 : 10;
  return nice * power;
}

/** Round tick values covering [min, max] (inclusive where they fall on a step), at most ~count + 1 of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  if (min === max) return [min];
  const step = niceStep(min, max, count);
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i += 1) ticks.push(cleanFloat(i * step));
  return ticks;
}

/** The domain widened outwards to whole steps, so the axis starts and ends on a tick. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    if (min - pad === min) return [min - 1, max + 1];
    return niceDomain(min - pad, max + pad, count);
  }
  const step = niceStep(min, max, count);
  return [cleanFloat(Math.floor(min / step + 1e-9) * step), cleanFloat(Math.ceil(max / step - 1e-9) * step)];
}

/** [min, max] of the finite values; null when there are none. */
export function extent(values: Iterable<number | null | undefined>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v == null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** 0.30000000000000004 → 0.3: ticks print as people write them. */
export function cleanFloat(v: number): number {
  return Number.parseFloat(v.toPrecision(12));
}

/** Evenly spaced bands (heat-map cells, bars): index → start px, with the band width. */
export function bandScale(count: number, range: readonly [number, number], padding = 0): { start(i: number): number; centre(i: number): number; width: number; step: number } {
  const [r0, r1] = range;
  const step = count > 0 ? (r1 - r0) / count : 0;
  const width = step * (1 - padding);
  return {
    start: (i: number) => r0 + i * step + (step - width) / 2,
    centre: (i: number) => r0 + i * step + step / 2,
    width,
    step,
  };
}
