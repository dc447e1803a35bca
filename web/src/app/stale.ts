/**
 * The stale banner: the moment the form differs from the plan on screen, the results are flagged,
 * with a re-plan button (and, for a link whose run and form differ, one to take the run's inputs).
 */
import { t } from '../i18n/index.ts';
import type { ScenarioPanel } from '../panels/scenario-panel.ts';
import { inputsOf, state } from './state.ts';

export interface StaleDeps {
  scenarioPanel: ScenarioPanel;
  /** The Results panel's out-of-date flag and this banner: a change of the flag leaves the map and the figures as they are. */
  redrawStale(): void;
  writeHash(): void;
  replan(): void;
}

export interface StaleBanner {
  /** The form changed: flag the results (and unflag them when back to the plan's inputs). */
  updateStale(): void;
  renderStale(): void;
}

export function createStaleBanner({ scenarioPanel, redrawStale, writeHash, replan }: StaleDeps): StaleBanner {
  const staleBanner = document.getElementById('stale-banner')!;
  const staleText = document.getElementById('stale-text')!;
  const staleUsePlan = document.getElementById('stale-use-plan') as HTMLButtonElement;
  document.getElementById('stale-replan')!.addEventListener('click', () => {
    state.linkMismatch = null;
    replan();
  });
  staleUsePlan.addEventListener('click', () => {
    const m = state.linkMismatch;
    if (!m) return;
    state.linkMismatch = null;
    state.form = m.runForm;
    scenarioPanel.setForm(state.form);
    updateStale();
    writeHash();
  });

  function updateStale(): void {
    const stale = state.plan != null && state.planInputs !== inputsOf(state.form);
    if (stale === state.stale) {
      renderStale();
      return;
    }
    state.stale = stale;
    redrawStale();
  }

  function renderStale(): void {
    const show = state.stale && state.plan != null && !state.needsKey;
    staleBanner.hidden = !show;
    document.body.dataset.stale = String(show);
    if (!show) return;
    const m = state.linkMismatch;
    staleText.textContent = m
      ? t("This link's scenario differs from stored run {id}, which is on screen: the map and results show the run's inputs, not the form's.", { id: m.runId })
      : t('The inputs have changed since this plan was made: the map and results still show the previous plan.');
    staleUsePlan.hidden = !m;
  }

  return { updateStale, renderStale };
}
