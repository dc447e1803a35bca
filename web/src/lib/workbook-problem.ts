/**
 * An uploaded workbook's problems in the page's language: the reader's sentences
 * (server/api/views/network-workbook.ts) matched and put into words of the page, with the names,
 * ids and figures they carry kept as written; the schema's predicates go through fieldMessage. A
 * sentence it does not know stays as the server wrote it.
 */
import { t } from '../i18n/index.ts';
import { fieldMessage, localFigures } from './field-message.ts';
import { formatNumber } from './format.ts';

/** The reader's sentences: a pattern and its message key; the groups fill `{a}`, `{b}`. */
const SENTENCES: readonly [RegExp, string][] = [
  [/^must be a number, not a formula giving (.+)$/, 'must be a number, not a formula giving {a}'],
  [/^must be a number, not a formula without a saved result: open and save the file in Excel$/, 'must be a number, not a formula without a saved result: open and save the file in Excel'],
  // Text that reads as a number with a decimal comma: the cell was typed as text.
  [/^must be a number, not "([-+]?\d[\d\s\u00a0\u202f]*,\d+)"$/, 'must be a number, not the text “{a}”: type it as a number'],
  [/^must be a number, not "(.*)"$/s, 'must be a number, not “{a}”'],
  [/^this column appears twice: keep one$/, 'this column appears twice: keep one'],
  [/^min must be ≤ max$/, 'min must be ≤ max'],
  [/^this workbook was made from scenario (\S+): .+$/, 'this workbook was made from scenario {a}: upload it with ?scenario={a} to keep that scenario, or delete the fromScenario row to read it against the default network'],
  [/^this workbook was made from scenario (\S+), not (\S+): .+$/, 'this workbook was made from scenario {a}, not {b}: upload it with ?scenario={a}, or download the workbook of {b}'],
  [/^this workbook was not made from scenario (\S+): .+$/, 'this workbook was not made from scenario {a}: download that scenario’s workbook, or upload this one without ?scenario'],
  [/^needs a number \(the network has (.+?)\); (.+)$/, 'needs a number (the network has {a}); {b}'],
  [/^needs a number \(the network has (.+?)\)$/, 'needs a number (the network has {a})'],
  [/^does not apply to this row: leave it empty$/, 'does not apply to this row: leave it empty'],
  [/^a row with figures needs an id$/, 'a row with figures needs an id'],
  [/^unknown (plant|market|node|leg|supplier) id "(.*)" \(rows cannot add entities\)$/s, 'unknown {a} id “{b}” (rows cannot add entities)'],
  [/^"(.*)" appears twice$/s, '“{a}” appears twice'],
  [/^the first column must be "id"$/, 'the first column must be “id”'],
  [/^unknown column: its figures would not be read; keep the headers as downloaded$/, 'unknown column: its figures would not be read; keep the headers as downloaded'],
  [/^columns? missing: (.+)$/, 'columns missing: {a}'],
  [/^unknown sheet "(.*)": its figures would not be read; sheets keep their names \((.+)\)$/s, 'unknown sheet “{a}”: its figures would not be read; sheets keep their names ({b})'],
  [/^merged with (\S+): unmerge the cells and give each row its own figure$/, 'merged with {a}: unmerge the cells and give each row its own figure'],
  [/^a tier needs both its tonnes and its price$/, 'a tier needs both its tonnes and its price'],
  [/^a market needs at least one tier$/, 'a market needs at least one tier'],
  [/^a range needs both its min and its max$/, 'a range needs both its min and its max'],
  [/^an exact bagged share or a range, not both: .+$/, 'an exact bagged share or a range, not both: leave baggedShare empty for a range, or the range for an exact share'],
  [/^needs a bagged share or a range \(the network has an exact share of (.+)\)$/, 'needs a bagged share or a range (the network has an exact share of {a})'],
  [/^needs a bagged share or a range \(the network has a range of (.+)–(.+)\)$/, 'needs a bagged share or a range (the network has a range of {a}–{b})'],
  [/^the body is not an \.xlsx workbook$/, 'the file is not an .xlsx workbook (or a part of it is damaged)'],
  [/^the workbook unpacks to more than (\d+) MB.*$/, 'the workbook unpacks to more than {a} MB (the service’s limit)'],
  [/^none of the sheets (.+) is in the workbook$/, 'none of the sheets {a} is in the workbook'],
];

/** The hints the reader adds after "needs a number": the header notes' words. */
const HINTS: Record<string, string> = {
  'type 0 for none': 'type 0 for none',
  '0 = no bagging': '0 = no bagging',
  'empty only where the network has none (then from the geometry)': 'empty only where the network has none (then from the geometry)',
};

/** A figure as the server wrote it (2500000, 0.5) in the page's style (2 500 000, 0,5); anything else as it is. */
function figure(text: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return localFigures(text);
  const digits = text.split('.')[1]?.length ?? 0;
  return formatNumber(Number(text), digits);
}

/** One problem's message in the page's language. */
export function workbookProblemText(message: string): string {
  for (const [pattern, key] of SENTENCES) {
    const m = pattern.exec(message);
    if (!m) continue;
    const [a = '', b = ''] = m.slice(1);
    if (key.startsWith('unknown {a} id')) return t(key, { a: t(a), b });
    if (key.startsWith('needs a number')) return t(key, { a: figure(a), b: HINTS[b] ? t(HINTS[b]) : b });
    if (key.startsWith('needs a bagged share')) return t(key, { a: figure(a), b: figure(b) });
    return t(key, { a, b });
  }
  return fieldMessage(message);
}

/** The summary of a refused upload: how many problems, and how many the list shows. */
export function workbookSummary(problemCount: number, shown: number): string {
  const summary = t('The workbook has {count} problem(s); nothing was stored.', { count: problemCount });
  return shown < problemCount ? `${summary} ${t('The first {shown} are listed.', { shown })}` : summary;
}
