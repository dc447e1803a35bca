/**
 * The network a plan on screen is drawn with. Pure. A plan carries its markets' places and its
 * flows' lines, but its ports, plants, idle legs and leg names come from a network: the one the plan
 * was made on. A scenario with a network of its own (stored with it, or carried by the form) is
 * planned on that network, so its plan is drawn with it; any other plan with the default network.
 */
import { Network } from '../../../server/core/schema.ts';

/**
 * The network a scenario brings of its own, as the engine reads it; null when it has none (it is
 * planned on the default network) or when what it holds is not a network (it cannot be planned).
 */
export function ownNetwork(scenario: { network?: unknown } | null | undefined): Network | null {
  if (scenario?.network == null) return null;
  const parsed = Network.safeParse(scenario.network);
  return parsed.success ? parsed.data : null;
}

/**
 * Two networks in one, for the A → B difference map: B's network (the plan on screen is B), with A's
 * plants, markets, nodes and legs that B lacks (by id), so a place only A planned on is still placed.
 * The same network on both sides is returned as it is.
 */
export function mergedNetwork(a: Network, b: Network): Network {
  if (a === b) return b;
  const add = <T extends { id: string }>(bs: readonly T[], as: readonly T[]): T[] => {
    const ids = new Set(bs.map((x) => x.id));
    return [...bs, ...as.filter((x) => !ids.has(x.id))];
  };
  return { ...b, plants: add(b.plants, a.plants), markets: add(b.markets, a.markets), nodes: add(b.nodes, a.nodes), legs: add(b.legs, a.legs) };
}

/** What the page shows: a plan and the network it was made on (null: the default network). */
export interface ShownNetworks {
  /** The own network of the plan on screen (B when two plans are compared); null = the default network's plan. */
  plan: Network | null;
  /** Two plans compared: the own network of each (null = the default network). */
  compare?: { a: Network | null; b: Network | null } | null;
}

/**
 * The network the map draws the plan on screen with: the plan's own network, or the default network
 * (null while it is not loaded); for a comparison, A's and B's networks together.
 */
export function networkOnScreen(shown: ShownNetworks, defaultNetwork: Network | null): Network | null {
  if (shown.compare) {
    const a = shown.compare.a ?? defaultNetwork;
    const b = shown.compare.b ?? defaultNetwork;
    if (!a || !b) return b ?? a;
    return mergedNetwork(a, b);
  }
  return shown.plan ?? defaultNetwork;
}
