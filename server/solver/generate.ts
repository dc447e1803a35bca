/**
 * Deterministic generator of solver-neutral transport / multi-period models, for benchmarks and
 * property tests. Browser-safe, no dependencies.
 *
 * Shape (per period t): plants p with production `prod[p,t]` ≤ capacity, direct legs
 * `flow[p,m,t]` from every plant to every market with a per-tonne cost, sales `sale[m,t]` between
 * a minimum and a maximum demand, and (multi-period) plant stock `stock[p,t]` carried over with a
 * holding cost. Objective: maximise margin = Σ sale·price − Σ flow·legCost − Σ prod·varCost −
 * Σ stock·holding. All data are random reals (degeneracy is rare).
 *
 * Variables ≈ periods · (plants·markets + 2·plants + markets); `generateTransportModel(n, seed)`
 * picks periods/plants/markets so the count is close to n.
 */
import type { LpModel, LpRow, LpVariable, VariableKind } from '../core/lp.ts';

export interface TransportModelOptions {
  /** Number of periods; default 1 below ~300 variables, 12 above. */
  readonly periods?: number;
  readonly plants?: number;
  readonly markets?: number;
  /**
   * Probability that the instance is made infeasible (minimum demand above total capacity in
   * some period). Default 0.
   */
  readonly infeasibleProbability?: number;
  /**
   * Number of integer variables to add: shipment lots on the first legs (`lots[p,m,t]` integer,
   * `flow = lotSize·lots`) plus binary "open" switches on markets with a minimum contract.
   * Default 0 (a pure LP).
   */
  readonly integerVariables?: number;
  /** Objective sense; default 'max' (margin). 'min' minimises cost for the minimum demand. */
  readonly sense?: 'max' | 'min';
}

/** Small, fast, deterministic PRNG (mulberry32). Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Chooses periods / plants / markets for an approximate variable count. */
export function transportDimensions(
  sizeHint: number,
  options: Pick<TransportModelOptions, 'periods' | 'plants' | 'markets'> = {},
): { periods: number; plants: number; markets: number } {
  const n = Math.max(4, Math.floor(sizeHint));
  const periods = options.periods ?? (n < 300 ? 1 : 12);
  const perPeriod = n / periods;
  if (options.plants !== undefined && options.markets !== undefined) {
    return { periods, plants: options.plants, markets: options.markets };
  }
  // Markets ≈ 3 × plants; per-period variables ≈ 3P² + 2P + 3P (+P stock).
  const stockPerPlant = periods > 1 ? 1 : 0;
  const b = 5 + stockPerPlant;
  let plants = options.plants ?? Math.max(1, Math.round((-b + Math.sqrt(b * b + 12 * perPeriod)) / 6));
  let markets = options.markets ?? Math.max(1, Math.round((perPeriod - (2 + stockPerPlant) * plants) / (plants + 1)));
  if (plants < 1) plants = 1;
  if (markets < 1) markets = 1;
  return { periods, plants, markets };
}

/**
 * Builds a deterministic transport model with about `sizeHint` variables (tested up to ≥ 20,000).
 * Same (sizeHint, seed, options) → identical model.
 */
