/** Short names for map labels and lists. Pure given the page's language. */
import type { Network } from '../../../server/core/schema.ts';
import { t } from '../i18n/index.ts';
import { MODE_LABELS, type FlowMode } from './style.ts';

const NOISE =
  /\b(sea commercial port|international sea trade port|international seaport|sea trade port|seaport|port of|port|hinterland|region|oblast|junction|station|city)\b/gi;

/**
 * A place name short enough for a map label: "Aktau Sea Commercial Port" → "Aktau",
 * "Azerbaijan via Port of Baku (Alat)" → "Baku", "Astana and Akmola region" → "Astana".
 */
export function shortName(name: string): string {
  let text = name.replace(/\s*\(.*?\)\s*/g, ' ').trim();
  const via = /\bvia\s+(.+)$/i.exec(text);
  if (via) text = via[1];
  text = text.split(/\s*[+/,]\s*|\s+and\s+/i)[0];
  const short = text.replace(NOISE, '').replace(/\s+/g, ' ').trim();
  return short || name;
}

/**
 * A leg in the scenario's list of capacities: its mode in the page's language and its ends,
 * short ("Rail: Makat → Atyrau") and in full for a tooltip. Unknown ends keep their ids.
 */
export function legLabel(leg: { id: string; from: string; to: string; mode: string }, network: Network | null): { short: string; full: string } {
  const name = (x: string) =>
    network?.markets.find((m) => m.id === x)?.name ?? network?.nodes.find((n) => n.id === x)?.name ?? network?.plants.find((p) => p.id === x)?.name ?? x;
  const short = (s: string) => s.replace(/\s*\(.*?\)/g, '').split(/[,/]| via /)[0]!.trim();
  const mode = leg.mode in MODE_LABELS ? t(MODE_LABELS[leg.mode as FlowMode]) : leg.mode;
  return { short: `${mode}: ${short(name(leg.from))} → ${short(name(leg.to))}`, full: `${mode}: ${name(leg.from)} → ${name(leg.to)}` };
}

/** The legs' labels for a list: short, and in full where two legs would read the same. */
export function legLabels(legs: readonly { id: string; from: string; to: string; mode: string }[], network: Network | null): { short: string; full: string }[] {
  const labels = legs.map((leg) => legLabel(leg, network));
  const count = new Map<string, number>();
  for (const l of labels) count.set(l.short, (count.get(l.short) ?? 0) + 1);
  return labels.map((l) => ((count.get(l.short) ?? 0) > 1 ? { short: l.full, full: l.full } : l));
}
