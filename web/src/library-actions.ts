/**
 * The library's changes to stored scenarios, on the API: rename (read, then replace with If-Match),
 * duplicate (read, then store a copy) and delete. Each answers in words; the panel shows them.
 */
import { api } from './api.ts';
import { copyName } from './lib/library.ts';
import type { LibraryActions } from './panels/library-panel.ts';
import { t } from './i18n/index.ts';

const failed = (summary: string) => ({ ok: false as const, message: summary });

export const libraryActions: LibraryActions = {
  async rename(scenarioId, seenVersion, name) {
    const read = await api.scenario(scenarioId);
    if (!read.ok) return failed(read.report.summary);
    // If-Match is the version the list showed, not the one just read: a change made meanwhile (in
    // another tab, by someone else) is refused by the server rather than overwritten.
    const saved = await api.updateScenario(scenarioId, seenVersion, { ...read.data.scenario, name });
    if (saved.ok) return { ok: true, message: t('Renamed to “{name}”.', { name }) };
    if (saved.report.code === 'version_conflict') return { ...failed(t('This scenario was changed meanwhile (in another tab, or by someone else), so it was not renamed: the list now shows it as it is; rename it again if you still want to.')), stale: true };
    return failed(saved.report.summary);
  },
  async duplicate(scenarioId, takenNames) {
    const read = await api.scenario(scenarioId);
    if (!read.ok) return failed(read.report.summary);
    const name = copyName(read.data.scenario.name, takenNames, (n) => (n === 1 ? t('{name} (copy)') : t('{name} (copy {n})', { n })));
    const created = await api.createScenario({ ...read.data.scenario, name });
    return created.ok ? { ok: true, message: t('Stored a copy: “{name}”.', { name }) } : failed(created.report.summary);
  },
  async remove(scenarioId, name) {
    const deleted = await api.deleteScenario(scenarioId);
    return deleted.ok ? { ok: true, message: t('Deleted scenario “{name}”.', { name }) } : failed(deleted.report.summary);
  },
};
