/**
 * The API's own shapes (records, pages, errors, comparisons, GeoJSON), built on the shared zod
 * schemas. Shared schemas are registered here with ids so the OpenAPI document has `$ref`s, and
 * carry examples for Swagger UI.
 */
import { z } from 'zod';
import { Network, Scenario } from '../core/schema.ts';
import { MarketResult, Plan, PlanStatus, Kpis, PriceRange } from '../core/plan-schema.ts';
import { ERROR_STATUS, type ErrorCode } from './errors.ts';
// A real plan of the default phase-1 scenario, cut to a few markets, legs and one flow for the docs.
import EXAMPLE_PLAN from './examples/plan-phase1.json' with { type: 'json' };

export { EXAMPLE_PLAN };

export const EXAMPLE_SCENARIO = {
  name: 'Phase 1, base prices',
  description: 'Default network, annual plan for 2027, half of sales stay in Kazakhstan',
  horizon: { kind: 'annual', year: 2027 },
  phase: 1,
  policy: { domesticShare: 0.5, basis: 'sales' },
  objective: 'margin',
  overrides: { exportPriceMultiplier: 1.1 },
} as const;

// Registered once: the registry refuses a second schema under the same id.
if (!z.globalRegistry.has(Scenario)) {
  z.globalRegistry.add(Scenario, {
    id: 'Scenario',
    description: 'What to optimise: policy, phase, horizon, overrides; the network inline or (omitted) the default one.',
    // With its defaults filled in: the one example must hold for the request (input) and the stored
    // scenario (output, where every defaulted field is required).
    examples: [Scenario.parse(EXAMPLE_SCENARIO)],
  });
  z.globalRegistry.add(Network, { id: 'Network', description: 'Plants, markets, transit nodes and legs, with sources.' });
  z.globalRegistry.add(Plan, {
    id: 'Plan',
    description: 'An optimised plan: status, KPIs, markets, legs, flows, why.',
    examples: [EXAMPLE_PLAN],
  });
  z.globalRegistry.add(Kpis, { id: 'Kpis', examples: [EXAMPLE_PLAN.kpis] });
  z.globalRegistry.add(MarketResult, { id: 'MarketResult', examples: [EXAMPLE_PLAN.markets[0]] });
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({
    id: 'Error',
    examples: [
      {
        error: {
          code: 'invalid_body',
          message: 'The body is not a valid request',
          details: [{ path: ['policy', 'domesticShare'], message: 'Too big: expected number to be <=1' }],
        },
      },
    ],
  });

/** A 304 to `If-None-Match`: no body. */
export const NOT_MODIFIED = z.null().meta({ description: 'Not modified: the ETag matches' });

/** Error responses for a route's documentation; the payload is always `ErrorBody`. */
export function errorResponses(...codes: number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries(codes.map((c) => [c, ErrorBody]));
}

const IsoTime = z.string().meta({ examples: ['2026-11-25T08:30:00.000Z'] });
/** The API key's id (never the key), `anonymous` on a server open to writes without a key; null for records stored before it was recorded. */
const CreatedBy = z
  .string()
  .nullable()
  .meta({ description: "Who stored it: the API key's id (never the key itself), or `anonymous`; null when not recorded.", examples: ['key_3f9a1c0d2b7e'] });

export const ScenarioRecord = z
  .object({
    id: z.string().meta({ examples: ['sc_3f9a1c0d2b7e4a5f6c8d'] }),
    version: z.number().int().min(1),
    createdAt: IsoTime,
    updatedAt: IsoTime,
    createdBy: CreatedBy,
    scenario: Scenario,
  })
  .meta({ id: 'ScenarioRecord' });

export const ScenarioSummary = z
  .object({ id: z.string(), version: z.number().int(), name: z.string(), createdAt: IsoTime, updatedAt: IsoTime, createdBy: CreatedBy })
  .meta({ id: 'ScenarioSummary' });

const runFields = {
  id: z.string().meta({ examples: ['run_0b1c2d3e4f5a6b7c8d9e'] }),
  scenarioId: z.string(),
  scenarioVersion: z.number().int(),
  createdAt: IsoTime,
  status: PlanStatus,
  inputsHash: z.string(),
  modelVersion: z.string(),
  createdBy: CreatedBy,
};
export const RunSummary = z.object(runFields).meta({ id: 'RunSummary' });
export const RunRecord = z
  .object({ ...runFields, scenario: Scenario, plan: Plan })
  .meta({ id: 'Run', description: 'An immutable run: the scenario as solved, its version, the plan and its inputs hash.' });

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
    total: z.number().int(),
  });
}

/** `?flows=false`: the lighter plan, without the flows' GeoJSON (the same figures otherwise). */
export const FlowsQuery = z
  .object({
    flows: z
      .enum(['true', 'false'])
      .default('true')
      .meta({ description: "`false` leaves out the flows GeoJSON (a third of a plan; in a market-clearing plan the competitors' flows too); every figure is the same" }),
  })
  .strict();

/**
 * A whole number in a query string, written in decimal digits only: `0x10`, `1e1`, ` 5` and `` are
 * refused rather than read as 16, 10, 5 and 0 (as Number() would).
 */
function decimalInteger(min: number, max: number) {
  const error = `a whole number from ${min} to ${max}, in decimal digits`;
  // One message however many checks fail (16 digits past 2^53 fail both int and max): the first aborts.
  return z.number({ error }).int({ error, abort: true }).min(min, { error, abort: true }).max(max, { error });
}
const decimalDigits = (value: unknown) => (typeof value === 'string' && /^[0-9]{1,16}$/.test(value) ? Number(value) : value);

