/**
 * A JSON body as text: one text policy for both stores (no NUL, no lone surrogate, anywhere), JSON
 * read as Fastify reads it (prototype-poisoning keys refused), and a body left as text for a pool
 * thread to read (`DeferredBody`), so half a megabyte is parsed and validated off the event loop.
 */
import secureJson from 'secure-json-parse';

/**
 * Bodies at least this long, sent to a route that reads its body in the pool (`deferBody` in its
 * config), stay text on the event loop. Below it, parsing and validating on the event loop takes
 * well under a millisecond, less than handing the text to a thread.
 */
export const DEFERRED_BODY_CHARS = 64 * 1024;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads a large body in the pool: the body reaches it as a DeferredBody. */
    deferBody?: boolean;
  }
}

/** A body kept as text: the route hands it to a pool thread, which parses and validates it. */
export class DeferredBody {
  constructor(readonly text: string) {}

  /** What an Idempotency-Key's fingerprint covers: the text as it came. */
  toJSON(): string {
    return this.text;
  }
}

/**
 * What a JSON object's text holds at `path` (keys from the top level down, objects only): whether
 * the key is there and, when its value is a number, the number (the last of duplicate keys, as
 * JSON.parse keeps). Exact for valid JSON (escaped keys decoded, strings skipped whole); a few
 * native regex searches over the text rather than a parse, so half a megabyte costs well under a
 * millisecond. A hint, read before the text is parsed elsewhere.
 */
export function valueAt(text: string, path: readonly string[]): { readonly found: boolean; readonly number?: number } {
  const structural = /["{}[\]]/g;
  // One frame per open container: whether it is an object, the key it sits under in its parent
  // (null in an array or at the top), and the last key seen in it.
  const frames: { object: boolean; under: string | null; lastKey: string | null }[] = [];
  let found = false;
  let number: number | undefined;
  const onPath = () => frames.length === path.length && frames.every((f, i) => i === 0 || f.under === path[i - 1]);
  for (let m = structural.exec(text); m !== null; m = structural.exec(text)) {
    const at = m.index;
    const c = text.charCodeAt(at);
    if (c === 123 || c === 91) {
      const parent = frames[frames.length - 1];
      frames.push({ object: c === 123, under: parent?.object ? parent.lastKey : null, lastKey: null });
      continue;
    }
    if (c !== 34) {
      frames.pop();
      continue;
    }
    const end = stringEnd(text, at);
    if (end < 0) return { found: false };
    structural.lastIndex = end + 1;
    const frame = frames[frames.length - 1];
    if (!frame?.object) continue;
    const colon = /\s*:\s*/y;
    colon.lastIndex = end + 1;
    if (!colon.test(text)) continue;
    const raw = text.slice(at + 1, end);
    if (raw.includes('\\')) {
      // A key whose escapes do not decode: the text is not JSON, which its parse (elsewhere) says, with the body's position.
      try {
        frame.lastKey = JSON.parse(`"${raw}"`) as string;
      } catch {
        return { found: false };
      }
    } else frame.lastKey = raw;
    if (frame.lastKey !== path[path.length - 1] || !onPath()) continue;
    const value = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    value.lastIndex = colon.lastIndex;
    const read = value.exec(text);
    found = true;
    number = read ? Number(read[0]) : undefined;
  }
  return number === undefined ? { found } : { found, number };
}

/** The number a JSON object's text gives `key` at its top level, or undefined (see `valueAt`). */
export function topLevelNumber(text: string, key: string): number | undefined {
  return valueAt(text, [key]).number;
}

/** Where the JSON string that opens at `start` (a quote) closes; -1 when it does not. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end >= 0) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/** The message of a NUL or an unpaired surrogate in a body. */
export const BAD_TEXT_MESSAGE = 'text may not contain NUL characters or unpaired surrogates';

/** JSON as Fastify's parser reads it: `__proto__` and `constructor.prototype` keys are an error. */
export function parseJsonText(text: string): { readonly value: unknown } | { readonly error: string } {
  try {
    return { value: secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Whether a JSON text can hold a NUL or an unpaired surrogate once parsed. A JSON string cannot
 * hold a raw NUL (a control character), and text decoded from UTF-8 has no lone surrogates (bad
 * bytes become U+FFFD), so either can come only from a `\u` escape: `\u0000` or `\uD800`–`\uDFFF`.
 * False: none is there, and the walk of the parsed body (`badText`) is skipped; on a body of half
 * a megabyte that walk was the largest part of its time on the event loop. True: maybe (an escaped
 * backslash before `u0000` matches too), and the walk decides.
 */
export const mayHoldBadText = (jsonText: string): boolean => /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/.test(jsonText);

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters this refuses
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The path of the first string (or key) with a NUL or an unpaired surrogate; null when none.
 * Iterative, and the path is built only when found: linear in the body however deeply it nests.
 */
export function badText(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  interface At {
    readonly key: string | number;
    readonly parent: At | null;
  }
  const pathOf = (at: At | null): (string | number)[] => {
    const keys: (string | number)[] = [];
    for (let a = at; a; a = a.parent) keys.push(a.key);
    return [...path, ...keys.reverse()];
  };
  const stack: [unknown, At | null][] = [[value, null]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (BAD_TEXT.test(v)) return pathOf(at);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], { key: i, parent: at }]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        if (BAD_TEXT.test(k)) return pathOf({ key: k, parent: at });
        stack.push([child, { key: k, parent: at }]);
      }
    }
  }
  return null;
}

