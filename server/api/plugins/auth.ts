/**
 * API keys and roles. A planner key writes and reads; a viewer key (sales) reads plans and maps.
 * Keys are held as SHA-256 hashes only and compared in constant time. Keys come from the
 * configuration (`API_KEYS`, `API_KEYS_FILE`); with none configured, the keys live in the store
 * and the first start creates a planner key there (see `ensurePlannerKey`).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sha256Hex } from '../../core/hash.ts';
import { ApiError } from '../errors.ts';
import type { Role, Store } from '../../store/store.ts';

export interface ApiKeyEntry {
  /** Names the key in logs and scopes idempotency keys and rate limits; never the key itself. */
  readonly id: string;
  readonly role: Role;
  /** Lower-case hex SHA-256 of the key. */
  readonly sha256: string;
}

export interface Principal {
  /** `anonymous` for public reads without a key. */
  readonly keyId: string;
  readonly role: Role | 'anonymous';
}

/** Who may call a route: anyone, any key (or anyone when reads are public), or a planner key. */
export type Access = 'public' | 'read' | 'write';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

const ROLES: readonly Role[] = ['planner', 'viewer'];
const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);
const HEX64 = /^[0-9a-f]{64}$/i;
/** Short, stable, non-secret name for a key: the first 12 hex digits of its hash. */
const keyIdOf = (sha256: string): string => `key_${sha256.slice(0, 12).toLowerCase()}`;

function entry(role: Role, sha256: string): ApiKeyEntry {
  return { id: keyIdOf(sha256), role, sha256: sha256.toLowerCase() };
}

/** `API_KEYS="planner:<key>,viewer:<key>"`. Throws on a malformed entry so a typo never opens the door. */
export function parseApiKeysEnv(value: string): ApiKeyEntry[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const colon = part.indexOf(':');
      const role = part.slice(0, colon).trim();
      const key = part.slice(colon + 1).trim();
      if (colon < 0 || !isRole(role) || key.length < 8) {
        throw new Error('API_KEYS must look like "planner:<key>,viewer:<key>" with keys of at least 8 characters');
      }
      return entry(role, sha256Hex(key));
    });
}

/**
 * The keys file (`API_KEYS_FILE`): JSON, either an array or `{ "keys": [...] }`, each item
 * `{ "role": "planner" | "viewer", "key": "<key>" }` or, to keep the key out of the file,
 * `{ "role": ..., "sha256": "<hex of the key's SHA-256>" }`.
 */
export function parseApiKeysFile(json: unknown): ApiKeyEntry[] {
  const items = Array.isArray(json) ? json : (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(items)) throw new Error('the API keys file must hold an array of keys or { "keys": [...] }');
  return items.map((item, i) => {
    const { role, key, sha256 } = (item ?? {}) as { role?: unknown; key?: unknown; sha256?: unknown };
    if (!isRole(role)) throw new Error(`API keys file, item ${i}: role must be "planner" or "viewer"`);
    if (typeof key === 'string' && key.length >= 8) return entry(role, sha256Hex(key));
    if (typeof sha256 === 'string' && HEX64.test(sha256)) return entry(role, sha256);
    throw new Error(`API keys file, item ${i}: give "key" (8+ characters) or "sha256" (64 hex digits)`);
  });
}

/** A fresh key: 32 random bytes, URL-safe, prefixed so it is recognisable in a secrets scanner. */
export const generateApiKey = (): string => `cxo_${randomBytes(32).toString('base64url')}`;

/**
 * With no configured keys: returns the store's keys, first creating a planner key when the store
 * has none. The new key itself is returned once (`createdKey`) and never stored.
 */
export async function ensurePlannerKey(store: Store): Promise<{ keys: ApiKeyEntry[]; createdKey: string | null }> {
  const stored = await store.listApiKeys();
  if (stored.length > 0) return { keys: stored.map((k) => entry(k.role, k.sha256)), createdKey: null };
  const key = generateApiKey();
  const created = await store.addApiKey('planner', sha256Hex(key));
  return { keys: [entry(created.role, created.sha256)], createdKey: key };
}

export class Keyring {
  readonly #entries: { entry: ApiKeyEntry; hash: Buffer }[];

  constructor(entries: readonly ApiKeyEntry[]) {
    this.#entries = entries.map((e) => ({ entry: e, hash: Buffer.from(e.sha256, 'hex') }));
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The key's entry, or null. Compares against every entry in constant time, without early exit. */
  find(presentedKey: string): ApiKeyEntry | null {
    const presented = createHash('sha256').update(presentedKey, 'utf8').digest();
    let found: ApiKeyEntry | null = null;
    for (const { entry: e, hash } of this.#entries) {
      if (timingSafeEqual(presented, hash) && found === null) found = e;
    }
    return found;
  }
}

export interface AuthOptions {
  readonly keyring: Keyring;
  /** Reads without a key. Writes always need a planner key. */
  readonly publicRead: boolean;
}

const ANONYMOUS: Principal = { keyId: 'anonymous', role: 'anonymous' };

/** Who made a record, as the store keeps it: the key's non-secret id, or `anonymous`. */
export const createdByOf = (request: FastifyRequest): string => request.principal?.keyId ?? ANONYMOUS.keyId;

/**
 * Authenticates every request of the scope it is registered in (onRequest, so an unauthorised body
 * is never parsed). Access per route: `config.access`, else GET/HEAD read and everything else write.
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.principal = ANONYMOUS;
    const access = request.routeOptions.config?.access ?? (['GET', 'HEAD'].includes(request.method) ? 'read' : 'write');
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer[ \t]+(\S{1,512})[ \t]*$/i.exec(header);
      const found = match?.[1] ? options.keyring.find(match[1]) : null;
      if (!found) {
        throw new ApiError('unauthorized', 'The API key is not valid', undefined, { 'www-authenticate': 'Bearer' });
      }
      request.principal = { keyId: found.id, role: found.role };
    }
    if (access === 'public') return;
    if (request.principal.role === 'anonymous') {
      if (access === 'read' && options.publicRead) return;
      throw new ApiError(
        'unauthorized',
        access === 'write' ? 'This request needs a planner API key: Authorization: Bearer <key>' : 'This request needs an API key: Authorization: Bearer <key>',
        undefined,
        { 'www-authenticate': 'Bearer' },
      );
    }
    if (access === 'write' && request.principal.role !== 'planner') {
      throw new ApiError('forbidden', 'This request needs a planner key; a viewer key can only read');
    }
  });
}
