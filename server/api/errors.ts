/**
 * Every error the API answers with (DESIGN §5): one payload shape, `{ error: { code, message,
 * details? } }`, and one place that maps a code to its HTTP status.
 */

export const ERROR_STATUS = {
  /** The body is not JSON, or not a valid scenario / scenario shape (details: zod paths + messages). */
  invalid_body: 400,
  /** A query string, path parameter or header is malformed (bad cursor, bad If-Match, ...). */
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  /** The path is a route, but not for this method (the `Allow` header names the ones it takes). */
  method_not_allowed: 405,
  /** `If-Match` names a version that is no longer current. */
  version_conflict: 409,
  /** A request with the same `Idempotency-Key` is still running. */
  idempotency_in_progress: 409,
  /** A job's result was asked for and the job is running, cancelled or failed (it has none). */
  job_not_done: 409,
  /** The request did not arrive in time (the connection's own timeout). */
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** The request's headers are larger than the HTTP parser takes (16 KB). */
  headers_too_large: 431,
  /** The body parses but cannot be a model: unknown ids, unreachable markets, too large. All problems listed. */
  unprocessable_model: 422,
  /** An analysis answered in the request did not finish within its time limit (its work was stopped). */
  time_limit: 422,
  /** The `Idempotency-Key` was already used for a different request. */
  idempotency_key_reused: 422,
  /** `PUT` / `DELETE` of a scenario without `If-Match`. */
  precondition_required: 428,
  rate_limited: 429,
  /** The client closed the connection before the answer: its work was stopped (nobody reads this). */
  client_closed_request: 499,
  internal: 500,
  /** Too much heavy work running or waiting (for this caller, or in all): retry after Retry-After. */
  overloaded: 503,
  /** The server is shutting down. */
  unavailable: 503,
  /** The database cannot be reached right now (restarting, network); retry shortly. */
  store_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One problem with a request: where (a path into the body) and what (the engine's own type). */
export type { Problem } from '../core/consistency.ts';

export interface ErrorPayload {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: unknown;
  /** Extra response headers (Retry-After, ETag of the current version, ...). */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = ERROR_STATUS[code];
    this.details = details;
    this.headers = headers;
  }

  toPayload(): ErrorPayload {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export const notFound = (what: string, id: string): ApiError => new ApiError('not_found', `${what} ${id} does not exist`);
