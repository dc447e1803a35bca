/** Runs of a stored scenario: solve and store an immutable run; list a scenario's runs. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createdByOf } from '../../../../plugins/auth.ts';
import { BEARER, solveRouteConfig, type ApiContext } from '../../../../context.ts';
import { notFound } from '../../../../errors.ts';
import { parseIfMatch } from '../../../../http.ts';
import { errorResponses, IdempotencyHeaders, IdParams, IfMatchHeaders, PageQuery, pageOf, RunRecord, RunSummary } from '../../../../schemas.ts';
import { clientGoneSignal, solveScenarioWithJson, yieldToEventLoop } from '../../../../solve.ts';
import { planTimingEntries, serverTiming } from '../../../../server-timing.ts';
import { Plan } from '../../../../../core/plan-schema.ts';
import { versionConflict, withCursor } from './index.ts';
import type { Scenario } from '../../../../../core/schema.ts';
import type { RunRecord as StoredRun, ScenarioRecord, Store } from '../../../../../store/store.ts';
import { completesKey } from '../../../../plugins/idempotency.ts';
import { runResponseFromJson, type Serialised } from '../../../../run-responses.ts';

/** A stored scenario, parsed, with the JSON text it is stored as (stored again as it is with each run). */
async function parsedScenario(store: Store, id: string): Promise<{ readonly record: ScenarioRecord; readonly json: string } | null> {
  const stored = await store.getScenarioJson(id);
  if (!stored) return null;
  const { scenarioJson, ...head } = stored;
  return { record: { ...head, scenario: JSON.parse(scenarioJson) as Scenario }, json: scenarioJson };
}

export function scenarioRunRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    const { store } = ctx;

    app.post(
      '/scenarios/:id/runs',
      {
        // Sent with its encodings and their ETags as GET /runs/:id sends them (run-responses.ts).
        compress: false,
        config: solveRouteConfig(ctx),
        schema: {
          tags: ['runs'],
          summary: 'Solve the stored scenario and store the run',
          description:
            'No body. The run records the scenario version, the plan and its inputs hash, and never changes. Optional `If-Match` makes sure the version you expect is the one solved. Accepts `Idempotency-Key`. A `Server-Timing` header tells where the server\'s time went (docs/api.md).',
          security: BEARER,
          params: IdParams,
          headers: IfMatchHeaders.extend(IdempotencyHeaders.shape),
          response: { 201: RunRecord, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
        },
      },
      async (request, reply) => {
        const expected = parseIfMatch(request.headers['if-match']);
        const parsed = await parsedScenario(store, request.params.id);
        if (!parsed) throw notFound('Scenario', request.params.id);
        const { record } = parsed;
        if (expected !== undefined && expected !== record.version) throw versionConflict(expected, record.version);
        const solved = await solveScenarioWithJson(ctx.model, record.scenario, {
          defaultNetwork: ctx.defaultNetwork,
          maxSolveMs: ctx.maxSolveMs,
          signal: clientGoneSignal(reply.raw),
          admission: ctx.admission,
          request,
          maxModelVariables: ctx.maxModelVariables,
        });
        const { timing } = solved;
        // A network of its own: the store's write and the response are megabytes; runs that end
        // together (stopped at the same time limit) take turns with what else is waiting.
        if (record.scenario.network) await yieldToEventLoop();
        const storeStarted = performance.now();
        const fields = { scenarioId: record.id, scenarioVersion: record.version, scenario: record.scenario, createdBy: createdByOf(request) };
        // Stored only once the plan is known to be valid: checked and serialised in its pool thread
        // (sent as that text, with its status, hash and model version beside it, so a plan of megabytes
        // is neither parsed nor serialised again here), or else checked here (a plan the event loop
        // made for a run stopped at its time limit; a stand-in model's). A request that fails stores
        // nothing, so a retry with its Idempotency-Key runs again. The scenario is stored as the text it
        // is stored as, and the response is joined from those texts: the same bytes as a later read.
        let planJson: string;
        let planBytes: string | Uint8Array;
        let head: { status: Plan['status']; inputsHash: string; modelVersion: string };
        if (solved.head && solved.json !== null) {
          head = solved.head;
          planJson = solved.json;
          planBytes = solved.bytes ?? planJson;
        } else {
          const plan = Plan.parse(solved.plan);
          head = { status: plan.status, inputsHash: plan.inputsHash, modelVersion: plan.modelVersion };
          planJson = JSON.stringify(plan);
          planBytes = planJson;
        }
        // Kept: GET /runs/:id answers with the same bytes. An Idempotency-Key's claim is completed
        // with them in the store's transaction that writes the run (a crash between the two would
        // leave the run stored and its key open for a retry to store a second one).
        let entry: Serialised | null = null;
        const answerOf = (run: Omit<StoredRun, 'plan'>): Serialised => {
          const { scenario: _, ...summary } = run;
          // Made (inside the store's transaction when a key is completed with it), kept only once stored.
          entry ??= runResponseFromJson(summary, parsed.json, planBytes);
          return entry;
        };
        const idempotent = completesKey<Omit<StoredRun, 'plan'>>(request, (run) => ({
          statusCode: 201,
          contentType: 'application/json; charset=utf-8',
          body: answerOf(run).body.toString('utf8'),
          headers: { location: `/api/v1/runs/${run.id}`, etag: answerOf(run).etag },
        }));
        const run = await store.createRunFromJson({ ...fields, ...head, scenarioJson: parsed.json, planJson }, idempotent.completes);
        idempotent.settled();
        const kept = ctx.runResponses.keep(run.id, 'run', answerOf(run));
        reply.header('location', `/api/v1/runs/${run.id}`);
        if (timing) reply.header('server-timing', serverTiming(planTimingEntries(timing, reply.elapsedTime, performance.now() - storeStarted)));
        // The run's own ETag (the one GET /runs/:id answers with), not its scenario's version.
        return ctx.runResponses.send(request, reply, kept, { statusCode: 201 });
      },
    );

    app.get(
      '/scenarios/:id/runs',
      {
        schema: {
          tags: ['runs'],
          summary: "List a scenario's runs, newest first",
          security: BEARER,
          params: IdParams,
          querystring: PageQuery,
          response: { 200: pageOf(RunSummary), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const page = await withCursor(() => store.listRuns(request.params.id, request.query));
        // A deleted scenario's runs stay, and stay listed; an id that never had a scenario nor a run is
        // a 404 (whether it exists is read without the scenario: a 1 MB network is ~0.1 s to parse here).
        if (page.total === 0 && (await store.scenarioVersion(request.params.id)) === null) throw notFound('Scenario', request.params.id);
        return page;
      },
    );
  };
}
