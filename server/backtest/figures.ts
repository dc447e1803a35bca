/**
 * The figures a past year is judged on (data/market-history.json) and how the clearing model's
 * outcome gives each of them: production per plant, imports by origin and exports by destination
 * (and their totals), western Kazakhstan's net imports, and regional prices.
 * Browser-safe, pure.
 */
import type { HistoryPlant, MarketHistory } from '../core/history-schema.ts';
import { fxPerUsd, inForce } from '../core/market-schema.ts';
import type { Network } from '../core/schema.ts';
import type { MarketYearOutcome } from './market-year.ts';

export type HistoryYear = 2024 | 2025;
export const HISTORY_YEARS: readonly HistoryYear[] = [2024, 2025];

/** Western Kazakhstan: Aktobe, Atyrau, West Kazakhstan (Uralsk) and Mangystau (Aktau). */
export const WEST_MARKETS: readonly string[] = ['aktobe', 'atyrau', 'uralsk', 'aktau'];

export type FigureKind = 'plant-production' | 'imports' | 'exports' | 'west-net-imports' | 'price';

export interface Figure {
  readonly kind: FigureKind;
  /** Plant id, partner country ("total" for the national figure), "west", or market id. */
  readonly id: string;
  readonly name: string;
  /** Where the map draws it; null for national totals and a partner without one point of entry ("XX"). */
  readonly lng: number | null;
  readonly lat: number | null;
  readonly unit: 't/yr' | 'KZT/t';
  readonly observed: number;
  /** The observation is an ESTIMATE (not a published figure). */
  readonly observedIsEstimate: boolean;
  /** The observation's source text (or the reasoning of its estimate). */
  readonly source: string;
}

export function isEstimate(source: string | undefined): boolean {
  return source === undefined || /^\s*ESTIMATE/i.test(source);
}

const field = <T extends string>(stem: T, year: HistoryYear) => `${stem}${year}` as `${T}${HistoryYear}`;

function plantProduction(p: HistoryPlant, year: HistoryYear): number | null {
  return year === 2024 ? p.productionTonnes2024 : p.productionTonnes2025;
}

/** Plants the model has as suppliers with capacity: the ones whose production it can be judged on. */
export function modelledPlants(history: MarketHistory, network: Network, year: HistoryYear): HistoryPlant[] {
  const suppliers = new Map(network.suppliers.map((s) => [s.id, s]));
  return history.plants.filter((p) => {
    const s = p.supplierId === null ? undefined : suppliers.get(p.supplierId);
    if (!s) return false;
    return inForce(s.capacityTonnesPerYear, year) > 0 && plantProduction(p, year) !== null;
  });
}

const COUNTRY_NAMES: Readonly<Record<string, string>> = { RU: 'Russia', UZ: 'Uzbekistan', IR: 'Iran', AZ: 'Azerbaijan', TM: 'Turkmenistan', XX: 'other countries' };
const countryName = (c: string) => COUNTRY_NAMES[c] ?? c;

