/**
 * An uploaded workbook's problems in Russian: every sentence the reader writes, got from the reader
 * itself with a workbook broken in each way, is put into Russian words, names and figures kept.
 */
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { networkWorkbook, readNetworkWorkbook } from '../../server/api/views/network-workbook.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { workbookProblemText, workbookSummary } from '../../web/src/lib/workbook-problem.ts';
import { cellOf } from '../support/workbook-cells.ts';

afterEach(() => {
  setLocale('en');
});

const network = loadDefaultNetwork();

async function problemsOf(edit: (wb: ExcelJS.Workbook) => void): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await networkWorkbook(network, 'x')) as unknown as ArrayBuffer);
  edit(wb);
  const result = await readNetworkWorkbook(Buffer.from(await wb.xlsx.writeBuffer()), network);
  if (result.ok) throw new Error('expected problems');
  return result.problems.map((p) => p.message);
}

describe('workbook problems in the page language', () => {
  it('every sentence the reader writes for a broken workbook is in Russian, with its names and figures kept', async () => {
    const messages = [
      ...(await problemsOf((wb) => {
        cellOf(wb, 'Markets', 'aktobe', 'tier1PriceUsdPerTonne').value = '45,5';
        cellOf(wb, 'Markets', 'atyrau', 'dutyPct').value = null;
        cellOf(wb, 'Plants', 'plant_baiganin', 'capacityTonnesPerYearPhase2').value = null;
        cellOf(wb, 'Markets', 'uralsk', 'tier2TonnesPerYear').value = null;
        cellOf(wb, 'Markets', 'aktobe', 'baggedShareMin').value = 0.2;
        cellOf(wb, 'Markets', 'aktau', 'baggedShare').value = null;
        cellOf(wb, 'Legs', 'rail_plant_kandyagash', 'usdPerTonneKm').value = -1;
        const nodes = wb.getWorksheet('Nodes')!;
        nodes.getRow(2).getCell(1).value = 'no_such_node';
        nodes.getRow(3).getCell(1).value = String(nodes.getRow(4).getCell(1).value);
        const legs = wb.getWorksheet('Legs')!;
        legs.mergeCells('E2:E3');
        legs.getRow(1).getCell(legs.getRow(1).cellCount + 1).value = 'Примечание';
        legs.addRow([null, null, null, null, 5]);
        const copy = wb.addWorksheet('Markets (2)');
        copy.addRow(['id', 'dutyPct']);
      })),
      ...(await problemsOf((wb) => {
        cellOf(wb, 'Markets', 'aktau', 'baggedShare').value = null;
        cellOf(wb, 'Markets', 'aktau', 'baggedShareMax').value = 0.5;
      })),
    ];
    expect(messages.length).toBeGreaterThan(10);
    setLocale('ru');
    for (const message of messages) {
      const ru = workbookProblemText(message);
      expect(ru, message).not.toBe(message);
      expect(ru, message).toMatch(/[А-Яа-яЁё]{3}/);
    }
    // Names and figures as the workbook has them, figures in the page's style.
    const ru = messages.map(workbookProblemText);
    expect(ru).toContainEqual(expect.stringContaining('не текстом «45,5»: введите его как число'));
    expect(ru).toContainEqual(expect.stringContaining('неизвестный id (узел) «no_such_node»'));
    expect(ru).toContainEqual(expect.stringContaining('неизвестный лист «Markets (2)»'));
    expect(ru).toContainEqual('нужна доля в мешках или диапазон (в сети точная доля 0,5)');
    expect(ru).toContainEqual(expect.stringMatching(/^нужно число \(в сети 2\s500\s000\); для «нет» введите 0$/u));
  });

  it('says how many problems there are and that the list holds the first 200', () => {
    setLocale('ru');
    expect(workbookSummary(20_000, 200)).toBe('В книге проблем: 20000; ничего не сохранено. Показаны первые 200.');
    expect(workbookSummary(3, 3)).toBe('В книге проблем: 3; ничего не сохранено.');
    setLocale('en');
    expect(workbookSummary(1, 1)).toBe('The workbook has 1 problem(s); nothing was stored.');
  });
});
