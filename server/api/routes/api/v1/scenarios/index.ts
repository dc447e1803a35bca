/** Stored, versioned scenarios: create, list (paged), read, update with If-Match, delete. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Scenario, type Network } from '../../../../../core/schema.ts';
import { checkOnly, ScenarioProblemsError } from '../../../../../analysis/common.ts';
import { problemsError } from '../../../../solve.ts';
import { InvalidCursorError, type ScenarioJson, type ScenarioRecord as ScenarioRecordType, type StoredResponse } from '../../../../../store/store.ts';
import { completesKey } from '../../../../plugins/idempotency.ts';
import { createdByOf } from '../../../../plugins/auth.ts';
import { BEARER, type ApiContext } from '../../../../context.ts';
import { ApiError, notFound } from '../../../../errors.ts';
import { etagOf, parseIfMatch } from '../../../../http.ts';
import { matches, withLastFields } from '../../../../run-responses.ts';
import { errorResponses, IdempotencyHeaders, IdParams, IfMatchHeaders, NOT_MODIFIED, PageQuery, pageOf, ScenarioRecord, ScenarioSummary, IfNoneMatchHeaders } from '../../../../schemas.ts';

/** A bad cursor is the client's mistake, not ours. */
export async function withCursor<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new ApiError('invalid_request', 'The cursor is not valid: use a nextCursor from a previous page');
    throw error;
  }
}

