/**
 * The run's identity (server/core/hash.ts): canonical JSON against its definition written plainly
 * (keys sorted at every level, undefined fields dropped, non-finite numbers as strings), and the
 * pure-JS SHA-256 against node:crypto.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../server/core/hash.ts';
import { readDefaultNetworkRaw } from '../../server/data/load.ts';

/** The definition, one step at a time: entries filtered, sorted with `<`, each written and joined. */
function definition(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(definition).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${definition(v)}`).join(',')}}`;
}

/** JSON-like values with the awkward cases: undefined fields and items, non-finite numbers, -0, numeric and non-ASCII keys. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    fc.string({ unit: 'binary' }),
  ),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.nat(20).map(String)), tie('node'), { maxKeys: 6 })),
})).node;

describe('canonicalJson', () => {
  it('writes any JSON-like value as its definition does', () => {
    fc.assert(fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(definition(v));
      }), { numRuns: 500 });
  });

  it('writes the default network as its definition does, and keys in code-unit order', () => {
    const network = readDefaultNetworkRaw();
    expect(canonicalJson(network)).toBe(definition(network));
    expect(canonicalJson({ b: 1, a: undefined, é: [undefined, -0], B: 2, 10: 3, 9: 4 })).toBe('{"10":3,"9":4,"B":2,"b":1,"é":[null,0]}');
  });
});

describe('sha256Hex', () => {
  it('is SHA-256 of the UTF-8 bytes, as node:crypto computes it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      }),
      { numRuns: 300 },
    );
    const network = canonicalJson(readDefaultNetworkRaw());
    expect(sha256Hex(network)).toBe(createHash('sha256').update(network, 'utf8').digest('hex'));
  });
});
