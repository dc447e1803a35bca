/**
 * What arrives before a route reads it: the body's charset and bytes, the text of path parameters
 * and query strings, and requests Node's HTTP parser refuses outright. Each is answered in the one
 * error shape (errors.ts), never with a library's own.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { BAD_TEXT_MESSAGE, badText } from './body-text.ts';
import { ApiError, ERROR_STATUS, type ErrorCode } from './errors.ts';

/** The `charset` parameter of a Content-Type, lower-cased and unquoted; null without one. */
export function charsetOf(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const match = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i.exec(contentType);
  return match ? match[2]!.toLowerCase() : null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text when they are UTF-8 (a leading byte-order mark dropped); null when they are not. */
export function utf8Text(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * A path parameter or query-string value with a NUL or an unpaired surrogate (`%00`, `%ED%A0%80`
 * decodes to U+FFFD, but `%uD800`-style text does not) is a 400 naming it, as in a body: no route
 * looks up, echoes or stores such an id.
 */
export async function refuseBadTextInUrl(request: FastifyRequest): Promise<void> {
  // The query string's parser keeps a percent-encoding that does not decode as its raw text (a route
  // would look up and echo "%ED%A0%80"): each part is decoded here, as the router decodes the path.
  const url = request.raw.url ?? '';
  const at = url.indexOf('?');
  if (at >= 0) {
    for (const part of url.slice(at + 1).split('#')[0]!.split('&')) {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      for (const piece of eq < 0 ? [name] : [name, part.slice(eq + 1)]) {
        if (decodes(piece)) continue;
        throw new ApiError('invalid_request', 'The query string is not valid: a percent-encoded character in it does not decode to text', [
          { path: ['query', decodes(name) ? decodeURIComponent(name.replace(/\+/g, ' ')) : name.slice(0, 100)], message: 'a percent-encoding that does not decode to UTF-8 text' },
        ]);
      }
    }
  }
  for (const [where, value] of [
    ['params', request.params],
    ['query', request.query],
  ] as const) {
    const bad = value && typeof value === 'object' ? badText(value, [where]) : null;
    if (bad) throw new ApiError('invalid_request', 'The request is not valid', [{ path: bad, message: BAD_TEXT_MESSAGE }]);
  }
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

const CLIENT_ERRORS: Partial<Record<string, { code: ErrorCode; message: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'request_timeout', message: 'The request did not arrive in time' },
  HPE_HEADER_OVERFLOW: { code: 'headers_too_large', message: "The request's headers are larger than 16 KB" },
};

/**
 * Node's HTTP parser refused the request (a NUL in a header, a header block over 16 KB, a request
 * that took too long to arrive): answered in the one error shape with a request id of its own,
 * then the connection is closed, as Node and Fastify do.
 */
export function answerClientError(this: { log: { info(o: object, m: string): void } }, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = (error.code && CLIENT_ERRORS[error.code]) || { code: 'invalid_request' as const, message: 'The request is not valid HTTP' };
  const status = ERROR_STATUS[known.code];
  const id = randomUUID();
  const body = JSON.stringify(new ApiError(known.code, known.message).toPayload());
  this.log.info({ reqId: id, code: error.code }, known.message);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${id}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function statusText(status: number): string {
  return status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
}
