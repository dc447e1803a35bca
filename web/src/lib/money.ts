/**
 * Money in the currency the reader chose: the plan is in USD (the model works in USD); the page can
 * show it in tenge at the plan's own rate (`plan.kztPerUsd`, the rate of its first year). Pure.
 */
import { t } from '../i18n/index.ts';
import { formatNumber, formatStyleOf, formatUsdCompact, formatUsdPerTonne } from './format.ts';

export type Currency = 'USD' | 'KZT';
export const CURRENCIES: readonly Currency[] = ['USD', 'KZT'];

export interface Money {
  /** The currency actually shown: KZT falls back to USD when the plan carries no usable rate. */
  readonly currency: Currency;
  /** KZT per USD used for the conversion (null when showing USD). */
  readonly kztPerUsd: number | null;
  /** A sum of money: "USD 3.4 m", "KZT 1.76 bn". */
  total(usd: number | null | undefined): string;
  /** Money per tonne: "39.11 USD/t", "20 335 KZT/t". */
  perTonne(usd: number | null | undefined): string;
}

const group = formatNumber;
const unit = formatStyleOf;

/** 1 757 000 000 → "KZT 1.76 bn", 345 600 000 → "KZT 346 m", 12 300 000 → "KZT 12.3 m", 45 600 → "KZT 46 k" (the page's units and decimal mark). */
export function formatKzt(kzt: number | null | undefined): string {
  if (kzt == null || !Number.isFinite(kzt)) return '—';
  const abs = Math.abs(kzt);
  if (abs >= 1e12) return `KZT ${group(kzt / 1e12, 2)} ${unit('tn')}`;
  if (abs >= 1e9) return `KZT ${group(kzt / 1e9, 2)} ${unit('bn')}`;
  if (abs >= 1e8) return `KZT ${group(kzt / 1e6, 0)} ${unit('m')}`;
  if (abs >= 1e6) return `KZT ${group(kzt / 1e6, 1)} ${unit('m')}`;
  if (abs >= 1e4) return `KZT ${group(kzt / 1e3, 0)} ${unit('k')}`;
  return `KZT ${group(kzt, 0)}`;
}

/** 20 335.2 → "20 335 KZT/t" (tenge per tonne need no decimals). */
export function formatKztPerTonne(kzt: number | null | undefined): string {
  if (kzt == null || !Number.isFinite(kzt)) return '—';
  return `${group(kzt, 0)} ${unit('kztPerTonne')}`;
}

/** A rate the page can convert with: finite and positive. */
export function usableRate(kztPerUsd: number | null | undefined): number | null {
  return typeof kztPerUsd === 'number' && Number.isFinite(kztPerUsd) && kztPerUsd > 0 ? kztPerUsd : null;
}

export function money(currency: Currency, kztPerUsd: number | null | undefined): Money {
  const rate = usableRate(kztPerUsd);
  if (currency === 'KZT' && rate != null) {
    const convert = (usd: number | null | undefined) => (usd == null || !Number.isFinite(usd) ? null : usd * rate);
    return {
      currency: 'KZT',
      kztPerUsd: rate,
      total: (usd) => formatKzt(convert(usd)),
      perTonne: (usd) => formatKztPerTonne(convert(usd)),
    };
  }
  return { currency: 'USD', kztPerUsd: null, total: formatUsdCompact, perTonne: formatUsdPerTonne };
}

/** The plain USD formatter: what every view used before the switch, and the default. */
export const USD: Money = money('USD', null);

/** "at 520 KZT/USD (the plan's rate for 2027)" — said wherever tenge are shown. */
export function rateNote(m: Money, year: string | undefined): string {
  if (m.currency !== 'KZT' || m.kztPerUsd == null) return '';
  const rate = group(m.kztPerUsd, m.kztPerUsd < 100 ? 2 : 0);
  return year ? t("at {rate} KZT/USD (the plan's rate for {year})", { rate, year }) : t('at {rate} KZT/USD', { rate });
}
