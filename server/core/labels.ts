/** Names in words for the network's entities, for row labels and reports. Browser-safe, pure. */
import type { Period } from './scenario.ts';
import type { Leg, Network } from './schema.ts';
import { englishSubject, type WhyPeriod, type WhySubject } from './why.ts';

/** The name of a plant, port or market by its id, as the data gives it (the id when there is none). */
function placeName(network: Network): (id: string) => string {
  return (id: string) =>
    network.nodes.find((n) => n.id === id)?.name ?? network.plants.find((p) => p.id === id)?.name ?? network.markets.find((m) => m.id === id)?.name ?? id;
}

/** A leg's ends by name: "Baiganin plant", "Makat". */
export function legEnds(leg: Leg, network: Network): { from: string; to: string } {
  const name = placeName(network);
  return { from: name(leg.from), to: name(leg.to) };
}

/** "rail Baiganin plant → Makat" for a leg, from node, plant and market names. */
export function legLabel(leg: Leg, network: Network, nameOf?: (id: string) => string): string {
  const name = nameOf ?? placeName(network);
  return `${leg.mode} ${name(leg.from)} → ${name(leg.to)}`;
}

/** A model period as a sentence's subject names it. */
export function periodOf(t: Period): WhyPeriod {
  return { year: t.year, month: t.month };
}

/** A row's label: its subject in English words with the row's unit (tonnes; the wagon fleet says its own). */
export function rowLabel(about: WhySubject): string {
  return about.kind === 'wagon-fleet' ? englishSubject(about) : `${englishSubject(about)}, t`;
}

/** A row's subject and its label, to spread into the row. */
export function described(about: WhySubject): { about: WhySubject; label: string } {
  return { about, label: rowLabel(about) };
}