export function generateTransportModel(
  sizeHint: number,
  seed: number,
  options: TransportModelOptions = {},
): LpModel {
  const rnd = mulberry32(seed * 2654435761 + 12345);
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * rnd();
  const { periods: T, plants: P, markets: M } = transportDimensions(sizeHint, options);
  const sense = options.sense ?? 'max';
  const infeasible = rnd() < (options.infeasibleProbability ?? 0);

  const variables: LpVariable[] = [];
  const rows: LpRow[] = [];
  const addVar = (name: string, cost: number, lb = 0, ub = Infinity, kind: VariableKind = 'continuous'): number => {
    variables.push({ name, lb, ub, cost, kind });
    return variables.length - 1;
  };

  const capacity = Array.from({ length: P }, () => uniform(200, 1200));
  const varCost = Array.from({ length: P }, () => uniform(10, 25));
  const holding = Array.from({ length: P }, () => uniform(0.5, 2.5));
  const legCost = Array.from({ length: P }, () => Array.from({ length: M }, () => uniform(5, 60)));
  const price = Array.from({ length: M }, () => uniform(45, 110));
  const totalCap = capacity.reduce((a, b) => a + b, 0);
  // Demand split: total maximum demand ≈ 1.3 × capacity, minimum ≈ 0.3 × capacity.
  const share = Array.from({ length: M }, () => uniform(0.2, 1));
  const shareSum = share.reduce((a, b) => a + b, 0);
  const seasonal = Array.from({ length: T }, () => (T > 1 ? uniform(0.7, 1.3) : 1));
  const capFactor = Array.from({ length: T }, () => (T > 1 ? uniform(0.85, 1) / T : 1));

  const prod: number[][] = [];
  const stock: number[][] = [];
  const flow: number[][][] = [];
  const sale: number[][] = [];
  for (let t = 0; t < T; t++) {
    prod.push(capacity.map((_, p) => addVar(`prod:plant_${p}:${t + 1}`, -varCost[p])));
    if (T > 1) stock.push(capacity.map((_, p) => addVar(`stock:plant_${p}:${t + 1}`, -holding[p])));
    flow.push(
      capacity.map((_, p) => price.map((_, m) => addVar(`flow:leg_${p}_${m}:market_${m}:${t + 1}`, -legCost[p][m]))),
    );
    sale.push(price.map((pr, m) => addVar(`sale:market_${m}:${t + 1}`, pr)));
  }

  const intTarget = Math.max(0, Math.floor(options.integerVariables ?? 0));
  let intCount = 0;
  // Shipment lots on the first legs: flow = lot · n, n integer.
  const lotSize = uniform(40, 90);
  outer: for (let t = 0; t < T; t++) {
    for (let p = 0; p < P; p++) {
      for (let m = 0; m < M; m++) {
        if (intCount >= Math.ceil(intTarget / 2)) break outer;
        const n = addVar(`lots:leg_${p}_${m}:${t + 1}`, 0, 0, Infinity, 'integer');
        rows.push({
          name: `lots:leg_${p}_${m}:${t + 1}`,
          terms: [
            { v: flow[t][p][m], coef: 1 },
            { v: n, coef: -lotSize },
          ],
          lb: 0,
          ub: 0,
          label: 'shipment lots',
          family: 'lots',
        });
        intCount++;
      }
    }
  }

  // Markets with a binary "open" switch (minimum contract): their demand has no floor, the
  // contract row gives one when open. Chosen in (period, market) order.
  const switches = Math.max(0, intTarget - intCount);
  const hasSwitch = (t: number, m: number): boolean => t * M + m < switches;
  const dMaxOf: number[][] = [];

  for (let t = 0; t < T; t++) {
    dMaxOf.push([]);
    let minSum = 0;
    for (let p = 0; p < P; p++) {
      rows.push({
        name: `capacity:plant_${p}:${t + 1}`,
        terms: [{ v: prod[t][p], coef: 1 }],
        lb: -Infinity,
        ub: capacity[p] * capFactor[t],
        label: 'plant capacity, t',
        family: 'capacity',
      });
      // prod + stock[t-1] - stock[t] - Σ flow = 0
      const terms = [{ v: prod[t][p], coef: 1 }];
      if (T > 1) {
        if (t > 0) terms.push({ v: stock[t - 1][p], coef: 1 });
        terms.push({ v: stock[t][p], coef: -1 });
      }
      for (let m = 0; m < M; m++) terms.push({ v: flow[t][p][m], coef: -1 });
      rows.push({ name: `balance:plant_${p}:${t + 1}`, terms, lb: 0, ub: 0, label: 'plant balance, t', family: 'balance' });
    }
    for (let m = 0; m < M; m++) {
      const terms = [{ v: sale[t][m], coef: 1 }];
      for (let p = 0; p < P; p++) terms.push({ v: flow[t][p][m], coef: -1 });
      rows.push({ name: `deliver:market_${m}:${t + 1}`, terms, lb: 0, ub: 0, label: 'deliveries, t', family: 'deliver' });
      const dMax = ((1.3 * totalCap * share[m]) / shareSum) * seasonal[t] * (T > 1 ? 1 / T : 1);
      let dMin = dMax * uniform(0.1, 0.35);
      if (infeasible && t === T - 1) dMin = dMax * 0.95; // pushes Σ min demand well above capacity
      else if (hasSwitch(t, m)) dMin = 0;
      dMaxOf[t].push(dMax);
      minSum += dMin;
      // Ranged demand row (both bounds finite).
      rows.push({
        name: `demand:market_${m}:${t + 1}`,
        terms: [{ v: sale[t][m], coef: 1 }],
        lb: dMin,
        ub: dMax,
        label: 'market demand, t',
        family: 'demand',
      });
    }
    void minSum;
  }

  // Binary "open" switches: minimum contract on markets (sale ≥ min·open, sale ≤ max·open).
  outer2: for (let t = 0; t < T; t++) {
    for (let m = 0; m < M; m++) {
      if (!hasSwitch(t, m)) break outer2;
      const contract = dMaxOf[t][m] * uniform(0.2, 0.6);
      const open = addVar(`open:market_${m}:${t + 1}`, -contract * uniform(5, 25), 0, 1, 'binary');
      rows.push({
        name: `contract-min:market_${m}:${t + 1}`,
        terms: [
          { v: sale[t][m], coef: 1 },
          { v: open, coef: -contract },
        ],
        lb: 0,
        ub: Infinity,
        label: 'minimum contract, t',
        family: 'contract',
      });
      rows.push({
        name: `contract-max:market_${m}:${t + 1}`,
        terms: [
          { v: sale[t][m], coef: 1 },
          { v: open, coef: -dMaxOf[t][m] },
        ],
        lb: -Infinity,
        ub: 0,
        label: 'market open, t',
        family: 'contract',
      });
    }
  }

  if (sense === 'min') {
    // Minimise cost: negate margin (prices become revenue lost), demand minima force volume.
    return {
      name: `transport-${sizeHint}-${seed}`,
      sense,
      variables: variables.map((v) => (v.name.startsWith('sale:') ? { ...v, cost: 0 } : { ...v, cost: -v.cost })),
      rows,
    };
  }
  return { name: `transport-${sizeHint}-${seed}`, sense, variables, rows };
}
