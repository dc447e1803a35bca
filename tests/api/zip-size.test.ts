/**
 * Uploaded workbooks are unpacked with a ceiling before they are read: the unpacked size is the one
 * JSZip (the workbook reader's unzipper) finds, a workbook that unpacks past the ceiling is refused
 * with its reason, and anything that is not a zip is "not an .xlsx workbook".
 */
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { networkWorkbook, readNetworkWorkbook, WORKBOOK_MAX_UNPACKED_BYTES } from '../../server/api/views/network-workbook.ts';
import { unpackedSize } from '../../server/api/views/zip-size.ts';
import { bombWorkbook } from '../support/zip.ts';
import { loadRealModel } from './helpers.ts';

const MIB = 1024 * 1024;

/** What JSZip unpacks, every entry read and its CRC-32 checked. */
async function unpackedByJsZip(bytes: Buffer): Promise<number> {
  const zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
  let total = 0;
  for (const file of Object.values(zip.files)) if (!file.dir) total += (await file.async('uint8array')).length;
  return total;
}

describe('the unpacked size of a workbook', () => {
  it('is what JSZip unpacks, for the service’s own workbook and for a hand-zipped padded one', async () => {
    const network = (await loadRealModel()).loadDefaultNetwork();
    const own = Buffer.from(await networkWorkbook(network, 'default'));
    const padded = await bombWorkbook(12, 50);
    for (const bytes of [own, padded]) {
      const jszip = await unpackedByJsZip(bytes);
      expect(unpackedSize(bytes, Infinity)).toEqual({ ok: true, bytes: jszip });
      expect(unpackedSize(bytes, jszip)).toEqual({ ok: true, bytes: jszip });
      expect(unpackedSize(bytes, jszip - 1)).toEqual({ ok: false, reason: 'over-cap', capBytes: jszip - 1 });
    }
    expect(await unpackedByJsZip(padded)).toBeGreaterThan(12 * MIB);
  });

  it('a workbook under the ceiling is read as any other; past it, it is refused with the ceiling, before the reader sees it', async () => {
    const network = (await loadRealModel()).loadDefaultNetwork();
    // 8 MiB of padding: under the ceiling, so exceljs reads it: the Legs columns it lacks and the unknown leg ids are its problems.
    const under = await readNetworkWorkbook(await bombWorkbook(8, 3), network);
    expect(under.ok).toBe(false);
    if (!under.ok) expect(under.problems.map((p) => [p.sheet, p.row, p.column])).toEqual([['Legs', 1, 'usdPerTonneKm'], ['Legs', 2, 'id'], ['Legs', 3, 'id'], ['Legs', 4, 'id']]);
    const overBytes = await bombWorkbook(WORKBOOK_MAX_UNPACKED_BYTES / MIB + 1);
    const over = await readNetworkWorkbook(overBytes, network);
    expect(over).toEqual({ ok: false, problems: [{ sheet: null, row: null, column: null, message: expect.stringMatching(/unpacks to more than 32 MB \(the service's limit/) }] });
  });

  it('bytes that are not a zip, or a zip cut short, are not a workbook', async () => {
    const network = (await loadRealModel()).loadDefaultNetwork();
    const own = Buffer.from(await networkWorkbook(network, 'default'));
    const cases = [Buffer.from('not a zip at all'), Buffer.alloc(0), own.subarray(0, own.length - 30), own.subarray(0, Math.floor(own.length / 2))];
    // An end record pointing past the data: entries claimed but not there.
    const lying = Buffer.from(own);
    lying.writeUInt16LE(lying.readUInt16LE(lying.length - 12) + 5, lying.length - 12);
    cases.push(lying);
    for (const bytes of cases) {
      expect(unpackedSize(bytes, WORKBOOK_MAX_UNPACKED_BYTES)).toEqual({ ok: false, reason: 'not-a-zip' });
      expect(await readNetworkWorkbook(bytes, network)).toEqual({ ok: false, problems: [{ sheet: null, row: null, column: null, message: 'the body is not an .xlsx workbook' }] });
    }
  });
});
