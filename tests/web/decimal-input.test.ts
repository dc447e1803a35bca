import { describe, expect, it } from 'vitest';
import { decimalText, parseDecimal } from '../../web/src/lib/decimal-input.ts';

describe('numbers typed in a form box', () => {
  it('a Russian page reads the decimal comma (and a point), with spaces between digit groups', () => {
    expect(parseDecimal('1,2', ',')).toBe(1.2);
    expect(parseDecimal('12,5', ',')).toBe(12.5);
    expect(parseDecimal('0,6', ',')).toBe(0.6);
    expect(parseDecimal('0.6', ',')).toBe(0.6);
    expect(parseDecimal('1 000 000,5', ',')).toBe(1_000_000.5);
    expect(parseDecimal('1\u202f000', ',')).toBe(1000);
    expect(parseDecimal('-3,25', ',')).toBe(-3.25);
    expect(parseDecimal('1e6', ',')).toBe(1e6);
  });

  it('an English page reads the point, and a comma only as a thousands separator', () => {
    expect(parseDecimal('1.2', '.')).toBe(1.2);
    expect(parseDecimal('1,000', '.')).toBe(1000);
    expect(parseDecimal('1,000,000.5', '.')).toBe(1_000_000.5);
    expect(parseDecimal('1e308', '.')).toBe(1e308);
    expect(parseDecimal('.5', '.')).toBe(0.5);
  });

  it('anything else is not a number, never another number', () => {
    for (const [text, mark] of [
      ['1,2', '.'],
      ['12,5', '.'],
      ['1,2.5', ','],
      ['1,2,3', ','],
      ['abc', ','],
      ['1..2', '.'],
      ['', '.'],
      ['   ', ','],
      ['0x10', '.'],
      ['Infinity', '.'],
    ] as const) {
      expect(parseDecimal(text, mark), `${text} (${mark})`).toBeNaN();
    }
  });

  it('shows a value with the page’s decimal mark, and reads back what it shows', () => {
    expect(decimalText(0.5, ',')).toBe('0,5');
    expect(decimalText(0.5, '.')).toBe('0.5');
    expect(decimalText(1200, ',')).toBe('1200');
    for (const v of [0.5, 1.25, 1e-7, 1300000, 0.615]) for (const mark of [',', '.']) expect(parseDecimal(decimalText(v, mark), mark)).toBe(v);
  });
});
