/**
 * A scenario read from its body text, in the order a route reads one: JSON (400), the text policy
 * (400), the schema (400 with every problem's path), the model's size against the service's cap
 * (422, counted before anything is built). Pure: a pool thread reads a large body so, off the event
 * loop, and the answers are the ones the route gives a small body.
 */
import type { z } from 'zod';
import { Scenario } from '../core/schema.ts';
import type { Network } from '../core/schema.ts';
import { estimateModelSize } from '../core/size.ts';
import type { ErrorCode, Problem } from './errors.ts';
import { BAD_TEXT_MESSAGE, badText, mayHoldBadText, parseJsonText } from './body-text.ts';
import { validationProblems } from './plugins/errors.ts';

/** Why a body is refused: the API error it becomes. */
export interface BodyRefusal {
  readonly code: Extract<ErrorCode, 'invalid_body' | 'unprocessable_model'>;
  readonly message: string;
  readonly details?: readonly Problem[];
}

/** The message and problems of a schema's issues, as the route's validation gives them (at most 50, then a count). */
export function schemaRefusal(issues: readonly { path: readonly PropertyKey[]; message: string }[]): BodyRefusal {
  const items = issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message }));
  return { code: 'invalid_body', message: 'The body is not a valid request', details: validationProblems(items) };
}

/**
 * A body's text read as a route reads its body: JSON (prototype-poisoning keys refused), the text
 * policy, then `schema`; or why it is refused (400).
 */
export function readBodyText<S extends z.ZodType>(text: string, schema: S): { readonly value: z.output<S> } | { readonly refusal: BodyRefusal } {
  // Blank is no body (null, as Fastify gives a route): the schema says what is missing.
  const parsed = text.trim() === '' ? { value: null } : parseJsonText(text);
  if ('error' in parsed) return { refusal: { code: 'invalid_body', message: 'The body is not valid JSON, or uses a forbidden key (__proto__, constructor.prototype)' } };
  const bad = mayHoldBadText(text) ? badText(parsed.value) : null;
  if (bad) return { refusal: { code: 'invalid_body', message: 'The body is not a valid request', details: [{ path: bad, message: BAD_TEXT_MESSAGE }] } };
  const result = schema.safeParse(parsed.value);
  if (!result.success) return { refusal: schemaRefusal(result.error.issues) };
  return { value: result.data };
}

/** A scenario from its body text, or why it is refused. */
export function readScenarioText(text: string): { readonly scenario: Scenario } | { readonly refusal: BodyRefusal } {
  const read = readBodyText(text, Scenario);
  return 'refusal' in read ? read : { scenario: read.value };
}

/**
 * The scenario's model's variables (exact up to `maxVariables`) and, over that cap, the 422 that says
 * so: counted from the body, before anything is built.
 */
export function modelSize(scenario: Scenario, network: Network, maxVariables: number): { readonly variables: number; readonly refusal: BodyRefusal | null } {
  const size = estimateModelSize(scenario, network, maxVariables);
  if (!size.overCap) return { variables: size.variables, refusal: null };
  const message = `The model would have more than ${maxVariables.toLocaleString('en-US')} variables (the service's limit): fewer markets, legs or periods`;
  return { variables: size.variables, refusal: { code: 'unprocessable_model', message, details: [{ path: scenario.network ? ['network'] : ['horizon'], message }] } };
}
