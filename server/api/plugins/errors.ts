/**
 * The one error handler. Known errors become their DESIGN §5 code; validation errors become 400
 * with zod paths and messages; an unreachable database is a 503 `store_unavailable` (retry); anything
 * unexpected is logged and becomes a 500 that says nothing about internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { ApiError, type ErrorCode, type Problem } from '../errors.ts';
import { isConnectionError } from '../../store/connection-errors.ts';
import { isStoreUnavailable } from '../../store/store.ts';

/** Enough to fix a body; a body with more problems than this gets a count of the rest. */
const MAX_VALIDATION_DETAILS = 50;

interface ValidationItem {
  path?: (string | number)[];
  instancePath?: string;
  message?: string;
}

/** Turns a validation error into problems with zod paths (see `validatorCompiler` in app.ts). */
export function validationProblems(items: readonly ValidationItem[]): Problem[] {
  const problems = items.slice(0, MAX_VALIDATION_DETAILS).map((item) => ({
    path: item.path ?? pathFromPointer(item.instancePath ?? ''),
    message: item.message ?? 'is invalid',
  }));
  if (items.length > MAX_VALIDATION_DETAILS) {
    problems.push({ path: [], message: `… and ${items.length - MAX_VALIDATION_DETAILS} more problems` });
  }
  return problems;
}

function pathFromPointer(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const CONTEXT_MESSAGES: Record<string, string> = {
  querystring: 'The query string is not valid',
  params: 'The path parameters are not valid',
  headers: 'The headers are not valid',
};

const PATH_PREFIX: Record<string, string> = { querystring: 'query', params: 'params', headers: 'headers' };

/** Maps any thrown value to the API error it stands for; null = unexpected (a 500). */
export function toApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new ApiError('client_closed_request', 'The client closed the connection; its work was stopped');
  }
  // The store translates its own; the job queue's (pg-boss) reach here as the driver's errors.
  if (isStoreUnavailable(error) || isConnectionError(error)) {
    return new ApiError('store_unavailable', 'The database is not reachable right now; retry shortly', undefined, { 'retry-after': '1' });
  }
  if (typeof error !== 'object' || error === null) return null;
  const e = error as Partial<FastifyError> & { validation?: ValidationItem[]; validationContext?: string };

  if (Array.isArray(e.validation)) {
    const details = validationProblems(e.validation);
    if (e.validationContext === 'body' || e.validationContext === undefined) {
      return new ApiError('invalid_body', 'The body is not a valid request', details);
    }
    // Named from the request's top, as the text checks name them (`query.runs`, `params.id`).
    const prefix = PATH_PREFIX[e.validationContext];
    const located = prefix ? details.map((d) => ({ ...d, path: [prefix, ...d.path] })) : details;
    return new ApiError('invalid_request', CONTEXT_MESSAGES[e.validationContext] ?? 'The request is not valid', located);
  }

  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large', 'The body is larger than the 1 MB limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', 'Send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('invalid_body', 'The body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('invalid_request', 'Content-Length does not match the body');
    // The page's files: a name the file system refuses (over 255 characters) or a path outside the
    // page's folder is a file that is not there, not a question of rights.
    case 'FST_STATIC_FORBIDDEN_PATH':
      return new ApiError('not_found', 'No such page or file');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('invalid_body', 'The body is not valid JSON, or uses a forbidden key (__proto__, constructor.prototype)');
    default:
      break;
  }
  // The body parser's JSON.parse / secure-json-parse failures (syntax, __proto__ or constructor.prototype
  // keys): Fastify marks them 400. A SyntaxError thrown anywhere else is the server's, not the body's (500).
  if (e.statusCode === 400 && (e instanceof SyntaxError || /prototype|JSON/i.test(e.message ?? ''))) {
    return new ApiError('invalid_body', `The body is not valid JSON: ${safeMessage(e.message)}`);
  }

  const status = e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const byStatus: Partial<Record<number, ErrorCode>> = {
      401: 'unauthorized',
      403: 'forbidden',
      404: 'not_found',
      413: 'payload_too_large',
      415: 'unsupported_media_type',
      429: 'rate_limited',
    };
    const code = byStatus[status] ?? 'invalid_request';
    return new ApiError(code, safeMessage(e.message) || 'The request is not valid');
  }
  return null;
}

/** Parser messages are short and about the body; cap them so nothing long is echoed back. */
function safeMessage(message: string | undefined): string {
  return (message ?? '').slice(0, 200);
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(error.toPayload());
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(error);
    if (apiError) {
      if (apiError.code === 'store_unavailable') request.log.warn({ err: error }, apiError.message);
      // A full queue or a shutdown is the service working as designed: a line, not a stack.
      else if (apiError.code === 'overloaded' || apiError.code === 'unavailable') request.log.warn({ code: apiError.code }, apiError.message);
      else if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code: apiError.code }, apiError.message);
      return sendError(reply, apiError);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, new ApiError('internal', `Something went wrong on our side; request id ${request.id} identifies it in the logs`, { requestId: request.id }));
  });

  const routes = routeMethods(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = routes.allowedMethods(path);
    if (allowed.length > 0) {
      return sendError(
        reply,
        new ApiError('method_not_allowed', `${path.slice(0, 200)} takes ${allowed.join(', ')}, not ${request.method.slice(0, 20)}`, undefined, { allow: allowed.join(', ') }),
      );
    }
    return sendError(reply, new ApiError('not_found', `No route ${request.method} ${path.slice(0, 200)}`));
  });
}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Which methods each route path takes, so a known path asked with another method is a 405 with
 * `Allow` (RFC 9110 §15.5.6) rather than a 404 that reads as if the path did not exist. The page's
 * catch-all file route (and CORS's catch-all preflight) is left out: it would make every unknown path
 * a 405; so the page's own files answer another method with 404.
 */
function routeMethods(app: FastifyInstance): { allowedMethods(path: string): string[] } {
  const router = FindMyWay({ maxParamLength: 2048 });
  const seen = new Set<string>();
  app.addHook('onRoute', (route) => {
    if (route.url === '*' || route.url === '/*') return;
    // A plugin's root route ('/' under a prefix) is served at the prefix with and without its
    // trailing slash, though registered once (Swagger UI's /docs and /docs/).
    const atPrefixRoot = route.prefix !== '' && (route.routePath === '/' || route.routePath === '');
    const urls = atPrefixRoot ? [route.prefix, `${route.prefix}/`] : [route.url];
    for (const method of [route.method].flat()) {
      if (!HTTP_METHODS.includes(method as (typeof HTTP_METHODS)[number])) continue;
      for (const url of urls) {
        const key = `${method} ${url}`;
        if (seen.has(key)) continue;
        seen.add(key);
        router.on(method as (typeof HTTP_METHODS)[number], url, () => {});
      }
    }
  });
  return {
    allowedMethods: (path) => HTTP_METHODS.filter((method) => router.find(method, path) !== null),
  };
}
