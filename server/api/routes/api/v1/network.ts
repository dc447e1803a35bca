/** The default network, as data and as GeoJSON for the map. */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Network, Scenario } from '../../../../core/schema.ts';
import type { ApiContext } from '../../../context.ts';
import { clientGoneSignal } from '../../../solve.ts';
import { runTask } from '../../../../pool/pool.ts';
import { inPoolQueued } from '../../../pooled.ts';
import { withNetwork } from '../../../../pool/networks.ts';
import { ApiError, notFound } from '../../../errors.ts';
import { etagOf } from '../../../http.ts';
import { sendSerialised, serialised } from '../../../run-responses.ts';
import { createdByOf } from '../../../plugins/auth.ts';
import { refuseUnplannableScenario } from './scenarios/index.ts';
import { BEARER } from '../../../context.ts';
import { errorResponses, GeoJsonFeatureCollection, NOT_MODIFIED, ScenarioRecord, IfNoneMatchHeaders } from '../../../schemas.ts';
import { XLSX_TYPE } from '../../../views/network-workbook.ts';
import { networkToGeoJson } from '../../../views/network-geojson.ts';

/**
 * Workbook work (reading an upload, writing a download) in the CPU pool, not on the event loop: a
 * 1 MB workbook or network is seconds of zip and XML.
 */
const workbookInPool = <T>(ctx: ApiContext, request: FastifyRequest, run: (timeoutMs: number) => Promise<T>): Promise<T> => inPoolQueued(ctx, request, 'workbook', run);

/** A stored scenario's JSON text as stored (parsed in the pool, not here); undefined without an id; 404 when there is none. */
async function storedScenario(ctx: ApiContext, id: string | undefined): Promise<{ json: string; version: number } | undefined> {
  if (id === undefined) return undefined;
  const stored = await ctx.store.getScenarioJson(id);
  if (!stored) throw notFound('Scenario', id);
  return { json: stored.scenarioJson, version: stored.version };
}

