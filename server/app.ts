/**
 * Builds the service (API, OpenAPI document, Swagger UI, map page) without listening, so tests
 * use `app.inject()` and `server.ts` only listens and shuts down.
 */
import { randomUUID } from 'node:crypto';
import { constants as zlibConstants } from 'node:zlib';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Network } from './core/schema.ts';
import type { Store } from './store/store.ts';
import { ApiError } from './api/errors.ts';
import { documentedTransform } from './api/openapi-responses.ts';
import { answerClientError, charsetOf, refuseBadTextInUrl, utf8Text } from './api/http-input.ts';
import { BAD_TEXT_MESSAGE, badText, DEFERRED_BODY_CHARS, DeferredBody, mayHoldBadText } from './api/body-text.ts';
import type { ApiContext, RateLimit } from './api/context.ts';
import { ensurePlannerKey, Keyring, registerAuth, type ApiKeyEntry } from './api/plugins/auth.ts';
import { registerErrorHandling, sendError } from './api/plugins/errors.ts';
import { registerIdempotency } from './api/plugins/idempotency.ts';
import { applySecurityHeaders, registerSecurityHeaders } from './api/security-headers.ts';
import { loadModelServices, type ModelServices } from './api/solve.ts';
import { healthRoutes } from './api/routes/health.ts';
import { poolStartFailure } from './pool/pool.ts';
import { networkRoutes } from './api/routes/api/v1/network.ts';
import { optimiseRoutes } from './api/routes/api/v1/optimise.ts';
import { scenarioRoutes } from './api/routes/api/v1/scenarios/index.ts';
import { scenarioRunRoutes } from './api/routes/api/v1/scenarios/runs.ts';
import { runRoutes } from './api/routes/api/v1/runs/index.ts';
import { compareRoutes } from './api/routes/api/v1/compare.ts';
import { sessionRoutes } from './api/routes/api/v1/session.ts';
import { backtestRoutes } from './api/routes/api/v1/backtest.ts';
import { analysisRoutes } from './api/routes/api/v1/analysis/index.ts';
import { COMPRESS_THRESHOLD_BYTES, preferred, RunResponses, sendSerialised, serialised, type Serialised } from './api/run-responses.ts';
import { DEFAULT_QUEUE_LIMITS, SolveBudget, WorkQueue, type QueueLimits } from './api/admission.ts';
import type { JobQueue } from './jobs/queue.ts';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_MAX_MODEL_VARIABLES = 250_000;
const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url));

