/**
 * The answers every route may give besides its own, written into the OpenAPI document so a generated
 * client can type and handle them: 431, 500 and 503 (`store_unavailable`) on every API route; 400 for
 * a bad path parameter; 400, 413 and 415 for a body; 429 (the solve budget) and 503 (the queue) on
 * every route that solves. Documentation only: each route's own schema still checks its answers.
 */
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { XLSX_TYPE } from './views/network-workbook.ts';

type Transform = typeof jsonSchemaTransform;
type TransformInput = Parameters<Transform>[0];

/** Routes that spend the caller's solve budget and wait for a place in the CPU pool. */
const SOLVING = [/^\/api\/v1\/optimise$/, /^\/api\/v1\/scenarios\/:id\/runs$/, /^\/api\/v1\/analysis\/(sensitivity|phasing|contracts|alternatives|sweeps|montecarlo)$/];

export function documentedTransform(input: TransformInput): ReturnType<Transform> {
  const out = jsonSchemaTransform(input);
  const url = out.url;
  const schema = out.schema as Record<string, unknown> & { response?: Record<string, unknown>; hide?: boolean };
  if (!url.startsWith('/api/v1/') || schema.hide || !schema.response) return out;
  const method = String((input as { route?: { method?: string | string[] } }).route?.method ?? 'GET');
  const response = schema.response;
  // Every error answer has the one `Error` body: the route's own 401 (or any error it lists) is the template.
  const template = response['401'] ?? Object.entries(response).find(([code]) => Number(code) >= 400)?.[1];
  if (template === undefined) return out;
  const add = (...codes: number[]) => {
    for (const code of codes) response[String(code)] ??= template;
  };
  add(431, 500, 503);
  if (url.includes(':')) add(400);
  if (method === 'POST' || method === 'PUT') add(400, 413, 415);
  if (method === 'POST' && SOLVING.some((pattern) => pattern.test(url))) add(429);
  // The workbook upload's body is the file's bytes, which no JSON schema describes.
  if (url === '/api/v1/scenarios/from-workbook') {
    schema.body = { type: 'string', format: 'binary', description: 'The edited workbook from GET /network.xlsx' };
    schema.consumes = [XLSX_TYPE];
  }
  return out;
}