export function networkRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    // The default network never changes while the process runs: both views are validated and
    // serialised once, and served like stored runs (strong ETag, 304, encodings kept).
    const network = serialised(Network.parse(ctx.defaultNetwork));
    const geoJson = serialised(GeoJsonFeatureCollection.parse(networkToGeoJson(ctx.defaultNetwork)));

    app.get(
      '/network',
      {
        // Its encodings are sendSerialised's, each with its own ETag: the plugin must not encode again.
        compress: false,
        schema: {
          headers: IfNoneMatchHeaders,
          tags: ['network'],
          summary: 'The default network',
          description: 'With a strong `ETag`: `If-None-Match` with it is a 304.',
          security: BEARER,
          response: { 200: Network, 304: NOT_MODIFIED, ...errorResponses(401, 403) },
        },
      },
      async (request, reply) => sendSerialised(request, reply, network),
    );

    app.get(
      '/network.geojson',
      {
        // Its encodings are sendSerialised's, each with its own ETag: the plugin must not encode again.
        compress: false,
        schema: {
          headers: IfNoneMatchHeaders,
          tags: ['network'],
          summary: 'The default network as GeoJSON: plants, markets, nodes as Points, legs as LineStrings',
          description: 'With a strong `ETag`: `If-None-Match` with it is a 304.',
          security: BEARER,
          response: { 200: { description: 'GeoJSON FeatureCollection', content: { 'application/geo+json': { schema: GeoJsonFeatureCollection } } }, 304: NOT_MODIFIED, ...errorResponses(401, 403) },
        },
      },
      async (request, reply) => sendSerialised(request, reply, geoJson, { contentType: 'application/geo+json; charset=utf-8' }),
    );

    app.get(
      '/network.xlsx',
      {
        schema: {
          tags: ['network'],
          summary: 'The default network as an editable workbook (one sheet per entity kind, a README)',
          description:
            'With `scenario=<id>`, the figures after that stored scenario\'s per-id overrides. Edit figures and upload it to `POST /scenarios/from-workbook`.',
          security: BEARER,
          querystring: z.object({ scenario: z.string().min(1).max(100).optional() }).strict(),
          response: { 200: { description: 'The workbook (.xlsx)', content: { [XLSX_TYPE]: { schema: z.string().meta({ format: 'binary' }) } } }, ...errorResponses(400, 401, 403, 404, 422, 503) },
        },
      },
      async (request, reply) => {
        const id = request.query.scenario;
        // A stored scenario goes to the pool as its stored text, parsed and applied there (it may hold
        // a network of its own, up to a megabyte); the default network is one the threads keep.
        const stored = await storedScenario(ctx, id);
        const signal = clientGoneSignal(reply.raw);
        const { bytes } = await workbookInPool(ctx, request, (timeoutMs) =>
          withNetwork(ctx.defaultNetwork, (ref, place) =>
            runTask(
              'networkWorkbook',
              { network: ref, name: 'From workbook', ...(stored === undefined || id === undefined ? {} : { scenarioJson: stored.json, scenarioId: id, scenarioVersion: stored.version }) },
              { signal, timeoutMs, ...place },
            ),
          ),
        );
        return reply
          .type(XLSX_TYPE)
          .header('content-disposition', `attachment; filename="${id ? `scenario-${id.replace(/[^A-Za-z0-9_-]/g, '')}` : 'network'}.xlsx"`)
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
      },
    );

    // Workbook uploads: the raw bytes, within the same body-size limit as JSON bodies.
    app.addContentTypeParser(XLSX_TYPE, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    app.post(
      '/scenarios/from-workbook',
      {
        schema: {
          tags: ['scenarios'],
          summary: 'Store a scenario from an edited network workbook (from GET /network.xlsx)',
          description: `Body: the .xlsx bytes as \`${XLSX_TYPE}\`. The figures that differ from the default network become the scenario's per-id overrides. With \`scenario=<id>\` (a workbook downloaded with the same \`scenario=<id>\`), the new scenario is that stored scenario, with its settings and per-id overrides, and the figures that differ from its workbook; a workbook made from an older version of that scenario (its README's \`fromScenarioVersion\`) is a 409 \`version_conflict\`, nothing stored. Any problem (unknown id, text in a number cell, a number out of bounds) → 422 \`unprocessable_model\` listing every problem as \`{ sheet, row, column, message }\`, and nothing is stored.`,
          security: BEARER,
          querystring: z.object({ scenario: z.string().min(1).max(100).optional() }).strict(),
          response: { 201: ScenarioRecord, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 503) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        // A JSON (or any other) body is the wrong media type, as on the JSON routes the other way round.
        const mediaType = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (mediaType !== XLSX_TYPE) throw new ApiError('unsupported_media_type', `Send the workbook's bytes as ${XLSX_TYPE}`);
        if (!Buffer.isBuffer(body) || body.length === 0) throw new ApiError('invalid_body', `Send the workbook's bytes as ${XLSX_TYPE}`);
        // A stored scenario's workbook comes back to it: read against its figures, its settings kept.
        const scenarioId = request.query.scenario;
        const stored = await storedScenario(ctx, scenarioId);
        const signal = clientGoneSignal(reply.raw);
        const result = await workbookInPool(ctx, request, (timeoutMs) =>
          withNetwork(ctx.defaultNetwork, (network, place) => runTask('workbook', { bytes: body, network, ...(stored === undefined ? {} : { scenarioJson: stored.json, scenarioId }) }, { signal, timeoutMs, ...place })),
        );
        if (!result.ok) {
          throw new ApiError('unprocessable_model', `The workbook has ${result.problemCount} problem${result.problemCount === 1 ? '' : 's'}; nothing was stored`, result.problems);
        }
        // A workbook of an older version of the scenario would write its old figures back over the
        // changes made since, as if they were edits: refused, as a PUT with a stale If-Match is.
        if (stored !== undefined && result.fromScenarioVersion !== stored.version) {
          const made = result.fromScenarioVersion === null ? 'does not say which version of' : `was made from version ${result.fromScenarioVersion} of`;
          throw new ApiError(
            'version_conflict',
            `The workbook ${made} scenario ${scenarioId}, which is now at version ${stored.version}: download its workbook again (GET /network.xlsx?scenario=${scenarioId}) and re-enter your changes; nothing was stored`,
            { expectedVersion: result.fromScenarioVersion, currentVersion: stored.version },
            { etag: etagOf(stored.version) },
          );
        }
        const parsed = Scenario.safeParse(result.scenario ?? { name: result.name ?? 'From workbook', description: 'Uploaded network workbook', overrides: result.overrides });
        if (!parsed.success) {
          throw new ApiError('unprocessable_model', 'The workbook does not make a valid scenario; nothing was stored', parsed.error.issues.map((i) => ({ sheet: null, row: null, column: null, message: `${i.path.join('.')}: ${i.message}` })));
        }
        // Stored only if it can be planned, as on POST /scenarios (a competitor's figure changed in a
        // price-taker scenario, say, would be refused by every run of it).
        try {
          refuseUnplannableScenario(parsed.data, ctx.defaultNetwork);
        } catch (e) {
          // In the workbook's own problem shape, as its other problems are.
          if (!(e instanceof ApiError) || !Array.isArray(e.details)) throw e;
          const problems = (e.details as { path: (string | number)[]; message: string }[]).map((p) => ({ sheet: null, row: null, column: null, message: `${p.path.join('.')}: ${p.message}` }));
          throw new ApiError(
            'unprocessable_model',
            `The workbook makes a scenario that cannot be planned (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was stored. Competitors and whole markets are figures of the market-clearing mode: to change them, download the workbook of a stored market-clearing scenario (GET /network.xlsx?scenario=<id>) and upload it with ?scenario=<id>`,
            problems,
          );
        }
        const record = await ctx.store.createScenario(parsed.data, createdByOf(request));
        reply.code(201).header('location', `/api/v1/scenarios/${record.id}`).header('etag', etagOf(record.version));
        return record;
      },
    );
  };
}
