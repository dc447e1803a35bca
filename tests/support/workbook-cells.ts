/** A network workbook's cell by its row id and column header, as a planner finds it in Excel. */
import type ExcelJS from 'exceljs';

export function cellOf(wb: ExcelJS.Workbook, sheet: string, id: string, header: string): ExcelJS.Cell {
  const ws = wb.getWorksheet(sheet);
  if (!ws) throw new Error(`no sheet ${sheet}`);
  let col = 0;
  ws.getRow(1).eachCell((cell, c) => {
    if (cell.value === header) col = c;
  });
  let row = 0;
  ws.eachRow((r, n) => {
    if (r.getCell(1).value === id) row = n;
  });
  if (!col || !row) throw new Error(`no ${id} / ${header} in ${sheet}`);
  return ws.getRow(row).getCell(col);
}
