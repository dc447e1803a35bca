/**
 * Networks sent to the pool's threads once, not with every task. A network is ~400 KB of structured
 * clone: copying the default network into a thread for every plan took ~3 ms of the event loop and
 * ~2 ms of the thread, and gave the thread a new object each time, so nothing it derives from the
 * network (its digest for the inputsHash, leg distances) could be kept.
 *
 * The event loop names each network object it sends with an id. The first time, the network goes
 * along and the thread does not keep it (a network inline in one request is seen once). From the
 * second time on only the id goes; a thread that does not hold it answers `{ missingNetwork: true }`
 * and the task is sent again with the network, which the thread then keeps (the last KEPT_NETWORKS,
 * most recently used first), at the front of the pool's queue: it has waited its turn once already.
 * A thread that is replaced starts empty and asks again. Networks are
 * never changed in place, so an id always means the same network.
 */
import type { Network } from '../core/schema.ts';
import type { QueuePlace } from './pool.ts';

/** A network as a task carries it. */
export interface NetworkRef {
  readonly id: string;
  /** The network itself, when the thread may not hold it. */
  readonly network?: Network;
  /** Keep it for the next tasks that name it. */
  readonly keep?: boolean;
}

/** A thread's answer when it does not hold the network a task names. */
export interface MissingNetwork {
  readonly missingNetwork: true;
}

// --- the event loop's side ---

const ids = new WeakMap<Network, { readonly id: string; sent: number }>();
let nextId = 0;

/**
 * Runs a task that needs `network`: `run` is called with a reference to it (once, or twice when the
 * thread that took the task did not hold the network) and the place in the pool's queue to ask for
 * (the pool's RunOptions): the second time, at the front.
 */
export async function withNetwork<T extends object>(network: Network, run: (ref: NetworkRef, place: QueuePlace) => Promise<T | MissingNetwork>): Promise<T> {
  let entry = ids.get(network);
  if (!entry) {
    entry = { id: `network-${++nextId}`, sent: 0 };
    ids.set(network, entry);
  }
  entry.sent += 1;
  if (entry.sent === 1) return asFound(await run({ id: entry.id, network, keep: false }, {}));
  const answer = await run({ id: entry.id }, {});
  if (!isMissing(answer)) return answer;
  return asFound(await run({ id: entry.id, network, keep: true }, { first: true }));
}

function isMissing(x: object): x is MissingNetwork {
  return (x as Partial<MissingNetwork>).missingNetwork === true;
}

function asFound<T extends object>(x: T | MissingNetwork): T {
  if (isMissing(x)) throw new Error('a pool thread asked for the network it was sent');
  return x;
}

// --- the threads' side ---

/** Networks a thread keeps (the default one and the one or two a planner is working on). */
export const KEPT_NETWORKS = 3;
const kept = new Map<string, Network>();

/** The network a task names, or null when this thread does not hold it. */
export function networkOf(ref: NetworkRef): Network | null {
  if (ref.network) {
    if (ref.keep) {
      kept.delete(ref.id);
      kept.set(ref.id, ref.network);
      while (kept.size > KEPT_NETWORKS) kept.delete(kept.keys().next().value!);
    }
    return ref.network;
  }
  const network = kept.get(ref.id);
  if (!network) return null;
  // Most recently used last, so the oldest goes first.
  kept.delete(ref.id);
  kept.set(ref.id, network);
  return network;
}

/** How many networks this thread holds (tests). */
export function keptNetworkCount(): number {
  return kept.size;
}