export function scenarioRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const refuseUnplannable = (scenario: Scenario): void => refuseUnplannableScenario(scenario, ctx.defaultNetwork);
  return async (app) => {
    const { store } = ctx;

    app.post(
      '/scenarios',
      {
        schema: {
          tags: ['scenarios'],
          summary: 'Store a scenario (version 1)',
          description:
            'Accepts `Idempotency-Key`. A scenario on the default network is checked as a run would check it: an override of an unknown id or a setting of the other market mode is a 422 listing every problem, and nothing is stored (a scenario with its own `network` is checked when it runs).',
          security: BEARER,
          headers: IdempotencyHeaders,
          body: Scenario,
          response: { 201: ScenarioRecord, ...errorResponses(400, 401, 403, 409, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        // The answer is made from the record as it is written, and an Idempotency-Key's claim is
        // completed with it in the same transaction: a crash between the two cannot leave the
        // scenario stored and its key open for a retry to store it again.
        let sent = null as StoredResponse | null;
        const respond = (record: ScenarioRecordType): StoredResponse => {
          sent = {
            statusCode: 201,
            contentType: 'application/json; charset=utf-8',
            body: JSON.stringify(ScenarioRecord.parse(record)),
            headers: { location: `/api/v1/scenarios/${record.id}`, etag: etagOf(record.version) },
          };
          return sent;
        };
        refuseUnplannable(request.body);
        const idempotent = completesKey(request, respond);
        const record = await store.createScenario(request.body, createdByOf(request), idempotent.completes);
        idempotent.settled();
        const answer: StoredResponse = sent ?? respond(record);
        return reply.code(201).headers(answer.headers).type(answer.contentType).send(answer.body as never);
      },
    );

    app.get(
      '/scenarios',
      {
        schema: {
          tags: ['scenarios'],
          summary: 'List scenarios, newest first',
          description: 'Page with `limit` and either `cursor` (from `nextCursor`) or `offset`.',
          security: BEARER,
          querystring: PageQuery,
          response: { 200: pageOf(ScenarioSummary), ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => withCursor(() => store.listScenarios(request.query)),
    );

    app.get(
      '/scenarios/:id',
      {
        schema: {
          headers: IfNoneMatchHeaders,
          tags: ['scenarios'],
          summary: 'Read a scenario (ETag = version)',
          security: BEARER,
          params: IdParams,
          response: { 200: ScenarioRecord, 304: NOT_MODIFIED, ...errorResponses(401, 403, 404) },
        },
      },
      async (request, reply) => {
        const record = await store.getScenarioJson(request.params.id);
        if (!record) throw notFound('Scenario', request.params.id);
        const etag = etagOf(record.version);
        // The version is the tag of every encoding of it: caches keep one entry per encoding.
        reply.header('etag', etag).header('vary', 'accept-encoding');
        if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
        return reply.type('application/json; charset=utf-8').send(scenarioResponse(record) as never);
      },
    );

    app.put(
      '/scenarios/:id',
      {
        // Before the body (up to 1 MB) is read: a missing If-Match, an unknown scenario or a stale
        // version is answered at once, so retries of a stale write cost no parsing.
        preParsing: async (request) => {
          const id = (request.params as { id?: unknown }).id;
          // An id the route would refuse (its text is checked after the body) is left to the handler.
          if (typeof id === 'string' && /^[\w.-]{1,100}$/.test(id)) await writableVersion(store, id, request.headers['if-match']);
        },
        schema: {
          tags: ['scenarios'],
          summary: 'Replace a scenario; If-Match with the version you last read is required',
          description:
            'Missing `If-Match` → 428 `precondition_required`; a stale version → 409 `version_conflict`; a scenario that cannot be planned on the default network → 422 (as on `POST /scenarios`), nothing changed.',
          security: BEARER,
          params: IdParams,
          headers: IfMatchHeaders,
          body: Scenario,
          response: { 200: ScenarioRecord, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 428) },
        },
      },
      async (request, reply) => {
        // A missing scenario or a stale version first: a client fixing the body would then meet the 409.
        const expected = await writableVersion(store, request.params.id, request.headers['if-match']);
        refuseUnplannable(request.body);
        const result = await store.updateScenario(request.params.id, expected, request.body);
        if (!result.ok) {
          if (result.reason === 'not_found') throw notFound('Scenario', request.params.id);
          throw versionConflict(expected, result.currentVersion);
        }
        reply.header('etag', etagOf(result.record.version));
        return result.record;
      },
    );

    app.delete(
      '/scenarios/:id',
      {
        schema: {
          tags: ['scenarios'],
          summary: 'Delete a scenario (its runs stay); If-Match optional',
          security: BEARER,
          params: IdParams,
          headers: IfMatchHeaders,
          response: { 204: z.undefined(), ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const expected = parseIfMatch(request.headers['if-match']);
        const result = await store.deleteScenario(request.params.id, expected);
        if (!result.ok) {
          if (result.reason === 'not_found') throw notFound('Scenario', request.params.id);
          throw versionConflict(expected ?? 0, result.currentVersion);
        }
        return reply.code(204).send();
      },
    );
  };
}

/**
 * A scenario on the default network is checked before it is stored, as a run of it would check it:
 * an override of an unknown id (a typo) or a setting of the other market mode is a 422 with every
 * problem, and nothing is stored. About a millisecond: the default network's own checks are kept.
 * A scenario that brings its own network is checked when it runs (checking a large network here
 * would hold the event loop). Used by every route that stores a scenario.
 */
export function refuseUnplannableScenario(scenario: Scenario, defaultNetwork: Network): void {
  if (scenario.network !== undefined) return;
  try {
    checkOnly(scenario, defaultNetwork);
  } catch (e) {
    throw e instanceof ScenarioProblemsError ? problemsError(e.problems) : e;
  }
}

/**
 * The version a PUT may replace: the one its If-Match names (428 without one), when the scenario is
 * there (404) and still at it (409). Reads the version alone, not the stored scenario.
 */
async function writableVersion(store: ApiContext['store'], id: string, ifMatch: string | undefined): Promise<number> {
  const expected = parseIfMatch(ifMatch);
  if (expected === undefined) throw new ApiError('precondition_required', 'Send If-Match with the version you last read, e.g. If-Match: "1"');
  const version = await store.scenarioVersion(id);
  if (version === null) throw notFound('Scenario', id);
  if (version !== expected) throw versionConflict(expected, version);
  return expected;
}

export function versionConflict(expected: number, current: number): ApiError {
  return new ApiError(
    'version_conflict',
    `The scenario is at version ${current}, not ${expected}: read it again and reapply your change`,
    { expectedVersion: expected, currentVersion: current },
    { etag: etagOf(current) },
  );
}

/** The record's response without its scenario: the scenario is its schema's last field. */
const ScenarioRecordHead = ScenarioRecord.omit({ scenario: true });

/**
 * A stored scenario's response with the scenario's JSON text as stored (checked by the Scenario schema
 * when it was written, and stored as that output): the record is checked and serialised and the text
 * put in as its last field, so a 1 MB network is neither parsed nor checked again on the event loop
 * (0.1–0.4 s a read). The same bytes as serialising the parsed record (tests/api/wire.test.ts).
 */
export function scenarioResponse(record: ScenarioJson): Buffer {
  const { scenarioJson, ...head } = record;
  return withLastFields(ScenarioRecordHead.parse(head), [['scenario', scenarioJson]]);
}