/** Every figure of a year, in a fixed order: plants, imports, exports, the west, prices. */
export function historyFigures(history: MarketHistory, network: Network, year: HistoryYear): Figure[] {
  const marketById = new Map(network.markets.map((m) => [m.id, m]));
  const figures: Figure[] = [];
  for (const p of modelledPlants(history, network, year)) {
    const f = field('productionTonnes', year);
    figures.push({
      kind: 'plant-production',
      id: p.id,
      name: p.name,
      lng: p.lng,
      lat: p.lat,
      unit: 't/yr',
      observed: plantProduction(p, year)!,
      observedIsEstimate: isEstimate(p.sources[f]),
      source: p.sources[f] ?? '',
    });
  }
  const n = history.national;
  for (const [kind, flows, total, totalField] of [
    ['imports', history.importsByOrigin, year === 2024 ? n.importsTonnes2024 : n.importsTonnes2025, field('importsTonnes', year)],
    ['exports', history.exportsByDestination, year === 2024 ? n.exportsTonnes2024 : n.exportsTonnes2025, field('exportsTonnes', year)],
  ] as const) {
    for (const t of flows) {
      const f = field('tonnes', year);
      figures.push({
        kind,
        id: t.partner,
        name: `${kind === 'imports' ? 'Imports from' : 'Exports to'} ${countryName(t.partner)}`,
        lng: t.lng,
        lat: t.lat,
        unit: 't/yr',
        observed: year === 2024 ? t.tonnes2024 : t.tonnes2025,
        observedIsEstimate: isEstimate(t.sources[f]),
        source: t.sources[f] ?? '',
      });
    }
    figures.push({
      kind,
      id: 'total',
      name: `Kazakhstan's total ${kind}`,
      lng: null,
      lat: null,
      unit: 't/yr',
      observed: total,
      observedIsEstimate: isEstimate(n.sources[totalField]),
      source: n.sources[totalField] ?? '',
    });
  }
  const west = WEST_MARKETS.map((id) => marketById.get(id)).filter((m) => m !== undefined);
  const consumption = history.regions.filter((r) => WEST_MARKETS.includes(r.marketId)).reduce((a, r) => a + (year === 2024 ? r.consumptionTonnes2024 : r.consumptionTonnes2025), 0);
  const westPlants = history.plants.filter((p) => WEST_MARKETS.includes(p.marketId));
  const production = westPlants.reduce((a, p) => a + (plantProduction(p, year) ?? 0), 0);
  figures.push({
    kind: 'west-net-imports',
    id: 'west',
    name: 'Net imports of western Kazakhstan (Aktobe, Atyrau, West Kazakhstan, Mangystau): consumption − production there',
    lng: west.reduce((a, m) => a + m.lng, 0) / Math.max(1, west.length),
    lat: west.reduce((a, m) => a + m.lat, 0) / Math.max(1, west.length),
    unit: 't/yr',
    observed: consumption - production,
    // Oblast consumption is a population split of the national figure: always an estimate.
    observedIsEstimate: true,
    source: `ESTIMATE: oblast consumption (population split of the national total) − production of ${westPlants.map((p) => p.name).join(', ')} (${westPlants.map((p) => (isEstimate(p.sources[field('productionTonnes', year)]) ? 'estimated' : 'published')).join(', ')})`,
  });
  for (const p of history.prices) {
    const m = marketById.get(p.marketId);
    if (!m) continue;
    const f = field('priceKztPerTonneExVat', year);
    figures.push({
      kind: 'price',
      id: p.marketId,
      name: `Average price, ${m.name}`,
      lng: m.lng,
      lat: m.lat,
      unit: 'KZT/t',
      observed: year === 2024 ? p.priceKztPerTonneExVat2024 : p.priceKztPerTonneExVat2025,
      observedIsEstimate: isEstimate(p.sources[f]),
      source: p.sources[f] ?? '',
    });
  }
  return figures;
}

/** How the model's outcome gives a figure. */
export function modelledFigure(figure: Figure, outcome: MarketYearOutcome, network: Network, history: MarketHistory): number {
  const marketById = new Map(network.markets.map((m) => [m.id, m]));
  const supplierById = new Map(network.suppliers.map((s) => [s.id, s]));
  const supplied = (supplierId: string, into: (marketId: string) => boolean) =>
    Object.entries(outcome.supplyTonnes[supplierId] ?? {}).reduce((a, [m, t]) => a + (into(m) ? t : 0), 0);
  const domestic = (m: string) => marketById.get(m)?.domestic === true;
  switch (figure.kind) {
    case 'plant-production': {
      const plant = history.plants.find((p) => p.id === figure.id);
      return plant?.supplierId ? supplied(plant.supplierId, () => true) : 0;
    }
    case 'imports':
      return network.suppliers
        .filter((s) => s.country !== 'KZ' && (figure.id === 'total' || s.country === figure.id))
        .reduce((a, s) => a + supplied(s.id, domestic), 0);
    case 'exports': {
      // "XX" is every destination the history does not list by name.
      const named = new Set(history.exportsByDestination.map((t) => t.partner).filter((c) => c !== 'XX'));
      const to = (m: string) => {
        const c = marketById.get(m);
        if (!c || c.domestic) return false;
        if (figure.id === 'total') return true;
        return figure.id === 'XX' ? !named.has(c.country) : c.country === figure.id;
      };
      return network.suppliers.filter((s) => s.country === 'KZ').reduce((a, s) => a + supplied(s.id, to), 0);
    }
    case 'west-net-imports': {
      const bought = WEST_MARKETS.reduce((a, m) => a + (outcome.boughtTonnes[m] ?? 0), 0);
      const westSuppliers = history.plants.filter((p) => WEST_MARKETS.includes(p.marketId) && p.supplierId && supplierById.has(p.supplierId));
      return bought - westSuppliers.reduce((a, p) => a + supplied(p.supplierId!, () => true), 0);
    }
    case 'price':
      return (outcome.priceUsdPerTonne[figure.id] ?? 0) * fxPerUsd(network.fxPerUsd, 'KZT', outcome.year);
  }
}
