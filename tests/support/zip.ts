/**
 * Workbooks that unpack to far more than they weigh ("zip bombs"), for the upload tests. A workbook
 * written by exceljs is taken apart with JSZip and zipped again by hand, its first sheet padded with
 * `paddingMiB` MiB of spaces between its rows and its end (still well-formed XML). The padding is one
 * MiB of spaces deflated once with a full flush and repeated, so a 1 GiB sheet is made in
 * milliseconds and about 1 KB per MiB; the entry's CRC-32 is the real one.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { constants, crc32, deflateRawSync } from 'node:zlib';

const MIB = 1024 * 1024;

interface Entry {
  readonly name: string;
  /** Raw deflate data. */
  readonly deflated: Buffer;
  readonly crc: number;
  readonly size: number;
}

/** A workbook (one sheet, "Legs", with `rows` rows of an unknown leg) whose sheet unpacks to `paddingMiB` MiB more. */
export async function bombWorkbook(paddingMiB: number, rows = 1): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Legs');
  ws.addRow(['id', 'distanceKm']);
  for (let i = 0; i < rows; i++) ws.addRow(['no-such-leg', 1]);
  const zip = await JSZip.loadAsync(Buffer.from(await wb.xlsx.writeBuffer()));
  const entries: Entry[] = [];
  for (const file of Object.values(zip.files)) {
    if (file.dir) continue;
    const data = await file.async('nodebuffer');
    if (file.name !== 'xl/worksheets/sheet1.xml') {
      entries.push({ name: file.name, deflated: deflateRawSync(data), crc: crc32(data), size: data.length });
      continue;
    }
    const cut = data.indexOf('</sheetData>');
    const head = data.subarray(0, cut);
    const tail = data.subarray(cut);
    const mib = Buffer.alloc(MIB, 0x20);
    const flushed = (b: Buffer) => deflateRawSync(b, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
    const parts = [flushed(head)];
    let crc = crc32(head);
    const padding = flushed(mib);
    for (let i = 0; i < paddingMiB; i++) {
      parts.push(padding);
      crc = crc32(mib, crc);
    }
    parts.push(deflateRawSync(tail));
    crc = crc32(tail, crc);
    entries.push({ name: file.name, deflated: Buffer.concat(parts), crc, size: head.length + paddingMiB * MIB + tail.length });
  }
  return zipOf(entries);
}

/** A zip archive of deflated entries (no ZIP64: every size under 4 GiB). */
function zipOf(entries: readonly Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflated
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.deflated.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.deflated.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.deflated);
    centrals.push(central, name);
    offset += local.length + name.length + e.deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
