/**
 * API error bodies (`{ error: { code, message, details? } }`) turned into words for people, placed
 * next to the field they concern. 400 details are zod issues with paths. Pure given the page's
 * language (the words are the page's; the server's own message follows them as it is).
 */
import { t } from '../i18n/index.ts';

export interface FieldIssue {
  /** Dotted path in the Scenario, e.g. "policy.domesticShare" or "overrides.nodes.port_aktau.throughputTonnesPerYear". */
  path: string;
  message: string;
}

export interface ErrorReport {
  status: number;
  code: string;
  /** One sentence for the page's status line. */
  summary: string;
  fields: FieldIssue[];
}

interface Issue {
  path?: unknown;
  message?: unknown;
}

function issuesOf(details: unknown): Issue[] {
  if (Array.isArray(details)) return details as Issue[];
  if (details && typeof details === 'object' && Array.isArray((details as { issues?: unknown }).issues)) {
    return (details as { issues: Issue[] }).issues;
  }
  return [];
}

export function issuePath(path: unknown): string {
  if (!Array.isArray(path)) return '';
  return path
    .filter((p) => typeof p === 'string' || typeof p === 'number')
    .map(String)
    // Request-level paths may start at "body".
    .filter((p, i) => !(i === 0 && p === 'body'))
    .join('.');
}

/** An error status in the page's words (null: no words of its own). */
function statusWords(status: number): string | null {
  switch (status) {
    case 400:
      return t('The scenario has invalid values');
    case 401:
      return t('This action needs an API key with the planner role');
    case 403:
      return t('Your API key may view plans but not change them');
    case 404:
      return t('Not found');
    case 409:
      return t('Someone changed this scenario meanwhile; reload and try again');
    case 413:
      return t('The scenario is too large to send');
    case 422:
      return t('The scenario cannot be turned into a model');
    case 429:
      return t('Too many requests; wait a moment and try again');
    default:
      return null;
  }
}

export function errorReport(status: number, body: unknown, retryAfter?: string | null): ErrorReport {
  const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  const e = (error && typeof error === 'object' ? error : {}) as { code?: unknown; message?: unknown; details?: unknown };
  const code = typeof e.code === 'string' ? e.code : `http_${status}`;
  const message = typeof e.message === 'string' && e.message ? e.message : '';
  const fields: FieldIssue[] = issuesOf(e.details)
    .map((issue) => ({
      path: issuePath(issue.path),
      message: typeof issue.message === 'string' ? issue.message : 'invalid value',
    }));
  if (status === 429) return { status, code, summary: rateLimitWords(message, retryAfter), fields };
  // A full queue or an unreachable database: a wait, and how long (the server's Retry-After).
  if (status === 503 && (code === 'overloaded' || code === 'store_unavailable')) {
    const wait = waitWords(retryAfter);
    return { status, code, summary: code === 'overloaded' ? t('The server is busy: {wait}.', { wait }) : t('The server’s database is not reachable right now: {wait}.', { wait }), fields };
  }
  const base = statusWords(status) ?? (status >= 500 ? t('The server could not finish this request') : t('Request failed ({status})', { status }));
  const summary = message && status < 500 ? `${base}: ${message}` : base;
  return { status, code, summary, fields };
}

/**
 * The form field for an issue path: the longest prefix among the known field paths, so an issue on
 * "policy.domesticShare" lands on that input and one on "overrides.nodes.x" on the node's row.
 */
export function fieldForPath(path: string, knownPaths: readonly string[]): string | null {
  let best: string | null = null;
  for (const known of knownPaths) {
    if ((path === known || path.startsWith(`${known}.`)) && (!best || known.length > best.length)) best = known;
  }
  return best;
}

/** Zod-style messages made friendlier: "Too big: expected number to be <=1" → "must be at most 1". */
export function plainMessage(message: string): string {
  const big = /expected [a-z]+ to be <=?\s*(-?[\d.e+]+)/i.exec(message);
  if (big) return `must be at most ${big[1]}`;
  const small = /expected [a-z]+ to be >=?\s*(-?[\d.e+]+)/i.exec(message);
  if (small) return `must be at least ${small[1]}`;
  if (/expected number, received (nan|string)/i.test(message)) return 'must be a number';
  if (/expected number, received (infinity|-infinity)/i.test(message)) return 'must be a finite number';
  if (/expected int, received number/i.test(message)) return 'must be a whole number';
  return message;
}

/**
 * A 429 in words: the limit as a rate ("at most 30 solves a minute") and, apart from it, when to try
 * again ("try again in 39 s") — never the wait glued to the limit ("30 per 39 seconds").
 */
export function rateLimitWords(message: string, retryAfter?: string | null): string {
  const limit = /at most (\d+) per (\d+ )?(minute|minutes|hour|hours|s|ms)\b/.exec(message);
  let rate = '';
  if (limit) {
    const n = limit[2] ? Number(limit[2]) : 1;
    const unit = limit[3];
    const per =
      unit === 's'
        ? n === 60
          ? t('a minute')
          : t('every {n} seconds', { n })
        : unit.startsWith('minute')
          ? n === 1
            ? t('a minute')
            : t('every {n} minutes', { n })
          : unit.startsWith('hour')
            ? n === 1
              ? t('an hour')
              : t('every {n} hours', { n })
            : t('every {n} ms', { n });
    rate = t(' (the server allows at most {max} solves {per} per key)', { max: limit[1]!, per });
  }
  return t('Too many solves in a short time: {wait}{rate}.', { wait: waitWords(retryAfter), rate });
}

/** When to try again, from a Retry-After header: "try again in 7 s", or "wait a moment and try again". */
function waitWords(retryAfter?: string | null): string {
  const seconds = Number(retryAfter);
  return Number.isFinite(seconds) && seconds > 0 ? t('try again in {n} s', { n: Math.ceil(seconds) }) : t('wait a moment and try again');
}
