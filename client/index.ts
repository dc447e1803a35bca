/**
 * The typed API client: openapi-fetch over the types generated from the API's own OpenAPI
 * document (`client/api.d.ts`, `npm run client:generate`). Every path, body, query, header and
 * answer is checked against the API at compile time; nothing is checked at run time.
 *
 *   const api = createCaspianClient({ baseUrl: 'http://localhost:3000', apiKey });
 *   const { data, error, response } = await api.POST('/api/v1/optimise', { body: scenario });
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './api.d.ts';

export type { components, paths } from './api.d.ts';

/** A schema of the OpenAPI document by name: `Schema<'Run'>`, `Schema<'Scenario'>`, … (as answered). */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export type CaspianClient = Client<paths>;

export interface CaspianClientOptions {
  /** Where the service listens, without `/api/v1`: e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** A planner or viewer key, sent as `Authorization: Bearer <key>`; none for public reads. */
  readonly apiKey?: string | undefined;
  /** Another fetch (tests, proxies); default: the global one. */
  readonly fetch?: (request: Request) => Promise<Response>;
}

export function createCaspianClient(options: CaspianClientOptions): CaspianClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : undefined,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