export interface AppOptions {
  readonly store: Store;
  /**
   * Configured keys (`API_KEYS`, `API_KEYS_FILE`). Empty or omitted: the keys live in the store,
   * and when it has none a planner key is created and handed once to `onPlannerKeyCreated`.
   */
  readonly keys?: readonly ApiKeyEntry[];
  readonly onPlannerKeyCreated?: (key: string) => void | Promise<void>;
  /** Reads without a key. Default: true when no keys are configured, else false. Writes always need a key. */
  readonly publicRead?: boolean;
  readonly logger?: FastifyServerOptions['logger'];
  /** One solve budget per key (per address when anonymous) across every solving route. Default 30 per minute. */
  readonly rateLimit?: RateLimit | false;
  /** Heavy requests running or waiting at once, per caller and in all (503 past it). Default 4 and 16. */
  readonly queueLimits?: QueueLimits;
  /** Largest model the service builds, in variables (422 past it). Default 250,000. */
  readonly maxModelVariables?: number;
  /** Origins allowed to call the API from a browser; `*` for any. Default: none (same origin only). */
  readonly corsOrigins?: readonly string[];
  /** The model (optimise, consistency check, default network); default: the real one. */
  readonly model?: ModelServices;
  /** The default network; default: `model.loadDefaultNetwork()`. */
  readonly network?: Network;
  /** Built map page; null = none. Default: web/dist. */
  readonly webRoot?: string | null;
  /** Ceiling on a scenario's `timeLimitMs`. Default 60 s. */
  readonly maxSolveMs?: number;
  /** How long an Idempotency-Key's response is kept. Default 24 h. */
  readonly idempotencyTtlMs?: number;
  /** Where sweeps and Monte Carlo run (closed with the app). Default: in this process, in memory. */
  readonly jobs?: JobQueue;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Keeps zod's own issue paths (numbers stay numbers) for the 400 details. A body left as text
 * (`DeferredBody`) passes: the pool thread that reads it validates it against the same schema.
 */
const validatorCompiler =
  ({ schema }: { schema: z.ZodType }) =>
  (data: unknown) => {
    if (data instanceof DeferredBody) return { value: data };
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    return {
      error: result.error.issues.map((issue) => {
        const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        return { path, message: issue.message, keyword: issue.code, instancePath: `/${path.join('/')}`, schemaPath: '', params: {} };
      }),
    };
  };

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withRedaction(options.logger ?? false),
    bodyLimit: BODY_LIMIT_BYTES,
    // Longer than any id the routes take (100), so an over-long id reaches its route and is a 400
    // naming `params.id`, not a "No route" 404.
    routerOptions: { maxParamLength: 2048 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestTimeout: 15 * 60_000,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // A URL whose percent-encoding does not decode (`%ED%A0%80`, a lone surrogate) never reaches a
    // route or a hook: answered here in the one error shape, with the request id and the headers.
    frameworkErrors: (error, request, reply) => {
      applySecurityHeaders(reply.raw);
      reply.header('x-request-id', request.id);
      const message = error.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid: a percent-encoded character in it does not decode to text' : 'The URL is not valid';
      request.log.info({ code: error.code }, message);
      sendError(reply, new ApiError('invalid_request', message));
    },
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // The text policy for path parameters and query strings too: a NUL or a lone surrogate is a 400.
  app.addHook('preValidation', refuseBadTextInUrl);

  // JSON as usual (prototype-poisoning keys refused), but an empty body is no body, and one text
  // policy for both stores: no NUL, no lone surrogate, anywhere in the body (400 with the path).
  // Only JSON bodies: anything else is 415. A large body to a route that reads its body in the
  // pool (`deferBody`) stays text here: its thread parses, checks and validates it, the same way.
  const defaultJsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    // JSON is UTF-8 (RFC 8259): another charset is not read as if it were, and bytes that are not
    // UTF-8 are refused rather than stored as U+FFFD.
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
      return done(new ApiError('unsupported_media_type', `Send the body as application/json in UTF-8, not ${charset.slice(0, 40)}`), undefined);
    }
    const text = utf8Text(body as Buffer);
    if (text === null) return done(new ApiError('invalid_body', 'The body is not valid UTF-8 text'), undefined);
    if (text.length >= DEFERRED_BODY_CHARS && request.routeOptions.config?.deferBody === true) return done(null, new DeferredBody(text));
    if (text.trim() === '') return done(null, undefined);
    defaultJsonParser(request, text, (error, value) => {
      if (error) return done(error, undefined);
      const bad = mayHoldBadText(text) ? badText(value) : null;
      if (bad) return done(new ApiError('invalid_body', 'The body is not a valid request', [{ path: bad, message: BAD_TEXT_MESSAGE }]), undefined);
      done(null, value);
    });
  });

  const model = options.model ?? (await loadModelServices());
  const defaultNetwork = options.network ?? model.loadDefaultNetwork();

  let keys = options.keys ?? [];
  const keysConfigured = keys.length > 0;
  if (!keysConfigured) {
    const { keys: stored, createdKey } = await ensurePlannerKey(options.store);
    keys = stored;
    if (createdKey) await options.onPlannerKeyCreated?.(createdKey);
  }
  const publicRead = options.publicRead ?? !keysConfigured;

  registerSecurityHeaders(app);

  if (options.corsOrigins && options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: options.corsOrigins.includes('*') ? '*' : [...options.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match', 'if-none-match', 'x-request-id'],
      exposedHeaders: ['etag', 'location', 'x-request-id', 'idempotent-replayed', 'retry-after', 'server-timing'],
      maxAge: 600,
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Caspian export optimiser API',
        description:
          'How much cement from the Aktobe plant goes to which domestic or export market, by which route. Errors: `{ error: { code, message, details? } }`.',
        version: '1',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key (planner or viewer)' } } },
      tags: [
        { name: 'optimise', description: 'One-off optimisation' },
        { name: 'scenarios', description: 'Stored, versioned scenarios' },
        { name: 'runs', description: 'Immutable runs and comparisons' },
        { name: 'network', description: 'The default network' },
        { name: 'service', description: 'Liveness and readiness' },
        { name: 'session', description: 'The role of the presented API key' },
        {
          name: 'analysis',
          description:
            'Analyses of a scenario: sensitivity ranges and the domestic-share curve, sweeps and Monte Carlo (jobs followed by id, events or CSV), multi-year phasing, contract decisions, and the room to negotiate (near-optimal alternatives).',
        },
      ],
    },
    transform: documentedTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, validatorUrl: null } as Record<string, unknown>,
  });
  // The document is complete once the server is ready and never changes after: serialised on first
  // demand and served like a stored run (strong ETag, 304, encodings kept).
  let openApi: Serialised | null = null;
  app.get('/openapi.json', { schema: { hide: true } }, async (request, reply) => {
    openApi ??= serialised(app.swagger());
    return sendSerialised(request, reply, openApi);
  });

  const solveRateLimit = options.rateLimit ?? { max: 30, timeWindowMs: 60_000 };
  const ctx: ApiContext = {
    store: options.store,
    model,
    defaultNetwork,
    maxSolveMs: options.maxSolveMs ?? 60_000,
    solveRateLimit,
    admission: {
      queue: new WorkQueue(options.queueLimits ?? DEFAULT_QUEUE_LIMITS),
      budget: solveRateLimit === false ? null : new SolveBudget(solveRateLimit),
    },
    maxModelVariables: options.maxModelVariables ?? DEFAULT_MAX_MODEL_VARIABLES,
    runResponses: new RunResponses(),
  };

  // While closing, answers carry `Connection: close` and `/ready` is 503, so traffic drains away.
  let closing = false;
  await app.register(healthRoutes({ store: options.store, isClosing: () => closing, poolProblem: poolStartFailure }));
  await app.register(
    async (api) => {
      registerAuth(api, { keyring: new Keyring(keys), publicRead });
      registerIdempotency(api, {
        store: options.store,
        ttlMs: options.idempotencyTtlMs ?? 24 * 3600_000,
        // Longer than any request can run: the longest solve plus a margin for storing it.
        staleAfterMs: ctx.maxSolveMs + 60_000,
      });
      // After idempotency, so its hook stores a response before it is compressed. Brotli or gzip
      // for answers of 1 KB or more; stored runs bring their own encodings (run-responses.ts).
      // One reading of Accept-Encoding for every route: the one pre-encoded answers use (a client
      // that weighs identity above an encoding gets identity; x-gzip is gzip), so the plugin, which
      // reads the header itself, encodes as they do.
      api.addHook('onRequest', async (request) => {
        request.headers['accept-encoding'] = preferred(request.headers['accept-encoding']);
      });
      await api.register(compress, {
        threshold: COMPRESS_THRESHOLD_BYTES,
        encodings: ['br', 'gzip'],
        brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
      });
      await api.register(sessionRoutes(publicRead));
      await api.register(networkRoutes(ctx));
      await api.register(optimiseRoutes(ctx));
      await api.register(scenarioRoutes(ctx));
      await api.register(scenarioRunRoutes(ctx));
      await api.register(runRoutes(ctx));
      await api.register(compareRoutes(ctx));
      await api.register(backtestRoutes(ctx));
      await api.register(analysisRoutes(ctx, options.jobs));
    },
    { prefix: '/api/v1' },
  );

  const webRoot = options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot;
  if (webRoot && existsSync(`${webRoot}/index.html`)) {
    await app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      // The build's brotli and gzip copies (web/vite.config.ts), when the browser takes them.
      preCompressed: true,
      setHeaders: (reply, path) => reply.header('cache-control', pageCacheControl(path)),
    });
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(MISSING_WEB_PAGE),
    );
  }

  // Keep-alive sockets must not hold the close open.
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onClose', async () => {
    // Root hooks run before the routes': the in-process queue writes its running jobs' end to the
    // store, so it closes first (closing a queue twice is harmless).
    if (options.jobs?.mode === 'in-process') await options.jobs.close();
    await options.store.close();
  });
  return app;
}

