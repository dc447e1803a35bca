/** Popup and tooltip contents as HTML strings, escaped. Pure, so their wording is tested. */
import type { CapacityUse, MarketResult } from '../../../server/core/plan-schema.ts';
import { escapeHtml } from './escape.ts';
import { formatCo2, formatShare, formatTonnes } from './format.ts';
import { USD, type Money } from './money.ts';
import { MODE_LABELS, type FlowMode } from './style.ts';
import { t } from '../i18n/index.ts';

const row = (label: string, value: string) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;

function modeLabel(mode: unknown): string {
  return typeof mode === 'string' && mode in MODE_LABELS ? t(MODE_LABELS[mode as FlowMode]) : String(mode ?? '');
}

const tonnesLabel = (periodLabel: string | null) => (periodLabel ? t('Tonnes ({period})', { period: periodLabel }) : t('Tonnes'));

export function marketPopup(m: MarketResult, opts: { tonnes: number; shareOfDemand: number | null; periodLabel: string | null; money?: Money }): string {
  const formatUsdPerTonne = (opts.money ?? USD).perTonne;
  const lines = [
    row(tonnesLabel(opts.periodLabel), formatTonnes(opts.tonnes)),
    row(t('Share of demand'), opts.shareOfDemand == null ? '—' : formatShare(opts.shareOfDemand)),
    row(t('Netback'), formatUsdPerTonne(m.netbackUsdPerTonne)),
    row(t('Delivered price'), formatUsdPerTonne(m.priceUsdPerTonne)),
    row(t('Logistics'), formatUsdPerTonne(m.logisticsCostUsdPerTonne)),
  ];
  if (m.dutyUsdPerTonne > 0) lines.push(row(t('Duty and border costs'), formatUsdPerTonne(m.dutyUsdPerTonne)));
  // Product forms over the horizon (a period's view shows its tonnes only).
  if (opts.periodLabel === null && m.tonnes > 0 && m.baggedTonnes !== undefined) {
    lines.push(row(t('Bagged / bulk'), `${formatTonnes(m.baggedTonnes)} / ${formatTonnes(m.bulkTonnes ?? m.tonnes - m.baggedTonnes)}`));
  }
  if (m.tonnes <= 0 && m.priceGapUsdPerTonne != null) {
    lines.push(row(t('Not served'), t('needs +{price} to pay', { price: formatUsdPerTonne(m.priceGapUsdPerTonne) })));
  }
  const routes = m.routes
    .filter((r) => r.tonnes > 0)
    .map(
      (r) =>
        `<li>${escapeHtml(r.path.join(' → '))} <span class="muted">(${escapeHtml(r.modes.map(modeLabel).join(' + '))}, ${escapeHtml(
          formatTonnes(r.tonnes),
        )}, ${escapeHtml(formatUsdPerTonne(r.logisticsCostUsdPerTonne))})</span></li>`,
    )
    .join('');
  const kind = m.domestic ? t('Domestic market') : t('Export market');
  return (
    `<div class="popup"><h3>${escapeHtml(m.name)}</h3><p class="muted">${escapeHtml(kind)}, ${escapeHtml(m.country)}</p>` +
    `<table>${lines.join('')}</table>` +
    (routes ? `<h4>${escapeHtml(m.routes.length > 1 ? t('Routes') : t('Route'))}</h4><ul class="routes">${routes}</ul>` : '') +
    `</div>`
  );
}

export function legPopup(args: {
  name: string;
  mode: unknown;
  tonnes: number;
  periodLabel: string | null;
  use: CapacityUse | undefined;
  closed: boolean;
}): string {
  const u = args.use;
  const lines = [
    row(t('Mode'), modeLabel(args.mode)),
    row(tonnesLabel(args.periodLabel), formatTonnes(args.tonnes)),
    row(t('Capacity'), u?.capacityTonnes == null ? t('unlimited') : formatTonnes(u.capacityTonnes)),
    row(t('Utilisation'), u?.utilisation == null ? '—' : formatShare(u.utilisation)),
  ];
  if (u?.co2Tonnes != null) lines.push(row(t('CO₂'), formatCo2(u.co2Tonnes)));
  return (
    `<div class="popup"><h3>${escapeHtml(args.name)}</h3>` +
    (args.closed ? `<p class="warn">${escapeHtml(t('Closed in this view'))}</p>` : '') +
    `<table>${lines.join('')}</table></div>`
  );
}

export function nodePopup(n: CapacityUse, opts: { tonnes: number; periodLabel: string | null; closed: boolean }): string {
  const lines = [
    row(opts.periodLabel ? t('Throughput ({period})', { period: opts.periodLabel }) : t('Throughput'), formatTonnes(opts.tonnes)),
    row(t('Capacity'), n.capacityTonnes == null ? t('unlimited') : formatTonnes(n.capacityTonnes)),
    row(t('Utilisation'), n.utilisation == null ? '—' : formatShare(n.utilisation)),
  ];
  return (
    `<div class="popup"><h3>${escapeHtml(n.name)}</h3>` +
    (opts.closed ? `<p class="warn">${escapeHtml(t('Closed in this view'))}</p>` : '') +
    `<table>${lines.join('')}</table></div>`
  );
}
