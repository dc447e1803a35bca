/**
 * The page's state in the URL hash, so a link reopens the same scenario and view.
 * `#s=<scenario as base64url JSON>&v=<zoom>/<lat>/<lng>&p=<period>&hide=<road,export,competitors,…>&hc=<supplier ids>`
 * `&run=<id>&cmp=<a,b>&tiles=1&cur=KZT&bt=1&lang=ru&sc=<stored scenario id>&sv=<its version>`
 * Pure: encode and decode never touch `location`. Decoding tolerates junk and keeps what it can.
 */
import { Scenario, type ScenarioInput } from '../../../server/core/schema.ts';
import type { Currency } from './money.ts';
import { isDefaultScenarioName } from './scenario-name.ts';
import { DEFAULT_FILTERS, type FlowMode, type MapFilters } from './style.ts';

export interface MapView {
  lat: number;
  lng: number;
  zoom: number;
}

/** The parts of a scenario a user changes on this page (the network itself stays on the server). */
export type ScenarioPatch = Omit<ScenarioInput, 'network'>;

/**
 * The stored scenario whose network the link's scenario plans on (a link never carries a network): the
 * page reads it from the server (GET /api/v1/scenarios/<id>) and plans the link's scenario on it.
 * `version` is the one the link was made with (null: not known, an older or hand-made link).
 */
export interface StoredRef {
  id: string;
  version: number | null;
}

export interface PageState {
  scenario: ScenarioPatch | null;
  /** The stored scenario the link's scenario takes its network from; null = the server's default network. */
  stored: StoredRef | null;
  view: MapView | null;
  /** Period index for monthly plans; null = the whole horizon. */
  period: number | null;
  filters: MapFilters;
  runId: string | null;
  compare: [string, string] | null;
  tiles: boolean;
  /** Currency of money shown in the page (the plan stays in USD). */
  currency: Currency;
  /** The backtest view is open. */
  backtest: boolean;
  /** The page's language (a catalogue code such as `ru`); null = English. */
  lang: string | null;
}

export const EMPTY_STATE: PageState = {
  scenario: null,
  stored: null,
  view: null,
  period: null,
  filters: DEFAULT_FILTERS,
  runId: null,
  compare: null,
  tiles: false,
  currency: 'USD',
  backtest: false,
  lang: null,
};

