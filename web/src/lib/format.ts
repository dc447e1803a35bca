/**
 * Number formatting for people: tonnes, money, shares. Pure given the style: English by default (the
 * tests and reports), another language's units and decimal mark once the page picks one (i18n).
 */

export interface FormatStyle {
  decimal: string;
  group: string;
  t: string;
  kt: string;
  Mt: string;
  usd: string;
  k: string;
  m: string;
  bn: string;
  tn: string;
  perTonne: string;
  kztPerTonne: string;
  s: string;
  min: string;
}

const ENGLISH: FormatStyle = { decimal: '.', group: '\u202f', t: 't', kt: 'kt', Mt: 'Mt', usd: 'USD', k: 'k', m: 'm', bn: 'bn', tn: 'tn', perTonne: 'USD/t', kztPerTonne: 'KZT/t', s: 's', min: 'min' };
let style: FormatStyle = ENGLISH;
let dateLocale = 'en';

/** One unit or separator of the page's language: formatStyleOf('kt') → "kt" / "тыс. т". */
export function formatStyleOf(key: keyof FormatStyle): string {
  return style[key];
}

/** Units and separators of the page's language (English for whatever is left out). */
export function setFormatStyle(next: Partial<FormatStyle>, locale = 'en'): void {
  style = { ...ENGLISH, ...next };
  dateLocale = locale;
}

const group = (n: number, digits = 0): string => {
  const fixed = Math.abs(n).toFixed(digits);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, style.group);
  return (n < 0 && Number(fixed) !== 0 ? '−' : '') + grouped + (frac ? `${style.decimal}${frac}` : '');
};

/** 1 300 000 → "1.30 Mt", 450 000 → "450 kt", 820 → "820 t". */
export function formatTonnes(tonnes: number | null | undefined): string {
  if (tonnes == null || !Number.isFinite(tonnes)) return '—';
  const abs = Math.abs(tonnes);
  if (abs >= 1_000_000) return `${group(tonnes / 1_000_000, 2)} ${style.Mt}`;
  if (abs >= 10_000) return `${group(tonnes / 1_000, 0)} ${style.kt}`;
  if (abs >= 1_000) return `${group(tonnes / 1_000, 1)} ${style.kt}`;
  return `${group(tonnes, 0)} ${style.t}`;
}

/** 12 345 678 → "USD 12.3 m", 45 600 → "USD 45.6 k", negative with a true minus sign. */
export function formatUsdCompact(usd: number | null | undefined): string {
  if (usd == null || !Number.isFinite(usd)) return '—';
  const abs = Math.abs(usd);
  if (abs >= 1_000_000_000) return `${style.usd} ${group(usd / 1_000_000_000, 2)} ${style.bn}`;
  if (abs >= 1_000_000) return `${style.usd} ${group(usd / 1_000_000, 1)} ${style.m}`;
  if (abs >= 10_000) return `${style.usd} ${group(usd / 1_000, 0)} ${style.k}`;
  return `${style.usd} ${group(usd, 0)}`;
}

/** 47.456 → "47.46 USD/t". */
export function formatUsdPerTonne(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  return `${group(value, 2)} ${style.perTonne}`;
}

/** 0.5234 → "52.3 %". Shares are fractions 0..1. */
export function formatShare(share: number | null | undefined, digits = 1): string {
  if (share == null || !Number.isFinite(share)) return '—';
  return `${group(share * 100, digits)} %`;
}

/** Signed difference for comparisons: "+12 kt", "−3.2 %", "±0". */
export function formatSigned(delta: number, format: (v: number) => string): string {
  if (delta === 0 || Object.is(delta, -0)) return '±0';
  const body = format(Math.abs(delta));
  return (delta > 0 ? '+' : '−') + body;
}

/** Elapsed milliseconds: 850 → "0.9 s", 65 000 → "1 min 05 s". */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${group(ms / 1000, 1)} ${style.s}`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes} ${style.min} ${String(seconds).padStart(2, '0')} ${style.s}`;
}

/** CO2 in tonnes: 21 500 → "21.5 kt CO₂". */
export function formatCo2(tonnes: number | null | undefined): string {
  if (tonnes == null || !Number.isFinite(tonnes)) return '—';
  return `${formatTonnes(tonnes)} CO₂`;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A plan period label for people: "2027-03" → "Mar 2027"; anything else as given. */
export function formatPeriod(period: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return period;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return period;
  if (dateLocale === 'en') return `${MONTH_NAMES[month - 1]} ${m[1]}`;
  return new Intl.DateTimeFormat(dateLocale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(Number(m[1]), month - 1, 15));
}

/** A date and time in the page's language: "1 Dec 2026, 05:26" / "1 дек. 2026 г., 05:26". */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(dateLocale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A plain number with the language's decimal mark: 1.3 → "1.30" / "1,30". */
export function formatNumber(value: number, digits = 0): string {
  return Number.isFinite(value) ? group(value, digits) : '—';
}
