/**
 * Checking an API answer against its schema in the page. An answer that does not match is an
 * `UnexpectedAnswer` whose message says what was expected and where, so the page can show it in
 * words instead of failing later on a missing field.
 */
import type { z } from 'zod';
import { t } from '../i18n/index.ts';

export class UnexpectedAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedAnswer';
  }
}

/** `shareCurve[2].marginUsd` from a zod issue path. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** The answer as `schema` describes it, or an UnexpectedAnswer naming `what` and the first problem. */
export function parseAnswer<S extends z.ZodType>(schema: S, what: string, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const [first] = r.error.issues;
  const where = first && first.path.length > 0 ? pathText(first.path) : t('the answer as a whole');
  const more = r.error.issues.length - 1;
  throw new UnexpectedAnswer(
    t('The server’s {what} is malformed at {where}: {problem}', { what, where, problem: first?.message ?? '' }) + (more > 0 ? ` ${t('(and {count} more problems)', { count: more })}` : ''),
  );
}