const MODES: FlowMode[] = ['rail', 'road', 'sea'];

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string {
  const b64 = encoded.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The parts of `value` that differ from `base`, recursively, so a link carries only what the planner
 * changed. Arrays and the horizon (a tagged union) are kept whole when they differ.
 */
export function compactPatch(value: Json, base: Json, key = ''): Json | undefined {
  if (JSON.stringify(value) === JSON.stringify(base)) return undefined;
  const isObject = (v: Json): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value) || !isObject(base) || key === 'horizon') return value;
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(value)) {
    const d = compactPatch(v, base[k] as Json, k);
    if (d !== undefined) out[k] = d;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The scenario as a link carries it: what differs from the default scenario. A default name in any of
 * the page's languages ("What-if", "Что если") is no change: the page that opens the link names the
 * scenario in its own language.
 */
export function scenarioLinkPatch(scenario: { name: string } & { [key: string]: Json }, base: { name: string } & { [key: string]: Json }): Json | undefined {
  return compactPatch(isDefaultScenarioName(scenario.name) ? { ...scenario, name: base.name } : scenario, base);
}

export function encodeState(state: PageState): string {
  const params = new URLSearchParams();
  if (state.scenario) params.set('s', toBase64Url(JSON.stringify(state.scenario)));
  if (state.view) {
    params.set('v', `${round(state.view.zoom, 2)}/${round(state.view.lat, 4)}/${round(state.view.lng, 4)}`);
  }
  if (state.period != null) params.set('p', String(state.period));
  const hidden = [
    ...MODES.filter((m) => !state.filters.modes[m]),
    ...(state.filters.domestic ? [] : ['domestic']),
    ...(state.filters.export ? [] : ['export']),
    ...(state.filters.competitors ? [] : ['competitors']),
  ];
  if (hidden.length) params.set('hide', hidden.join(','));
  const hiddenCompetitors = state.filters.hiddenCompetitors.filter((id) => ID.test(id));
  if (hiddenCompetitors.length) params.set('hc', hiddenCompetitors.join(','));
  if (state.runId) params.set('run', state.runId);
  if (state.compare) params.set('cmp', state.compare.join(','));
  if (state.tiles) params.set('tiles', '1');
  if (state.currency === 'KZT') params.set('cur', 'KZT');
  if (state.backtest) params.set('bt', '1');
  if (state.lang && state.lang !== 'en' && LANG.test(state.lang)) params.set('lang', state.lang);
  if (state.stored && ID.test(state.stored.id)) {
    params.set('sc', state.stored.id);
    if (state.stored.version != null && VERSION.test(String(state.stored.version))) params.set('sv', String(state.stored.version));
  }
  const text = params.toString().replace(/%2F/g, '/').replace(/%2C/g, ',');
  return text ? `#${text}` : '';
}

function decodeScenario(encoded: string): ScenarioPatch | null {
  try {
    const value: unknown = JSON.parse(fromBase64Url(encoded));
    if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
    const patch = { ...(value as Record<string, unknown>) };
    delete patch.network; // A link never carries a network: the server's network is the reference.
    // Validate with the shared schema; a link that no longer parses is dropped, not half-applied.
    const checked = Scenario.safeParse({ name: 'link', ...patch });
    return checked.success ? (patch as ScenarioPatch) : null;
  } catch {
    return null;
  }
}

function decodeView(text: string): MapView | null {
  const parts = text.split('/').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  const [zoom, lat, lng] = parts;
  if (zoom < 0 || zoom > 20 || lat < -90 || lat > 90 || lng < -180 || lng > 180) return null;
  return { zoom, lat, lng };
}

const ID = /^[A-Za-z0-9_-]{1,100}$/;
const LANG = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;
/** A stored scenario's version: a positive whole number. */
const VERSION = /^[1-9]\d{0,8}$/;

export function decodeState(hash: string): PageState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const state: PageState = { ...EMPTY_STATE, filters: { ...DEFAULT_FILTERS, modes: { ...DEFAULT_FILTERS.modes }, hiddenCompetitors: [] } };
  const s = params.get('s');
  if (s) state.scenario = decodeScenario(s);
  const v = params.get('v');
  if (v) state.view = decodeView(v);
  const p = params.get('p');
  if (p != null && /^\d{1,3}$/.test(p)) state.period = Number(p);
  const hide = params.get('hide');
  if (hide) {
    for (const token of hide.split(',')) {
      if ((MODES as string[]).includes(token)) state.filters.modes[token as FlowMode] = false;
      if (token === 'domestic') state.filters.domestic = false;
      if (token === 'export') state.filters.export = false;
      if (token === 'competitors') state.filters.competitors = false;
    }
  }
  const hc = params.get('hc');
  if (hc) state.filters.hiddenCompetitors = [...new Set(hc.split(',').filter((id) => ID.test(id)))].slice(0, 200);
  const run = params.get('run');
  if (run && ID.test(run)) state.runId = run;
  const cmp = params.get('cmp')?.split(',');
  if (cmp && cmp.length === 2 && cmp.every((id) => ID.test(id))) state.compare = [cmp[0], cmp[1]];
  state.tiles = params.get('tiles') === '1';
  state.currency = params.get('cur') === 'KZT' ? 'KZT' : 'USD';
  state.backtest = params.get('bt') === '1';
  const lang = params.get('lang');
  state.lang = lang && LANG.test(lang) && lang !== 'en' ? lang : null;
  // A version without its scenario means nothing; a version that cannot be one is dropped (the id stays).
  const sc = params.get('sc');
  const sv = params.get('sv');
  if (sc && ID.test(sc)) state.stored = { id: sc, version: sv && VERSION.test(sv) ? Number(sv) : null };
  return state;
}
