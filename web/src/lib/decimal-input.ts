/**
 * Numbers typed in the page's form boxes, in the page's language. The boxes are text boxes with a
 * decimal keyboard, not `type="number"`: a number box drops a decimal comma as it is typed, so a
 * Russian planner's `1,2` became 12 and `12,5` kt became 125 without a word.
 *
 * Read: a decimal comma or point; spaces (also no-break and narrow no-break) between digit groups;
 * an exponent (`1e6`). In a language whose decimal mark is the comma, a point is a decimal point too.
 * Where the decimal mark is the point, a comma is a thousands separator only between groups of three
 * digits (`1,000.5`); anything else that is not a number is NaN, which the form's check names.
 * Pure given the page's decimal mark (lib/format.ts).
 */
import { formatStyleOf } from './format.ts';

const SPACES = /[\s\u00a0\u202f]/g;
const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const GROUPED = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?(e[+-]?\d+)?$/i;

/** The number a box holds (NaN when it is not one; an empty box is NaN too: callers decide what empty means). */
export function parseDecimal(text: string, decimalMark: string = formatStyleOf('decimal')): number {
  const compact = text.replace(SPACES, '');
  if (compact === '') return Number.NaN;
  if (decimalMark === ',') {
    if (compact.includes(',') && compact.includes('.')) return Number.NaN;
    const plain = compact.replace(',', '.');
    return PLAIN.test(plain) ? Number(plain) : Number.NaN;
  }
  if (PLAIN.test(compact)) return Number(compact);
  return GROUPED.test(compact) ? Number(compact.replace(/,/g, '')) : Number.NaN;
}

/** A value as a box shows it: the figure as written, with the page's decimal mark. */
export function decimalText(value: number, decimalMark: string = formatStyleOf('decimal')): string {
  const text = String(value);
  return decimalMark === '.' ? text : text.replace('.', decimalMark);
}

/** The attributes of a number box: text with a decimal keyboard (see the top of this file). */
export const DECIMAL_BOX = { type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false' } as const;
