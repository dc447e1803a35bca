/**
 * A field's problem in the page's language: the shared schema's and the server's predicates ("must be
 * ≤ 1,000,000,000 t (1,000,000 kt)", "must be a whole number") put into words of the page, with its
 * digit grouping, decimal mark and units. A predicate it does not know stays as the schema wrote it.
 */
import { t } from '../i18n/index.ts';
import { plainMessage } from './api-errors.ts';
import { formatStyleOf } from './format.ts';

const PREDICATES: readonly [RegExp, string][] = [
  [/^must be ≤ (.+)$/, 'must be ≤ {value}'],
  [/^must be ≥ (.+)$/, 'must be ≥ {value}'],
  [/^must be at most (.+)$/, 'must be at most {value}'],
  [/^must be at least (.+)$/, 'must be at least {value}'],
];
const WORDS = ['must be a number', 'must be a finite number', 'must be a whole number'];

/** Figures written the English way (1,000,000.5 t) in the page's style (1 000 000,5 т); an English page keeps them. */
export function localFigures(text: string): string {
  const group = formatStyleOf('group');
  const decimal = formatStyleOf('decimal');
  // English keeps the figures as the schema wrote them (1,000,000 t).
  if (decimal === '.') return text;
  return text
    .replace(/\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+/g, (n) => n.split(',').join('\n').replace('.', decimal).split('\n').join(group))
    .replace(/\bUSD\/t\b/g, formatStyleOf('perTonne'))
    .replace(/(\d) kt\b/g, `$1 ${formatStyleOf('kt')}`)
    .replace(/(\d) t\b/g, `$1 ${formatStyleOf('t')}`);
}

/** The schema's message for a field, in the page's words. */
export function fieldMessage(message: string): string {
  const plain = plainMessage(message);
  if (WORDS.includes(plain)) return t(plain);
  for (const [pattern, key] of PREDICATES) {
    const m = pattern.exec(plain);
    if (m) return t(key, { value: localFigures(m[1]!) });
  }
  return plain;
}
