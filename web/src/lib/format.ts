/** Number formatting for people: tonnes, money, shares. Pure, locale-independent (reports must match). */

const group = (n: number, digits = 0): string => {
  const fixed = Math.abs(n).toFixed(digits);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return (n < 0 && Number(fixed) !== 0 ? '−' : '') + grouped + (frac ? `.${frac}` : '');
};

/** 1 300 000 → "1.30 Mt", 450 000 → "450 kt", 820 → "820 t". */
export function formatTonnes(tonnes: number | null | undefined): string {
  if (tonnes == null || !Number.isFinite(tonnes)) return '—';
  const abs = Math.abs(tonnes);
  if (abs >= 1_000_000) return `${group(tonnes / 1_000_000, 2)} Mt`;
  if (abs >= 10_000) return `${group(tonnes / 1_000, 0)} kt`;
  if (abs >= 1_000) return `${group(tonnes / 1_000, 1)} kt`;
  return `${group(tonnes, 0)} t`;
}

/** 12 345 678 → "USD 12.3 m", 45 600 → "USD 45.6 k", negative with a true minus sign. */
export function formatUsdCompact(usd: number | null | undefined): string {
  if (usd == null || !Number.isFinite(usd)) return '—';
  const abs = Math.abs(usd);
  if (abs >= 1_000_000_000) return `USD ${group(usd / 1_000_000_000, 2)} bn`;
  if (abs >= 1_000_000) return `USD ${group(usd / 1_000_000, 1)} m`;
  if (abs >= 10_000) return `USD ${group(usd / 1_000, 0)} k`;
  return `USD ${group(usd, 0)}`;
}

/** 47.456 → "47.46 USD/t". */
export function formatUsdPerTonne(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  return `${group(value, 2)} USD/t`;
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
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
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
  return month >= 1 && month <= 12 ? `${MONTH_NAMES[month - 1]} ${m[1]}` : period;
}
