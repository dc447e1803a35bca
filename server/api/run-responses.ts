/**
 * Stored runs served like static files. A run never changes, so each of its answers is serialised
 * once (validated against its response schema), given a strong ETag (a hash of the bytes), and kept
 * with its gzip and brotli encodings, made on first demand. `If-None-Match` with the ETag is a 304.
 * The answers (`RunView`): the full run, the lighter one without the flows' GeoJSON (`?flows=false`,
 * whose KPIs, markets, legs and every other figure are the same), its flows as GeoJSON, and its
 * allocation as CSV.
 *
 * The cache is in memory, bounded by bytes (least recently used out first); a run not in it is
 * read from the store and serialised again, with the same bytes and so the same ETag.
 *
 * The same serialisation and sending (`serialised`, `sendSerialised`) serve the other answers that
 * never change while the process runs: the default network, as data and as GeoJSON, and the OpenAPI
 * document.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { withoutFlows } from '../core/plan-schema.ts';
import type { RunRecord as StoredRun } from '../store/store.ts';
import { RunRecord } from './schemas.ts';

export type Encoding = 'br' | 'gzip' | 'identity';

/** `run`: the stored run's response (`run-light`: without the flows' GeoJSON); `flows`: its flows; `csv`: its allocation. */
export type RunView = 'run' | 'run-light' | 'flows' | 'csv';
/** What is kept: a run's answers, and the comparison of two runs (kept under the ids `a,b`). */
export type KeptView = RunView | 'compare';

const keyOf = (id: string, view: KeptView) => `${id}|${view}`;

/** A response serialised once: its bytes, a strong ETag, and its encodings, made on first demand. */
export interface Serialised {
  readonly body: Buffer;
  readonly etag: string;
  br?: Buffer;
  gzip?: Buffer;
}

/** `value` as JSON bytes with a strong ETag (a hash of the bytes); validate it first where it has a schema. */
export function serialised(value: unknown): Serialised {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  return { body, etag: etagOfBytes(body) };
}

