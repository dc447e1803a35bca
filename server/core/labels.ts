/** Names in words for the network's entities, for row labels and reports. Browser-safe, pure. */
import type { Leg, Network } from './schema.ts';

/** "rail Baiganin plant → Makat" for a leg, from node, plant and market names. */
export function legLabel(leg: Leg, network: Network, nameOf?: (id: string) => string): string {
  const name =
    nameOf ??
    ((id: string) =>
      network.nodes.find((n) => n.id === id)?.name ??
      network.plants.find((p) => p.id === id)?.name ??
      network.markets.find((m) => m.id === id)?.name ??
      id);
  return `${leg.mode} ${name(leg.from)} → ${name(leg.to)}`;
}
