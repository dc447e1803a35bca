/** Colours of the analysis charts: a sequential ramp for heat maps, one colour per destination. Pure. */
import { DOMESTIC_COLOUR, EXPORT_COLOUR } from '../style.ts';

type Rgb = [number, number, number];

export function hexToRgb(hex: string): Rgb {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as Rgb;
}

export function rgbToHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(Math.max(0, Math.min(255, c))).toString(16).padStart(2, '0')).join('')}`;
}

/** Low → high: pale yellow, green, teal, deep blue (after ColorBrewer YlGnBu; reads in grey too). */
export const HEAT_STOPS = ['#ffffd9', '#c7e9b4', '#41b6c4', '#225ea8', '#081d58'];

/** t in [0, 1] → a colour interpolated between evenly spaced stops (clamped outside). */
export function colourRamp(stops: readonly string[] = HEAT_STOPS): (t: number) => string {
  const rgb = stops.map(hexToRgb);
  return (t: number) => {
    if (!Number.isFinite(t)) return '#cccccc';
    const x = Math.max(0, Math.min(1, t)) * (rgb.length - 1);
    const i = Math.min(rgb.length - 2, Math.floor(x));
    const f = x - i;
    const [a, b] = [rgb[i], rgb[i + 1]];
    return rgbToHex([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
  };
}

/** Relative luminance (WCAG); text on a fill darker than ~0.35 is drawn white. */
export function luminance(hex: string): number {
  const lin = hexToRgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

export function textOn(fill: string): string {
  return luminance(fill) < 0.3 ? '#ffffff' : '#1f2933';
}

/**
 * Export markets in the map's purple family (the first is the map's export purple), told apart by
 * hue and lightness; domestic sales in the map's green.
 */
export const EXPORT_PALETTE = [EXPORT_COLOUR, '#c084fc', '#db2777', '#4338ca', '#a21caf', '#f0abfc', '#7c3aed', '#9d174d', '#818cf8', '#581c87'];

/** One colour per export market id, stable for the order given. */
export function exportColours(ids: readonly string[]): Map<string, string> {
  return new Map(ids.map((id, i) => [id, EXPORT_PALETTE[i % EXPORT_PALETTE.length]]));
}

export { DOMESTIC_COLOUR, EXPORT_COLOUR };
