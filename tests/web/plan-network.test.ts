/**
 * Which network the map draws a plan with: the network the plan was made on. A scenario with a
 * network of its own (stored with it, carried by the form) is drawn with that network, a plan of the
 * default network with the default one, and a comparison with both sides' networks together. The
 * opening frame takes in the plants of the network the plan is drawn with.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Network, type NetworkInput } from '../../server/core/schema.ts';
import { mergedNetwork, networkOnScreen, ownNetwork } from '../../web/src/lib/plan-network.ts';
import { dropCarried, formToScenario, storedScenarioToForm } from '../../web/src/lib/scenario-form.ts';
import { planFrame } from '../../web/src/lib/view.ts';

const raw = JSON.parse(readFileSync(new URL('../../data/network.json', import.meta.url), 'utf8')) as NetworkInput;
const DEFAULT = Network.parse(raw);

/** The shipped network with the plant moved far east and a port of its own (ids and places the default lacks). */
function ownRaw(): NetworkInput {
  const n = structuredClone(raw) as NetworkInput & { plants: { lat: number; lng: number }[]; nodes: unknown[] };
  n.plants[0] = { ...n.plants[0], lat: 52.3, lng: 76.9 };
  n.nodes = [...n.nodes, { id: 'port_own', name: 'Own port', kind: 'port', country: 'KZ', lat: 44.9, lng: 50.3 }];
  return n;
}

describe('ownNetwork: the network a scenario brings of its own', () => {
  it('is the scenario’s network, read as the engine reads it', () => {
    const own = ownNetwork({ network: ownRaw() });
    expect(own).not.toBeNull();
    expect(own!.plants[0]).toMatchObject({ lat: 52.3, lng: 76.9 });
    expect(own!.nodes.find((n) => n.id === 'port_own')?.name).toBe('Own port');
    // Defaults filled as the engine fills them.
    expect(own!.currency).toBe('USD');
  });

  it('is null for a scenario without one (planned on the default network), and for what is not a network', () => {
    expect(ownNetwork({})).toBeNull();
    expect(ownNetwork(null)).toBeNull();
    expect(ownNetwork(undefined)).toBeNull();
    expect(ownNetwork({ network: { name: 'not a network' } })).toBeNull();
  });

  it('follows the form: a stored scenario with its network carries it, dropping its settings drops it', () => {
    const form = storedScenarioToForm({ name: 'Own', network: ownRaw() as never }, { id: 'sc1', version: 2 });
    expect(ownNetwork(form.carried)?.plants[0].lng).toBe(76.9);
    expect(ownNetwork(formToScenario(form))?.plants[0].lng).toBe(76.9);
    expect(ownNetwork(dropCarried(form).carried)).toBeNull();
    expect(ownNetwork(formToScenario(dropCarried(form)))).toBeNull();
  });
});

describe('networkOnScreen: the network the map draws the plan on screen with', () => {
  const own = ownNetwork({ network: ownRaw() })!;

  it('is the plan’s own network when it has one, whatever the default network', () => {
    expect(networkOnScreen({ plan: own }, DEFAULT)).toBe(own);
    expect(networkOnScreen({ plan: own }, null)).toBe(own);
  });

  it('is the default network for a plan of the default network (null while it is not loaded)', () => {
    expect(networkOnScreen({ plan: null }, DEFAULT)).toBe(DEFAULT);
    expect(networkOnScreen({ plan: null, compare: null }, DEFAULT)).toBe(DEFAULT);
    expect(networkOnScreen({ plan: null }, null)).toBeNull();
  });

  it('compares two plans of the default network on the default network itself', () => {
    expect(networkOnScreen({ plan: null, compare: { a: null, b: null } }, DEFAULT)).toBe(DEFAULT);
  });

  it('draws a comparison with B’s network, and A’s places that B lacks', () => {
    // A on its own network, B on the default one: B's plant where the default has it, A's port too.
    const ab = networkOnScreen({ plan: null, compare: { a: own, b: null } }, DEFAULT)!;
    expect(ab.plants).toHaveLength(1);
    expect(ab.plants[0]).toMatchObject({ lat: DEFAULT.plants[0].lat, lng: DEFAULT.plants[0].lng });
    expect(ab.nodes.map((n) => n.id)).toEqual([...DEFAULT.nodes.map((n) => n.id), 'port_own']);
    expect(ab.legs).toHaveLength(DEFAULT.legs.length);
    // The other way round: B's own plant and port.
    const ba = networkOnScreen({ plan: own, compare: { a: null, b: own } }, DEFAULT)!;
    expect(ba.plants[0]).toMatchObject({ lat: 52.3, lng: 76.9 });
    expect(ba.nodes.find((n) => n.id === 'port_own')?.name).toBe('Own port');
    expect(ba.nodes).toHaveLength(own.nodes.length);
  });

  it('merges by id without duplicates, and leaves the same network alone', () => {
    expect(mergedNetwork(own, own)).toBe(own);
    const m = mergedNetwork(DEFAULT, own);
    for (const key of ['plants', 'markets', 'nodes', 'legs'] as const) {
      const ids = m[key].map((x) => x.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('frames the plant of the network the plan is drawn with', () => {
    const plan = { markets: [] };
    const [[south, west], [north, east]] = planFrame(plan, networkOnScreen({ plan: own }, DEFAULT));
    expect(north).toBeGreaterThanOrEqual(52.3);
    expect(east).toBeGreaterThanOrEqual(76.9);
    expect(south).toBeLessThan(52.3);
    expect(west).toBeLessThan(76.9);
    // The default network's plan is framed as before, without the own network's plant.
    const [, [defaultNorth, defaultEast]] = planFrame(plan, networkOnScreen({ plan: null }, DEFAULT));
    expect(defaultNorth).toBeLessThan(52.3);
    expect(defaultEast).toBeLessThan(76.9);
  });
});
