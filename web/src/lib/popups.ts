/** Popup and tooltip contents as HTML strings, escaped. Pure, so their wording is tested. */
import type { CapacityUse, MarketResult } from '../../../server/core/plan-schema.ts';
import { escapeHtml } from './escape.ts';
import { formatCo2, formatShare, formatTonnes } from './format.ts';
import { USD, type Money } from './money.ts';
import { MODE_LABELS, type FlowMode } from './style.ts';


const row = (label: string, value: string) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;

function modeLabel(mode: unknown): string {
  return typeof mode === 'string' && mode in MODE_LABELS ? MODE_LABELS[mode as FlowMode] : String(mode ?? '');
}

export function marketPopup(m: MarketResult, opts: { tonnes: number; shareOfDemand: number | null; periodLabel: string | null; money?: Money }): string {
  const formatUsdPerTonne = (opts.money ?? USD).perTonne;
  const lines = [
    row(opts.periodLabel ? `Tonnes (${opts.periodLabel})` : 'Tonnes', formatTonnes(opts.tonnes)),
    row('Share of demand', opts.shareOfDemand == null ? '—' : formatShare(opts.shareOfDemand)),
    row('Netback', formatUsdPerTonne(m.netbackUsdPerTonne)),
    row('Delivered price', formatUsdPerTonne(m.priceUsdPerTonne)),
    row('Logistics', formatUsdPerTonne(m.logisticsCostUsdPerTonne)),
  ];
  if (m.dutyUsdPerTonne > 0) lines.push(row('Import duty', formatUsdPerTonne(m.dutyUsdPerTonne)));
  if (m.tonnes <= 0 && m.priceGapUsdPerTonne != null) {
    lines.push(row('Not served', `needs +${formatUsdPerTonne(m.priceGapUsdPerTonne)} to pay`));
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
  const kind = m.domestic ? 'Domestic market' : 'Export market';
  return (
    `<div class="popup"><h3>${escapeHtml(m.name)}</h3><p class="muted">${kind}, ${escapeHtml(m.country)}</p>` +
    `<table>${lines.join('')}</table>` +
    (routes ? `<h4>Route${m.routes.length > 1 ? 's' : ''}</h4><ul class="routes">${routes}</ul>` : '') +
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
    row('Mode', modeLabel(args.mode)),
    row(args.periodLabel ? `Tonnes (${args.periodLabel})` : 'Tonnes', formatTonnes(args.tonnes)),
    row('Capacity', u?.capacityTonnes == null ? 'unlimited' : formatTonnes(u.capacityTonnes)),
    row('Utilisation', u?.utilisation == null ? '—' : formatShare(u.utilisation)),
  ];
  if (u?.co2Tonnes != null) lines.push(row('CO₂', formatCo2(u.co2Tonnes)));
  return (
    `<div class="popup"><h3>${escapeHtml(args.name)}</h3>` +
    (args.closed ? '<p class="warn">Closed in this view</p>' : '') +
    `<table>${lines.join('')}</table></div>`
  );
}

export function nodePopup(n: CapacityUse, opts: { tonnes: number; periodLabel: string | null; closed: boolean }): string {
  const lines = [
    row(opts.periodLabel ? `Throughput (${opts.periodLabel})` : 'Throughput', formatTonnes(opts.tonnes)),
    row('Capacity', n.capacityTonnes == null ? 'unlimited' : formatTonnes(n.capacityTonnes)),
    row('Utilisation', n.utilisation == null ? '—' : formatShare(n.utilisation)),
  ];
  return (
    `<div class="popup"><h3>${escapeHtml(n.name)}</h3>` +
    (opts.closed ? '<p class="warn">Closed in this view</p>' : '') +
    `<table>${lines.join('')}</table></div>`
  );
}
