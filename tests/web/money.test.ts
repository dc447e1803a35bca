import { describe, expect, it } from 'vitest';
import { formatKzt, formatKztPerTonne, money, rateNote, USD } from '../../web/src/lib/money.ts';

describe('money in the chosen currency', () => {
  it('writes USD as before', () => {
    expect(USD.total(3_378_691.44)).toBe('USD 3.4 m');
    expect(USD.perTonne(39.1061)).toBe('39.11 USD/t');
    expect(money('USD', 520).currency).toBe('USD');
  });

  it('converts to tenge at the plan’s rate', () => {
    const kzt = money('KZT', 520);
    expect(kzt.currency).toBe('KZT');
    expect(kzt.total(3_378_691.44)).toBe('KZT 1.76 bn');
    expect(kzt.total(-250_000)).toBe('KZT −130 m');
    expect(kzt.perTonne(39.1061)).toBe('20\u202f335 KZT/t');
    expect(kzt.total(null)).toBe('—');
    expect(rateNote(kzt, '2027')).toBe("at 520 KZT/USD (the plan's rate for 2027)");
    expect(rateNote(USD, '2027')).toBe('');
  });

  it('falls back to USD when the plan has no usable rate', () => {
    for (const rate of [undefined, 0, -5, Number.NaN]) expect(money('KZT', rate).currency).toBe('USD');
  });

  it('writes tenge with sensible units', () => {
    expect(formatKzt(2.4e12)).toBe('KZT 2.40 tn');
    expect(formatKzt(345_600_000)).toBe('KZT 346 m');
    expect(formatKzt(12_300_000)).toBe('KZT 12.3 m');
    expect(formatKzt(45_600)).toBe('KZT 46 k');
    expect(formatKzt(820)).toBe('KZT 820');
    expect(formatKztPerTonne(Number.POSITIVE_INFINITY)).toBe('—');
  });
});
