/** The backtest view: fetched when opened (again after a failure); its bars go over the plan, dimmed meanwhile. */
import type L from 'leaflet';
import { fetchBacktest } from '../api.ts';
import { backtestView, type BacktestState } from '../lib/backtest.ts';
import { BacktestLayer } from '../map/backtest-layer.ts';
import { BacktestPanel } from '../panels/backtest-panel.ts';
import { state } from './state.ts';

/** Builds the panel and its map layer; returns what opens or closes the view. */
export function createBacktest(map: L.Map, writeHash: () => void): (open: boolean) => void {
  const backtestPanel = new BacktestPanel(document.getElementById('backtest-panel')!);
  const backtestLayer = new BacktestLayer(map);
  let backtestShown: BacktestState | null = null;
  let backtestRequest: AbortController | null = null;
  return function setBacktestOpen(open: boolean): void {
    if (state.page.backtest !== open) {
      state.page.backtest = open;
      writeHash();
    }
    // The plan is dimmed under the bars only while there are bars; otherwise it stays as it was.
    document.body.classList.toggle('backtest-on', open && backtestShown?.kind === 'ready');
    if (!open) {
      backtestRequest?.abort();
      backtestLayer.show(null);
      document.body.dataset.backtest = 'closed';
      return;
    }
    if (backtestShown?.kind === 'ready') {
      backtestLayer.show(backtestView(backtestShown.data));
      document.body.dataset.backtest = 'ready';
      return;
    }
    backtestRequest?.abort();
    const request = new AbortController();
    backtestRequest = request;
    backtestPanel.render({ kind: 'loading' });
    document.body.dataset.backtest = 'loading';
    void fetchBacktest(request.signal).then((result) => {
      if (request.signal.aborted) return;
      backtestShown = result;
      document.body.classList.toggle('backtest-on', result.kind === 'ready');
      backtestPanel.render(result);
      backtestLayer.show(result.kind === 'ready' ? backtestView(result.data) : null, true);
      document.body.dataset.backtest = result.kind;
      document.body.dataset.backtestBars = String(backtestLayer.count);
    });
  };
}
