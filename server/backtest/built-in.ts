/**
 * Which of a back-test's observations are not independent of the model: figures that are, or are
 * made from, the model's own inputs in the network as written. A demand block valued at the observed
 * price, a region's consumption that is the model's consumption of it, a plant whose capacity is its
 * observed output or whose observed output is its capacity times a utilisation shared with other
 * plants. A target met on such figures shows the model consistent with its inputs, not accurate:
 * the report says so beside each row and target. Browser-safe, pure.
 */
import { consumptionInYear, fxPerUsd, inForce, toUsd } from '../core/market-schema.ts';
import type { MarketHistory } from '../core/history-schema.ts';
import type { Network } from '../core/schema.ts';
import { WEST_MARKETS, type Figure, type HistoryYear } from './figures.ts';

/** Two figures are "the same" when they differ by at most this share (rounding in the data). */
const SAME_SHARE = 0.005;
/** Utilisations (output ÷ capacity) this close are taken for one shared estimate. */
const UTILISATION_TOLERANCE = 0.005;
/** A capacity "is" an observed output when within this share of it. */
const CAPACITY_SHARE = 0.02;

const same = (a: number, b: number, share = SAME_SHARE) => Math.abs(a - b) <= share * Math.max(Math.abs(a), Math.abs(b), 1);
const pct = (x: number) => `${x > 0 ? '+' : ''}${Math.round(x * 1000) / 10} %`;

/**
 * For each figure, in the same order: why its observation is one of the model's own inputs (or made
 * from them), or null when it is independent of them.
 */
export function inputsBehind(figures: readonly Figure[], network: Network, history: MarketHistory, year: HistoryYear): (string | null)[] {
  const marketById = new Map(network.markets.map((m) => [m.id, m]));
  const supplierById = new Map(network.suppliers.map((s) => [s.id, s]));
  const kztPerUsd = fxPerUsd(network.fxPerUsd, 'KZT', year);
  const capacityOf = (plantId: string): number | null => {
    const plant = history.plants.find((p) => p.id === plantId);
    const supplier = plant?.supplierId ? supplierById.get(plant.supplierId) : undefined;
    return supplier ? inForce(supplier.capacityTonnesPerYear, year) : null;
  };

  // Estimated plant outputs that are capacity × one utilisation shared by two plants or more.
  const utilisations = new Map<string, number>();
  for (const f of figures) {
    if (f.kind !== 'plant-production' || !f.observedIsEstimate) continue;
    const capacity = capacityOf(f.id);
    if (capacity) utilisations.set(f.id, Math.round((f.observed / capacity) * 1000) / 1000);
  }
  // Utilisations within half a point of each other are one estimate rounded differently in the data.
  const sharedBy = (u: number) => [...utilisations.values()].filter((v) => Math.abs(v - u) <= UTILISATION_TOLERANCE).length;

  return figures.map((f) => {
    switch (f.kind) {
      case 'price': {
        const demand = marketById.get(f.id)?.demand;
        const block = demand?.blocks.find((b) => same(toUsd(b.value, network.fxPerUsd, year) * kztPerUsd, f.observed));
        return block
          ? `the observed price is the value of one of this market's demand blocks in the model (${block.label ?? 'a block'}): the clearing price sits on it whenever those buyers are the marginal ones`
          : null;
      }
      case 'west-net-imports': {
        const regions = history.regions.filter((r) => WEST_MARKETS.includes(r.marketId));
        const observed = regions.reduce((a, r) => a + (year === 2024 ? r.consumptionTonnes2024 : r.consumptionTonnes2025), 0);
        const modelled = regions.reduce((a, r) => {
          const m = marketById.get(r.marketId);
          return a + (m?.demand ? consumptionInYear(m.demand.consumptionTonnesByYear, year, m.growthPctPerYear ?? 0) : 0);
        }, 0);
        return regions.length > 0 && same(observed, modelled)
          ? "the observed consumption of these regions is the model's own consumption of them (the same estimate): only the share of it the model's prices leave unbought and the regions' plants' output are compared"
          : null;
      }
      case 'plant-production': {
        const capacity = capacityOf(f.id);
        if (!capacity) return null;
        if (same(capacity, f.observed, CAPACITY_SHARE))
          return `the model's capacity of this plant equals the observation within ${CAPACITY_SHARE * 100} %: run full, its error is ${pct(capacity / f.observed - 1)}`;
        const u = utilisations.get(f.id);
        if (u !== undefined && sharedBy(u) >= 2)
          return `the observation is the model's capacity × ${u} (a utilisation estimate shared by ${sharedBy(u)} plants): run full, its error is ${pct(capacity / f.observed - 1)} whatever else the model gets right`;
        return null;
      }
      default:
        return null;
    }
  });
}

export type Evidence = 'independent' | 'partly built in' | 'built in';

/** A target's evidence from its rows' reasons: independent when none is built in, built in when all are. */
export function evidenceOf(reasons: readonly (string | null)[]): Evidence {
  const builtIn = reasons.filter((r) => r !== null).length;
  if (builtIn === 0) return 'independent';
  return builtIn === reasons.length ? 'built in' : 'partly built in';
}
