/** What the routes share: the store, the model and the service's limits. */
import type { FastifyContextConfig } from 'fastify';
import type { Network } from '../core/schema.ts';
import type { Store } from '../store/store.ts';
import type { ModelServices } from './solve.ts';

export interface RateLimit {
  /** Requests per window per API key (per address for anonymous callers). */
  readonly max: number;
  readonly timeWindowMs: number;
}

export interface ApiContext {
  readonly store: Store;
  readonly model: ModelServices;
  readonly defaultNetwork: Network;
  readonly maxSolveMs: number;
  /** Limit on the routes that solve; false = none. */
  readonly solveRateLimit: RateLimit | false;
}

/** Route config for a solving route: the rate limit, when there is one. */
export function solveRouteConfig(ctx: ApiContext): FastifyContextConfig {
  return ctx.solveRateLimit === false
    ? {}
    : { rateLimit: { max: ctx.solveRateLimit.max, timeWindow: ctx.solveRateLimit.timeWindowMs } };
}

/** Security requirement for the OpenAPI document. */
export const BEARER = [{ bearerAuth: [] }];
