/**
 * `Idempotency-Key` on POSTs (for contract systems that retry). The first request with a key runs
 * and, when it succeeds (2xx), its response is stored for `ttlMs`; a repeat with the same key and
 * the same request (method, route, path parameters, query and validated body) gets the stored response
 * with `Idempotent-Replayed: true`. The same key for a different request is a 422; a repeat while
 * the first is still running is a 409. Failed requests are not stored: retry with the same key.
 * Keys are scoped by caller (API key, or address when anonymous), so two clients cannot collide.
 *
 * Settling a claim (storing the answer, or releasing the claim of a failed request) never changes
 * the answer: when the store cannot be reached then (the database went away during the request),
 * the answer is sent as it is, and the claim is settled again every second in the background, and
 * before anything else when the same caller sends the same key again to this process. So a request
 * that failed with a 503 while the database was down does not hold its key once the database is
 * back (until then its retry is the same 503); one that succeeded is replayed.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import type { CompletesKey, Store, StoredResponse } from '../../store/store.ts';
import { identityOf } from '../run-responses.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string; settled: boolean; claimedAt: number } | null;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How often claims that could not be settled (the store unreachable) are tried again. */
const UNSETTLED_RETRY_MS = 1_000;
/** Response headers worth replaying; the rest (date, request id, rate limit) belong to the new request. */
const REPLAYED_HEADERS = ['location', 'etag'];

export interface IdempotencyOptions {
  readonly store: Store;
  readonly ttlMs: number;
  /** A claim in progress for longer than this belonged to a request that died (e.g. a killed process). */
  readonly staleAfterMs: number;
}

export function registerIdempotency(app: FastifyInstance, options: IdempotencyOptions): void {
  const { store, ttlMs, staleAfterMs } = options;
  app.decorateRequest('idempotency', null);

  /** Claims of ended requests not yet settled in the store, by scope and key: what is left to do. */
  const unsettled = new Map<string, { readonly since: number; readonly settle: () => Promise<void> }>();
  let retryTimer: ReturnType<typeof setInterval> | null = null;
  let retrying = false;
  const idOf = (scope: string, key: string) => `${scope}\n${key}`;

  const retryUnsettled = async () => {
    if (retrying) return;
    retrying = true;
    try {
      for (const [id, entry] of unsettled) {
        // Past staleAfterMs the claim is anyone's (claimIdempotencyKey): it must not touch a newer one.
        if (Date.now() - entry.since > staleAfterMs) unsettled.delete(id);
        else {
          await entry.settle();
          unsettled.delete(id);
        }
      }
    } catch {
      // Still unreachable: the next round tries again.
    } finally {
      retrying = false;
      if (unsettled.size === 0 && retryTimer) {
        clearInterval(retryTimer);
        retryTimer = null;
      }
    }
  };

  /** Stores the answer or releases the claim; when the store fails, keeps it to be tried again. Never throws. */
  const settle = async (request: FastifyRequest, claim: { scope: string; key: string; claimedAt: number }, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      request.log.warn({ err: error }, 'idempotency key not settled; tried again in the background');
      unsettled.set(idOf(claim.scope, claim.key), { since: claim.claimedAt, settle: run });
      retryTimer ??= setInterval(() => void retryUnsettled(), UNSETTLED_RETRY_MS);
      retryTimer.unref();
    }
  };

  app.addHook('onClose', async () => {
    if (retryTimer) clearInterval(retryTimer);
    retryTimer = null;
  });

  // preHandler: after authentication and validation, so the fingerprint is of the validated body.
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST') return;
    const raw = request.headers['idempotency-key'];
    if (raw === undefined) return;
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (key === undefined || !KEY_PATTERN.test(key)) {
      throw new ApiError('invalid_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
    // Per caller: an API key, or an anonymous caller's address (anonymous callers never share a scope).
    const p = request.principal;
    const scope = p && p.role !== 'anonymous' ? p.keyId : `anonymous:${request.ip}`;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.routeOptions.url ?? request.url}\n`)
      .update(`${JSON.stringify(request.params ?? {})}\n`)
      .update(`${JSON.stringify(request.query ?? {})}\n`)
      .update(JSON.stringify(request.body ?? null) ?? '')
      .digest('hex');
    // This caller's earlier request with this key ended, but its claim is not settled yet: first.
    const pending = unsettled.get(idOf(scope, key));
    if (pending) {
      // The store still unreachable: a 503, as for the claim itself.
      if (Date.now() - pending.since <= staleAfterMs) await pending.settle();
      unsettled.delete(idOf(scope, key));
    }
    const claimedAt = Date.now();
    const claim = await store.claimIdempotencyKey(scope, key, fingerprint, { ttlMs, staleAfterMs });
    switch (claim.state) {
      case 'claimed':
        request.idempotency = { scope, key, settled: false, claimedAt };
        return;
      case 'mismatch':
        throw new ApiError('idempotency_key_reused', 'This Idempotency-Key was already used for a different request');
      case 'in_progress':
        throw new ApiError('idempotency_in_progress', 'A request with this Idempotency-Key is still running; retry later', undefined, {
          'retry-after': '1',
        });
      case 'replay': {
        const { response } = claim;
        for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
        reply.header('idempotent-replayed', 'true');
        // A string payload with its content type is sent as stored, without re-serialising.
        return reply.code(response.statusCode).type(response.contentType).send(response.body);
      }
    }
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = request.idempotency;
    if (!claim || claim.settled) return payload;
    claim.settled = true;
    // A text body, or JSON sent as its UTF-8 bytes (a plan serialised in the pool thread): kept as text.
    const json = String(reply.getHeader('content-type') ?? '').startsWith('application/json');
    // An answer sent in an encoding (sendSerialised) is kept as its identity bytes, with their ETag:
    // a replay is sent uncompressed to whoever asks.
    const identity = identityOf(reply);
    const body = identity ? identity.body.toString('utf8') : typeof payload === 'string' ? payload : json && Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (reply.statusCode >= 200 && reply.statusCode < 300 && body !== null) {
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (typeof value === 'string') headers[name] = value;
      }
      if (identity) headers.etag = identity.etag;
      const response: StoredResponse = {
        statusCode: reply.statusCode,
        contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
        body,
        headers,
      };
      await settle(request, claim, () => store.completeIdempotencyKey(claim.scope, claim.key, response));
    } else {
      await settle(request, claim, () => store.releaseIdempotencyKey(claim.scope, claim.key));
    }
    return payload;
  });

  // A request that never reached onSend (client gone, error while sending) must not hold its key.
  app.addHook('onResponse', async (request: FastifyRequest) => {
    const claim = request.idempotency;
    if (claim && !claim.settled) {
      claim.settled = true;
      await settle(request, claim, () => store.releaseIdempotencyKey(claim.scope, claim.key));
    }
  });
}

/**
 * For a route that stores what it creates: the request's idempotency claim, to be completed with
 * `respond(created)` in the store's own transaction (CompletesKey); undefined without a claim. Call
 * `settled` once the write returned, so the claim is not completed a second time on sending.
 */
export function completesKey<T>(request: FastifyRequest, respond: (created: T) => StoredResponse): { readonly completes: CompletesKey<T> | undefined; settled(): void } {
  const claim = request.idempotency;
  if (!claim || claim.settled) return { completes: undefined, settled: () => undefined };
  return {
    completes: { scope: claim.scope, key: claim.key, respond },
    settled: () => {
      claim.settled = true;
    },
  };
}
