/** The Results panel's downloads: the plan as CSV, GeoJSON or an Excel workbook, a stored run's CSV, and the page's link. */
import { api, storedApiKey } from '../api.ts';
import { downloadBlob, downloadText } from '../dom.ts';
import { locale, t } from '../i18n/index.ts';
import { downloadName, planToAllocationCsv, planToGeoJson, UTF8_BOM } from '../lib/csv.ts';
import { state } from './state.ts';
import { setStatus } from './status.ts';

export interface Downloads {
  planCsv(): void;
  /** The map view as a PNG, drawn in the page (offline). */
  mapPng(): Promise<void>;
  planGeoJson(): void;
  planXlsx(): Promise<void>;
  serverCsv(runId: string): Promise<void>;
  copyLink(): Promise<void>;
}

export function createDownloads(writeHash: () => void, mapElement: HTMLElement): Downloads {
  return {
    async mapPng() {
      const plan = state.plan;
      if (!plan) return;
      setStatus(t('Drawing the map image…'));
      try {
        // The painter is only needed when an image is asked for: loaded then.
        const { mapToPng } = await import('../map/map-image.ts');
        downloadBlob(await mapToPng(mapElement), downloadName(plan, 'png'));
        setStatus(t('Map image saved.'));
      } catch (err) {
        setStatus(t('The map image could not be made: {message}', { message: (err as Error).message }));
      }
    },
    planCsv() {
      if (state.plan) downloadText(planToAllocationCsv(state.plan, locale()), downloadName(state.plan, 'csv'), 'text/csv');
    },
    planGeoJson() {
      if (state.plan) downloadText(JSON.stringify(planToGeoJson(state.plan)), downloadName(state.plan, 'geojson'), 'application/geo+json');
    },
    async planXlsx() {
      const plan = state.plan;
      if (!plan) return;
      setStatus(t('Writing the Excel workbook…'));
      try {
        // The workbook writer is only needed when a workbook is asked for: loaded then.
        const { planWorkbookXlsx } = await import('../lib/workbook.ts');
        writeHash();
        const bytes = planWorkbookXlsx(plan, { source: state.source, runId: state.runId, link: location.href, compare: state.compare });
        downloadBlob(new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), downloadName(plan, 'xlsx'));
        setStatus(t('Excel workbook written.'));
      } catch (err) {
        setStatus(t('The Excel workbook could not be written: {message}', { message: (err as Error).message }));
      }
    },
    async serverCsv(runId) {
      // A spreadsheet in another language wants its own separators: the run's table made here, in that style.
      if (locale() !== 'en') {
        const run = await api.run(runId);
        if (!run.ok) return setStatus(t('Could not download the stored CSV ({status}).', { status: run.report.status }));
        return downloadText(planToAllocationCsv(run.data.plan, locale()), `allocation-${runId}.csv`, 'text/csv');
      }
      const key = storedApiKey();
      const response = await fetch(`/api/v1/runs/${encodeURIComponent(runId)}/allocation.csv`, {
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
      if (!response.ok) return setStatus(t('Could not download the stored CSV ({status}).', { status: response.status }));
      // The API's table for programs, with the byte-order mark a spreadsheet needs to read UTF-8.
      downloadText(UTF8_BOM + (await response.text()), `allocation-${runId}.csv`, 'text/csv');
    },
    async copyLink() {
      writeHash();
      try {
        await navigator.clipboard.writeText(location.href);
        setStatus(t('Link copied: it reopens this scenario and view.'));
      } catch {
        setStatus(t('Copy the address bar: it reopens this scenario and view.'));
      }
    },
  };
}
