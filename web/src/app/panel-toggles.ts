/**
 * The top bar's panel toggles. Results, Analysis, Backtest and Library share the right-hand side:
 * opening one closes the others. Below 1280 px there is room for one side panel only (the map keeps
 * most of the width), so opening any panel closes the rest; at 900 px and below the panels open
 * over the map and all start closed. Above that, the map keeps at least MAP_SHARE of the width: a
 * wide panel (Analysis, Library) that would leave it less closes the Scenario panel, and the Scenario
 * panel, opened beside one, closes it.
 */
import type L from 'leaflet';
import type { AnalysisPanel } from '../panels/analysis-panel.ts';

export interface PanelToggleDeps {
  map: L.Map;
  analysisPanel: AnalysisPanel;
  setBacktestOpen(open: boolean): void;
  loadLibrary(): Promise<void>;
  /** The link opened the backtest view. */
  backtestOpen: boolean;
}

const RIGHT_PANELS = ['kpi-panel', 'analysis-panel', 'backtest-panel', 'library-panel'];
/** Keep in step with the media queries in style.css. */
const NARROW_QUERY = '(max-width: 900px)';
const ONE_PANEL_QUERY = '(max-width: 1279px)';
/** The least share of the window's width the map keeps beside the open side panels (over 900 px). */
export const MAP_SHARE = 0.55;

export function wirePanelToggles({ map, analysisPanel, setBacktestOpen, loadLibrary, backtestOpen }: PanelToggleDeps): void {
  const narrow = window.matchMedia(NARROW_QUERY);
  const onePanel = window.matchMedia(ONE_PANEL_QUERY);
  const openPanel = new Map<string, (open: boolean) => void>();
  const isOpen = (panelId: string) => !document.getElementById(panelId)!.classList.contains('collapsed');
  /** Panels keep their width when folded (a negative margin hides them), so it can be read at any time. */
  const widthOf = (panelId: string) => Number.parseFloat(getComputedStyle(document.getElementById(panelId)!).width) || 0;
  const panelsWidth = () => [...openPanel.keys()].filter(isOpen).reduce((sum, id) => sum + widthOf(id), 0);
  const tooWide = () => !narrow.matches && panelsWidth() > (1 - MAP_SHARE) * window.innerWidth;
  const makeWayFor = (panelId: string) => {
    if (tooWide()) for (const other of openPanel.keys()) if (other !== panelId && isOpen(other)) openPanel.get(other)?.(false);
  };
  let starting = true;
  let lastOpened: string | null = null;
  for (const [buttonId, panelId] of [
    ['toggle-scenario', 'scenario-panel'],
    ['toggle-kpi', 'kpi-panel'],
    ['toggle-analysis', 'analysis-panel'],
    ['toggle-backtest', 'backtest-panel'],
    ['toggle-library', 'library-panel'],
  ] as const) {
    const button = document.getElementById(buttonId)!;
    const panel = document.getElementById(panelId)!;
    const apply = (open: boolean) => {
      panel.classList.toggle('collapsed', !open);
      button.setAttribute('aria-expanded', String(open));
      if (open) {
        const others = onePanel.matches ? [...openPanel.keys()] : RIGHT_PANELS.includes(panelId) ? RIGHT_PANELS : [];
        for (const other of others) if (other !== panelId && isOpen(other)) openPanel.get(other)?.(false);
        // Still too little map: the panels on the other side make way. (At start, once for all the
        // panels, below: each measure makes the page work out its styles again.)
        if (starting) lastOpened = panelId;
        else makeWayFor(panelId);
      }
      if (panelId === 'analysis-panel') analysisPanel.setOpen(open);
      if (panelId === 'backtest-panel') setBacktestOpen(open);
      if (panelId === 'library-panel' && open) void loadLibrary();
      setTimeout(() => map.invalidateSize(), 220);
    };
    openPanel.set(panelId, apply);
    const initiallyOpen =
      panelId === 'analysis-panel' || panelId === 'library-panel'
        ? false
        : panelId === 'backtest-panel'
          ? backtestOpen
          : panelId === 'kpi-panel'
            ? !onePanel.matches
            : !narrow.matches;
    apply(initiallyOpen);
    button.addEventListener('click', () => apply(panel.classList.contains('collapsed')));
  }
  starting = false;
  if (lastOpened) makeWayFor(lastOpened);
  // The window narrowed past the point where two side panels fit: the Scenario panel stays. (Not
  // while printing: the paper is narrower than the screen, and the panels are as they were after.)
  const print = window.matchMedia('print');
  onePanel.addEventListener('change', () => {
    if (print.matches || !onePanel.matches || !isOpen('scenario-panel')) return;
    for (const id of RIGHT_PANELS) if (isOpen(id)) openPanel.get(id)?.(false);
  });
  window.addEventListener('resize', () => {
    if (print.matches || !isOpen('scenario-panel') || !tooWide()) return;
    for (const id of RIGHT_PANELS) if (isOpen(id)) openPanel.get(id)?.(false);
  });
}
