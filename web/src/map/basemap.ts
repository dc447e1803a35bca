/**
 * The offline base map: Natural Earth countries (world-atlas; 1:50m where the plans are, 1:110m
 * elsewhere), made into outlines when the page is built (lib/basemap-outlines.ts, an asset of our
 * own origin), and the Caspian Sea from data/geo/caspian.geojson. Online tiles are an option.
 */
import L from 'leaflet';
import type { GeoJsonObject } from 'geojson';
import outlinesUrl from 'virtual:basemap';
import type { CountryOutlines } from '../lib/basemap-outlines.ts';

// The sea outline lands in data/geo; a glob keeps the build working whether or not it is there yet.
const caspianModules = import.meta.glob('../../../data/geo/caspian.geojson', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const caspianUrl: string | undefined = Object.values(caspianModules)[0];

export const SEA_COLOUR = '#c9dce8';
const LAND_COLOUR = '#f3f1ec';
const HOME_COLOUR = '#fbf7ea';
const BORDER_COLOUR = '#a9a39a';

/** Kazakhstan's ISO numeric code in Natural Earth (world-atlas ids are ISO 3166-1 numeric). */
const KAZAKHSTAN_ID = '398';

export interface BaseMap {
  countries: L.GeoJSON;
  caspian: L.GeoJSON | null;
  setTiles(on: boolean): void;
}

export interface BaseMapEvents {
  /** Online tiles drew (`ok`) or failed to load (`failed`, e.g. on a closed network). */
  onTiles?(status: 'ok' | 'failed'): void;
}

/**
 * Fetches the outlines at once and draws them once `after` resolves: the page lets its plan requests
 * leave first, so drawing the outlines (the heaviest work of a page load) overlaps the server's solve.
 */
export async function addBaseMap(map: L.Map, events: BaseMapEvents = {}, after: Promise<unknown> = Promise.resolve()): Promise<BaseMap> {
  const outlinesLoading = fetch(outlinesUrl).then((r) => r.json() as Promise<CountryOutlines>);
  // Without the outline the gap between the countries still reads as sea.
  const seaLoading: Promise<GeoJsonObject | null> = caspianUrl ? fetch(caspianUrl).then((r) => r.json()).catch(() => null) : Promise.resolve(null);
  await after;
  // One canvas for the land and the sea, drawn in that order (the sea over the land): each canvas is
  // twice the map's width and height (padding 0.5, so a drag shows drawn land), and a second one
  // doubled the pixels every frame copies and composites.
  const renderer = L.canvas({ pane: 'basePane', padding: 0.5 });
  // 1:50m where the plans are, 1:110m elsewhere; rings across the 180th meridian (Chukotka) made
  // continuous, so northern Russia fills as land.
  const geo = await outlinesLoading;
  // GeoJSON options reach each vector layer, so a renderer given here is used (types omit it).
  const countries = L.geoJSON(geo, {
    ...({ renderer } as L.GeoJSONOptions),
    pane: 'basePane',
    interactive: false,
    style: (f) => ({
      color: BORDER_COLOUR,
      weight: f?.id === KAZAKHSTAN_ID ? 1.2 : 0.8,
      fillColor: f?.id === KAZAKHSTAN_ID ? HOME_COLOUR : LAND_COLOUR,
      fillOpacity: 1,
      opacity: 1,
    }),
  }).addTo(map);

  const sea = await seaLoading;
  const caspian = sea
    ? L.geoJSON(sea, {
        ...({ renderer } as L.GeoJSONOptions),
        pane: 'basePane',
        interactive: false,
        style: { color: '#8fb3c9', weight: 0.8, fillColor: SEA_COLOUR, fillOpacity: 1 },
      }).addTo(map)
    : null;

  let tiles: L.TileLayer | null = null;
  return {
    countries,
    caspian,
    setTiles(on: boolean) {
      if (on && !tiles) {
        tiles = L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
          attribution: '© OpenStreetMap contributors',
          maxZoom: 12,
          pane: 'tilePane',
        });
        // Tiles draw over the offline land and sea (tilePane is above basePane): the fill stays, so a
        // tile that cannot load leaves the offline map, never a blank blue one.
        let loaded = 0;
        let failed = 0;
        tiles.on('tileload', () => {
          loaded += 1;
          if (loaded === 1) events.onTiles?.('ok');
        });
        tiles.on('tileerror', () => {
          failed += 1;
          if (failed === 1 && loaded === 0) events.onTiles?.('failed');
        });
        tiles.addTo(map);
      } else if (!on && tiles) {
        tiles.remove();
        tiles = null;
      }
    },
  };
}

/**
 * Country names where they read well at the region's zoom (Russia's centroid is in Siberia). Big
 * countries have several spots; the map shows the first one in view.
 */
export const COUNTRY_LABELS: { name: string; at: [number, number][] }[] = [
  { name: 'KAZAKHSTAN', at: [[48.3, 66.5], [46.0, 59.2], [49.6, 53.5]] },
  { name: 'RUSSIA', at: [[53.6, 45.2], [50.2, 44.3], [52.6, 52.5]] },
  { name: 'UZBEKISTAN', at: [[42.0, 63.2], [43.3, 57.6]] },
  { name: 'TURKMENISTAN', at: [[39.1, 59.0], [40.4, 55.6]] },
  { name: 'IRAN', at: [[35.0, 55.5], [35.6, 50.0]] },
  { name: 'AZERBAIJAN', at: [[40.6, 47.3]] },
  { name: 'GEORGIA', at: [[42.2, 43.6]] },
  { name: 'ARMENIA', at: [[40.2, 44.9]] },
  { name: 'KYRGYZSTAN', at: [[41.6, 74.6]] },
  { name: 'TAJIKISTAN', at: [[38.8, 71.2]] },
  { name: 'AFGHANISTAN', at: [[34.4, 65.5]] },
  { name: 'CHINA', at: [[44.0, 84.0]] },
  { name: 'TURKEY', at: [[39.0, 37.5]] },
  { name: 'MONGOLIA', at: [[47.5, 96.0]] },
];

export const SEA_LABELS: { name: string; lat: number; lng: number }[] = [
  { name: 'Caspian Sea', lat: 41.9, lng: 50.55 },
  { name: 'Black Sea', lat: 43.2, lng: 34.5 },
];
