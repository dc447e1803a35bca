/**
 * The top bar's panel toggles. Panels collapse on narrow screens; the toggles open them over the map.
 * Results, Analysis, Backtest and Library share the right-hand side: opening one closes the others.
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

export function wirePanelToggles({ map, analysisPanel, setBacktestOpen, loadLibrary, backtestOpen }: PanelToggleDeps): void {
  const openPanel = new Map<string, (open: boolean) => void>();
  for (const [buttonId, panelId] of [
    ['toggle-scenario', 'scenario-panel'],
    ['toggle-kpi', 'kpi-panel'],
    ['toggle-analysis', 'analysis-panel'],
    ['toggle-backtest', 'backtest-panel'],
    ['toggle-library', 'library-panel'],
  ] as const) {
    const button = document.getElementById(buttonId)!;
    const panel = document.getElementById(panelId)!;
    const narrow = window.matchMedia('(max-width: 900px)');
    const apply = (open: boolean) => {
      panel.classList.toggle('collapsed', !open);
      button.setAttribute('aria-expanded', String(open));
      if (open && RIGHT_PANELS.includes(panelId)) for (const other of RIGHT_PANELS) if (other !== panelId) openPanel.get(other)?.(false);
      if (panelId === 'analysis-panel') analysisPanel.setOpen(open);
      if (panelId === 'backtest-panel') setBacktestOpen(open);
      if (panelId === 'library-panel' && open) void loadLibrary();
      setTimeout(() => map.invalidateSize(), 220);
    };
    openPanel.set(panelId, apply);
    apply(panelId === 'analysis-panel' || panelId === 'library-panel' ? false : panelId === 'backtest-panel' ? backtestOpen : !narrow.matches);
    button.addEventListener('click', () => apply(panel.classList.contains('collapsed')));
  }
}
