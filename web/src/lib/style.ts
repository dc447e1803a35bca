/** How plan elements look: colours by mode and market type, line styles, utilisation colours. Pure. */

export type FlowMode = 'rail' | 'road' | 'sea';

export const MODE_COLOURS: Record<FlowMode, string> = {
  rail: '#b4451f',
  road: '#9a6700',
  sea: '#1d4f91',
};
export const MODE_LABELS: Record<FlowMode, string> = { rail: 'Rail', road: 'Road', sea: 'Sea' };
export const CLOSED_COLOUR = '#8a8a8a';
export const IDLE_COLOUR = '#6b7580';
export const DOMESTIC_COLOUR = '#2f7d32';
export const EXPORT_COLOUR = '#6a3fb5';
export const PLANT_COLOUR = '#111827';
/**
 * A difference B − A: blue where B has more tonnes, orange where it has fewer (Okabe–Ito blue, and
 * its orange darkened to 3:1 against the land and the sea; apart for every common colour-vision
 * deficiency and apart from the domestic green).
 */
export const DIFF_MORE_COLOUR = '#0072b2';
export const DIFF_LESS_COLOUR = '#b35c00';

/** The colour of a change of `deltaTonnes` (B − A). */
export function diffColour(deltaTonnes: number): string {
  return deltaTonnes > 0 ? DIFF_MORE_COLOUR : DIFF_LESS_COLOUR;
}

export function modeColour(mode: unknown): string {
  return typeof mode === 'string' && mode in MODE_COLOURS ? MODE_COLOURS[mode as FlowMode] : '#555';
}

export interface LineStyle {
  color: string;
  weight: number;
  opacity: number;
  dashArray?: string;
}

/**
 * The style of one leg in the current view: closed legs dashed grey whatever they carry;
 * legs with no flow a thin pale line for context; used legs coloured by mode with width by tonnes.
 */
export function legStyle(args: { mode: unknown; tonnes: number; closed: boolean; widthPx: number }): LineStyle {
  if (args.closed) return { color: CLOSED_COLOUR, weight: 2, opacity: 0.9, dashArray: '6 5' };
  if (!(args.tonnes > 0)) return { color: IDLE_COLOUR, weight: 1, opacity: 0.45, dashArray: '1 4' };
  return { color: modeColour(args.mode), weight: args.widthPx, opacity: 0.88 };
}

/** Utilisation → traffic-light colour; null (no cap) is neutral. */
export function utilisationColour(utilisation: number | null | undefined): string {
  if (utilisation == null || !Number.isFinite(utilisation)) return '#6b7280';
  if (utilisation >= 0.98) return '#c62828';
  if (utilisation >= 0.8) return '#e08600';
  return '#2e7d32';
}

export function marketColour(domestic: boolean): string {
  return domestic ? DOMESTIC_COLOUR : EXPORT_COLOUR;
}

/** Whether a leg counts as closed in a period (null = whole horizon: closed in every period). */
export function isClosedIn(
  leg: { closedPeriods: readonly number[]; capacityTonnes: number | null },
  period: number | null,
  periodCount: number,
): boolean {
  if (leg.capacityTonnes === 0) return true;
  if (period == null) return periodCount > 0 && leg.closedPeriods.length >= periodCount;
  return leg.closedPeriods.includes(period);
}

/** Filters the user sets on the map. */
export interface MapFilters {
  modes: Record<FlowMode, boolean>;
  domestic: boolean;
  export: boolean;
  /** Clearing plans: competitors' flows and plants on the map. */
  competitors: boolean;
  /** Clearing plans: competitors (supplier ids) hidden one by one. */
  hiddenCompetitors: string[];
}

export const DEFAULT_FILTERS: MapFilters = {
  modes: { rail: true, road: true, sea: true },
  domestic: true,
  export: true,
  competitors: true,
  hiddenCompetitors: [],
};

export function modeVisible(filters: MapFilters, mode: unknown): boolean {
  return typeof mode === 'string' && mode in filters.modes ? filters.modes[mode as FlowMode] : true;
}
