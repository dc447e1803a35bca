/** What the routes share: the store, the model and the service's limits. */
import type { FastifyContextConfig } from 'fastify';
import type { Network } from '../core/schema.ts';
import type { Store } from '../store/store.ts';
import type { ModelServices } from './solve.ts';
import type { Admission, RateLimit } from './admission.ts';

export type { RateLimit } from './admission.ts';
import type { RunResponses } from './run-responses.ts';

export interface ApiContext {
  readonly store: Store;
  readonly model: ModelServices;
  readonly defaultNetwork: Network;
  readonly maxSolveMs: number;
  /** Limit on the routes that solve; false = none. */
  readonly solveRateLimit: RateLimit | false;
  /** The solve budget and the bounded queue every solving route goes through. */
  readonly admission: Admission;
  /** Largest model (variables) the service builds; larger is 422 before anything is built. */
  readonly maxModelVariables: number;
  /** Stored runs' responses, serialised once with their ETags. */
  readonly runResponses: RunResponses;
}

/**
 * Route config for a solving route. The solve budget is one per caller across every solving route
 * (server/api/admission.ts), taken in the handler once the body is valid, so nothing here.
 */
export function solveRouteConfig(_ctx: ApiContext): FastifyContextConfig {
  return {};
}

/** Security requirement for the OpenAPI document. */
export const BEARER = [{ bearerAuth: [] }];