/** A strong ETag: a hash of the bytes. */
export function etagOfBytes(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/**
 * Sends a serialised response: 304 when the client has it (`If-None-Match`), else the best encoding
 * it accepts, made once and kept on the entry (`grow` is told of each new encoding's bytes).
 */
export function sendSerialised(
  request: FastifyRequest,
  reply: FastifyReply,
  entry: Serialised,
  options: { statusCode?: number; contentType?: string; grow?: (encoded: Buffer) => void } = {},
): FastifyReply {
  const { statusCode = 200, contentType = 'application/json; charset=utf-8', grow } = options;
  (reply as unknown as Record<symbol, IdentityRepresentation>)[IDENTITY] = { body: entry.body, etag: entry.etag };
  const encoding = entry.body.length >= COMPRESS_THRESHOLD_BYTES ? preferred(request.headers['accept-encoding']) : 'identity';
  // Each encoding is a representation of its own, so it has a strong ETag of its own (RFC 9110 §8.8.3).
  const etag = etagFor(entry.etag, encoding);
  addVary(reply, 'accept-encoding');
  reply.header('etag', etag);
  const notModified = statusCode === 200 && matches(request.headers['if-none-match'], etag);
  // A GET's 304 has no body; a HEAD's is given the bytes so that its Content-Length is the one a 200
  // would have (Fastify's HEAD route sends none of them), never 0.
  if (notModified && request.method !== 'HEAD') return reply.code(304).send();
  const body = encoded(entry, encoding, grow);
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  return reply.code(notModified ? 304 : statusCode).type(contentType).send(body);
}

/** The entry's bytes in `encoding`, compressed once and kept on it (`grow` told of the new bytes). */
function encoded(entry: Serialised, encoding: Encoding, grow?: (encoded: Buffer) => void): Buffer {
  if (encoding === 'br') {
    if (!entry.br) {
      entry.br = brotliCompressSync(entry.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
      grow?.(entry.br);
    }
    return entry.br;
  }
  if (encoding === 'gzip') {
    if (!entry.gzip) {
      entry.gzip = gzipSync(entry.body, { level: 6 });
      grow?.(entry.gzip);
    }
    return entry.gzip;
  }
  return entry.body;
}

/** The uncompressed bytes and ETag of what `sendSerialised` sent, on its reply: what an idempotent replay sends. */
export interface IdentityRepresentation {
  readonly body: Buffer;
  readonly etag: string;
}
export const IDENTITY = Symbol('identity representation');

/** The identity bytes and ETag of a reply sent by `sendSerialised`, whatever encoding went on the wire. */
export function identityOf(reply: FastifyReply): IdentityRepresentation | undefined {
  return (reply as unknown as Record<symbol, IdentityRepresentation | undefined>)[IDENTITY];
}

/** The ETag of an encoding of a response whose bytes have `etag`: the identity bytes keep it, an encoding adds its name. */
export function etagFor(etag: string, encoding: Encoding): string {
  return encoding === 'identity' ? etag : `${etag.slice(0, -1)}-${encoding}"`;
}

/** Adds a field to `Vary`, keeping what is there (CORS's `Origin`). */
export function addVary(reply: FastifyReply, field: string): void {
  const now = reply.getHeader('vary');
  const fields = now === undefined ? [] : String(now).split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (fields.includes('*') || fields.some((f) => f.toLowerCase() === field.toLowerCase())) return;
  reply.header('vary', [...fields, field].join(', '));
}

/** Responses of this size or more are sent compressed to a client that accepts it. */
export const COMPRESS_THRESHOLD_BYTES = 1024;


/** A stored run's response (full, or without flows): validated and ordered by the response schema, exactly as the route's serialiser would. */
export function runResponse(run: StoredRun, flows: boolean): Serialised {
  return serialised(RunRecord.parse(flows ? run : { ...run, plan: withoutFlows(run.plan) }));
}

/** The run's response without its scenario and plan: they are its schema's last two fields. */
const RunHead = RunRecord.omit({ scenario: true, plan: true });

/**
 * A stored run's full response from its summary and the JSON text of its scenario (as stored: checked
 * by the Scenario schema when it was written) and its plan (as its pool thread checked and serialised
 * it, `JSON.stringify(Plan.parse(plan))`): the summary is checked and serialised, and the two texts put
 * in as its last fields, so the event loop neither parses nor checks megabytes of scenario and plan.
 * The same bytes as `runResponse` gives for the run read back from the store (tests/api/wire.test.ts).
 */
export function runResponseFromJson(summary: Omit<StoredRun, 'scenario' | 'plan'>, scenarioJson: string, planJson: string | Uint8Array): Serialised {
  const body = withLastFields(RunHead.parse(summary), [['scenario', scenarioJson], ['plan', planJson]]);
  return { body, etag: etagOfBytes(body) };
}

/**
 * The UTF-8 bytes of `head` serialised with more fields after its own, each given as JSON (text, or
 * its UTF-8 bytes) that is put in as it is: the record whose last fields (a scenario, a plan) are
 * already checked and serialised. Joined as bytes: a plan's bytes from its pool thread are neither
 * decoded nor encoded again, and no text of the whole record is made.
 */
export function withLastFields(head: object, fields: readonly (readonly [name: string, json: string | Uint8Array])[]): Buffer {
  const text = JSON.stringify(head);
  const parts: Uint8Array[] = [];
  fields.forEach(([name, json], i) => {
    const separator = i === 0 ? (text === '{}' ? '' : ',') : ',';
    parts.push(Buffer.from(`${i === 0 ? text.slice(0, -1) : ''}${separator}${JSON.stringify(name)}:`, 'utf8'));
    parts.push(typeof json === 'string' ? Buffer.from(json, 'utf8') : json);
  });
  parts.push(Buffer.from(fields.length === 0 ? text : '}', 'utf8'));
  return Buffer.concat(parts);
}

export class RunResponses {
  readonly #maxBytes: number;
  #bytes = 0;
  readonly #entries = new Map<string, Serialised>();

  constructor(maxBytes = 64 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  /**
   * The answer for `id`: kept from an earlier request, or made (`make`) and kept. Requests for an
   * answer that is being made wait for it (a map opened by a whole sales team at once); when its
   * making fails (its queue place, its time) each waiting request tries itself.
   */
  async answer(id: string, view: KeptView, make: () => Promise<Serialised>): Promise<Serialised> {
    const kept = this.cached(id, view);
    if (kept) return kept;
    const key = keyOf(id, view);
    const pending = this.#making.get(key);
    if (pending) {
      try {
        return await pending;
      } catch {
        // It failed for the request that made it: this one tries itself.
      }
    }
    const made = make().then((entry) => this.keep(id, view, entry));
    this.#making.set(key, made);
    try {
      return await made;
    } finally {
      if (this.#making.get(key) === made) this.#making.delete(key);
    }
  }

  readonly #making = new Map<string, Promise<Serialised>>();

  /** Keeps an answer for run `id` made elsewhere (in the CPU pool, server/api/views/run-views.ts); the one kept first wins. */
  keep(id: string, view: KeptView, entry: Serialised): Serialised {
    const key = keyOf(id, view);
    if (!this.#entries.has(key)) this.#keep(key, entry);
    return this.#entries.get(key) ?? entry;
  }

  /** The kept answer for run `id`, if there is one (runs never change, so no store read is needed). */
  cached(id: string, view: KeptView): Serialised | null {
    const key = keyOf(id, view);
    const hit = this.#entries.get(key);
    if (!hit) return null;
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit;
  }

  /** Whether an answer for the run's full or lighter response is kept (tests). */
  has(id: string): boolean {
    return this.#entries.has(keyOf(id, 'run')) || this.#entries.has(keyOf(id, 'run-light'));
  }

  #keep(key: string, entry: Serialised): void {
    this.#entries.set(key, entry);
    this.#bytes += entry.body.length;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.#maxBytes || this.#entries.size <= 1) break;
      this.#entries.delete(k);
      this.#bytes -= e.body.length + (e.br?.length ?? 0) + (e.gzip?.length ?? 0);
    }
  }

  /** Sends a kept answer: 304 when the client has it, else the best encoding it accepts. */
  send(request: FastifyRequest, reply: FastifyReply, entry: Serialised, options: { statusCode?: number; contentType?: string } = {}): FastifyReply {
    return sendSerialised(request, reply, entry, { ...options, grow: (encoded) => (this.#bytes += encoded.length) });
  }
}

/** `If-None-Match`: a list of entity tags, or `*`; weak tags compare by their opaque part. */
export function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/** The encoding to send for `Accept-Encoding`: brotli, then gzip, by the client's q-values. */
export function preferred(header: string | undefined): Encoding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    q.set(name!, qp ? Number(qp.slice(2)) || 0 : 1);
  }
  // x-gzip is gzip (RFC 9110 §8.4.1.3).
  const of = (name: string) => q.get(name) ?? (name === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
  const best: Encoding | null = of('br') > 0 && of('br') >= of('gzip') ? 'br' : of('gzip') > 0 ? 'gzip' : null;
  // Identity is always acceptable; it wins only where the client weighs it above the best encoding.
  if (best === null || (q.has('identity') && q.get('identity')! > of(best))) return 'identity';
  return best;
}