export const PageQuery = z
  .object({
    limit: z.preprocess(decimalDigits, decimalInteger(1, 100).default(20)),
    cursor: z.string().min(1).max(200).optional(),
    offset: z.preprocess(decimalDigits, decimalInteger(0, 1_000_000).optional()),
  })
  .strict()
  // One way of paging at a time: with both, one of them would be ignored.
  .refine((q) => q.cursor === undefined || q.offset === undefined, { message: 'give cursor or offset, not both', path: ['offset'] });

export const IdParams = z.object({ id: z.string().min(1).max(100) }).strict();

/** `If-Match: 3`, `"3"` or `W/"3"`: the version the client last saw. */
// Loose: a header schema replaces request.headers with its output, which must keep the rest.
export const IfMatchHeaders = z.looseObject({ 'if-match': z.string().max(100).optional() });

/**
 * `If-None-Match` on reads that answer 304: the ETag(s) the client holds (as HTTP allows, a list or
 * `*`). Documented so a typed client can send it; the route compares it with the answer's ETag.
 */
export const IfNoneMatchHeaders = z.looseObject({
  'if-none-match': z
    .string()
    .max(8192)
    .optional()
    .meta({ description: 'ETag(s) of the copy the client holds, e.g. `"3"` or `W/"a1b2", "c3d4"`: a 304 without a body when the answer is unchanged.' }),
});

/** Documents `Idempotency-Key` on POSTs (checked by the idempotency plugin). */
export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .optional()
    .meta({ description: 'Makes a retry safe: a repeat with the same key and body returns the stored response.', examples: ['contract-2027-001'] }),
});

export const Health = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() });
export const Readiness = z.object({
  status: z.enum(['ok', 'unavailable']),
  store: z.enum(['ok', 'unreachable', 'unknown']),
  storeLatencyMs: z.number().optional(),
  reason: z.string().optional(),
});

const Point = z.object({ type: z.literal('Point'), coordinates: z.array(z.number()) });
const LineStringGeometry = z.object({ type: z.literal('LineString'), coordinates: z.array(z.array(z.number())) });
export const GeoJsonFeatureCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        id: z.string().optional(),
        geometry: z.union([Point, LineStringGeometry]),
        properties: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .meta({ id: 'FeatureCollection', description: 'GeoJSON, coordinates [lng, lat].' });

const Diff = z
  .object({ a: z.number().nullable(), b: z.number().nullable(), delta: z.number().nullable() })
  .meta({ id: 'Diff', description: 'Value in run a, in run b, and b − a (null where a side has no value).' });

const RunRef = z.object({
  id: z.string(),
  scenarioId: z.string(),
  scenarioVersion: z.number().int(),
  scenarioName: z.string(),
  status: PlanStatus,
  inputsHash: z.string(),
  createdAt: IsoTime,
  horizon: z
    .object({ kind: z.string(), periods: z.number().int(), years: z.array(z.number().int()) })
    .meta({ description: 'The run’s horizon: its kind, how many periods and which calendar years its totals cover.' }),
  market: z.enum(['price-taker', 'clearing']).meta({ description: 'The market model the run was planned in: given prices (price-taker) or prices that clear against competitors.' }),
});

export const Comparison = z
  .object({
    a: RunRef,
    b: RunRef,
    notes: z
      .array(z.string())
      .meta({
        description:
          'What to know before reading the differences: that the runs were planned in different market modes (the model differs as well as the inputs), cover different numbers of years (their totals are compared as they are), or that a market-clearing run\'s market does not fix a price or our margin (its figure is one point of a range, and so is the difference).',
      }),
    marginRangeUsd: z
      .object({ a: PriceRange.nullable(), b: PriceRange.nullable() })
      .optional()
      .meta({
        description:
          'Market-clearing runs only, where either run\'s margin is not fixed by the market: its margin over every set of clearing prices (the plan\'s `clearing.ourMarginRangeUsd`; null for a run whose margin is fixed). The `marginUsd` KPI and its delta are then one point of it.',
      }),
    kpis: z.array(z.object({ key: z.string(), a: z.number().nullable(), b: z.number().nullable(), delta: z.number().nullable() })),
    markets: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        country: z.string(),
        domestic: z.boolean(),
        tonnes: Diff,
        netbackUsdPerTonne: Diff,
        priceUsdPerTonne: Diff,
        priceRangeUsdPerTonne: z
          .object({ a: PriceRange.nullable(), b: PriceRange.nullable() })
          .optional()
          .meta({
            description:
              'Market-clearing runs only, where either run\'s market does not fix the price: the clearing prices over every equilibrium (the plan\'s `clearing.markets[].priceRangeUsdPerTonne`; null for a run where the price is fixed). `priceUsdPerTonne` and its delta are then one point of it.',
          }),
        logisticsCostUsdPerTonne: Diff,
      }),
    ),
    legs: z.array(
      z.object({ id: z.string(), name: z.string(), mode: z.string().nullable(), tonnes: Diff, utilisation: Diff, co2Tonnes: Diff, freightUsd: Diff }),
    ),
  })
  .meta({ id: 'Comparison', description: 'Two runs side by side: per KPI, per market and per leg.' });

export const CompareQuery = z
  .object({
    runs: z
      .string()
      .max(300)
      .transform((s) => s.split(',').map((id) => id.trim()))
      .pipe(z.tuple([z.string().min(1).max(100), z.string().min(1).max(100)], 'give exactly two run ids: runs=a,b'))
      .meta({ examples: ['run_aaa,run_bbb'] }),
  })
  .strict();