/** A year: what a browser may keep a file whose name carries a hash of its content. */
const HASHED_ASSET_MAX_AGE_S = 365 * 24 * 3600;

/**
 * Cache-Control for a file of the page. The build names every asset under `assets/` by a hash of its
 * content (`index-D-3-3C2n.js`), so a new build has new names and the browser may keep these for good
 * without asking again; the page itself (index.html, which names the assets) is checked on every
 * load (its ETag answers 304 when unchanged).
 */
export function pageCacheControl(filePath: string): string {
  return /[\\/]assets[\\/][^\\/]+-[\w-]{8}\.\w+(?:\.br|\.gz)?$/.test(filePath) ? `public, max-age=${HASHED_ASSET_MAX_AGE_S}, immutable` : 'no-cache';
}

/**
 * Query parameters that may carry a secret, by their decoded name (`%6Bey` is `key`, `key[]` is
 * `key`): any name holding one of these words. Their values never reach the logs; a harmless
 * parameter caught by it (`monkey`) loses only its value in the log.
 */
const SECRET_NAME = /key|token|auth|passw|secret|bearer|sig|credential|session|cookie/i;

/** Whether a query part's name (or a bare part) names a secret: as written, decoded, or with each valid %XX decoded where the whole does not decode. */
function namesSecret(name: string): boolean {
  if (SECRET_NAME.test(name)) return true;
  const plus = name.replace(/\+/g, ' ');
  let decoded: string;
  try {
    decoded = decodeURIComponent(plus);
  } catch {
    decoded = plus.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  return SECRET_NAME.test(decoded);
}

/**
 * The URL as logged: the value of every query part whose name names a secret is `[redacted]`, and a
 * bare part (no `=`) that names one is redacted whole. Parts are split at `&` and `;`, and everything
 * after the `?` is query, a raw `#` included (a client sends no fragment; one that does may hide a key behind it).
 */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const redacted = url.slice(at + 1).replace(/[^&;]+/g, (part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return namesSecret(part) ? '[redacted]' : part;
    const name = part.slice(0, eq);
    return namesSecret(name) ? `${name}=[redacted]` : part;
  });
  return `${url.slice(0, at + 1)}${redacted}`;
}

function withRedaction(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return logger;
  const base = logger === true ? {} : (logger as Record<string, unknown>);
  return {
    ...base,
    serializers: {
      req: (req: { method: string; url: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.hostname,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  } as FastifyServerOptions['logger'];
}

const MISSING_WEB_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Caspian export optimiser</title></head>
<body><h1>Caspian export optimiser</h1>
<p>The map page is not built. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.</p>
<p>The API is up: <a href="/docs">API documentation</a>, <a href="/openapi.json">OpenAPI document</a>, <a href="/health">health</a>.</p>
</body></html>
`;
