/**
 * The link: the page state (scenario as a patch on the default, view, period, run, comparison,
 * currency, filters, language) is kept in location.hash, and a pasted link is taken in.
 */
import type L from 'leaflet';
import { formToScenario } from '../lib/scenario-form.ts';
import { decodeState, encodeState, scenarioLinkPatch, type PageState } from '../lib/url-state.ts';
import { DEFAULT_SCENARIO, state } from './state.ts';

export interface UrlSync {
  /** The page state into the address bar (replacing, not adding, a history entry). */
  writeHash(): void;
  /** `apply` gets the state of a link pasted into the address bar (not one this page wrote). */
  onPastedLink(apply: (next: PageState) => void): void;
}

/** The comparison on screen as a pair of stored run ids (only stored runs can be reopened by a link). */
function storedCompare(): [string, string] | null {
  if (!state.compare) return null;
  const a = state.history.find((e) => e.id === state.compare!.a)?.runId;
  const b = state.history.find((e) => e.id === state.compare!.b)?.runId;
  return a && b ? [a, b] : null;
}

export function createUrlSync(map: L.Map): UrlSync {
  let hashWritten = '';
  function writeHash(): void {
    const c = map.getCenter();
    // A network of the scenario's own is not put in a link (a link never carries one: see decodeState):
    // the link names the stored scenario it comes from (`stored`), whose network a reader's page reads.
    const { network: _network, ...scenario } = formToScenario(state.form);
    const patch = scenarioLinkPatch(scenario as never, DEFAULT_SCENARIO as never);
    state.page = {
      ...state.page,
      scenario: (patch ?? null) as PageState['scenario'],
      stored: state.form.stored,
      view: { lat: c.lat, lng: c.lng, zoom: map.getZoom() },
      period: state.period,
      runId: state.runId,
      compare: storedCompare(),
    };
    const hash = encodeState(state.page);
    if (hash !== location.hash) {
      hashWritten = hash;
      history.replaceState(null, '', hash || location.pathname);
    }
  }
  map.on('moveend', writeHash);
  return {
    writeHash,
    onPastedLink(apply) {
      window.addEventListener('hashchange', () => {
        if (location.hash === hashWritten) return;
        apply(decodeState(location.hash));
      });
    },
  };
}
