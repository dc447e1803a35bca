/**
 * How many bytes a zip archive (an .xlsx workbook) unpacks to, found by unpacking it with a hard
 * ceiling: the sizes an archive declares can lie, so every entry is inflated by zlib with at most what
 * is left of `capBytes` as its output, and the count stops once over. A 1 MB archive can unpack to
 * about 1 GB (deflate's ratio is up to ~1,000:1); read whole by the workbook reader, such a "zip bomb"
 * held a CPU thread for over a minute and 1.3 GB of memory. Native zlib stops at the ceiling in a
 * fraction of a second.
 */
import { constants as bufferConstants } from 'node:buffer';
import { inflateRawSync } from 'node:zlib';

export type ZipSize =
  | { readonly ok: true; readonly bytes: number }
  | { readonly ok: false; readonly reason: 'not-a-zip' }
  | { readonly ok: false; readonly reason: 'over-cap'; readonly capBytes: number };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** The unpacked size of every entry of `zip`, or why it is not counted: not a zip it can read, or over `capBytes`. */
export function unpackedSize(zip: Uint8Array, capBytes: number): ZipSize {
  const data = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = findEndOfCentralDirectory(data);
  if (end < 0) return { ok: false, reason: 'not-a-zip' };
  const entries = data.readUInt16LE(end + 10);
  const directoryOffset = data.readUInt32LE(end + 16);
  let at = directoryOffset;
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== CENTRAL) return { ok: false, reason: 'not-a-zip' };
    const method = data.readUInt16LE(at + 10);
    const compressed = data.readUInt32LE(at + 20);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const localOffset = data.readUInt32LE(at + 42);
    at += 46 + nameLength + extraLength + commentLength;
    // ZIP64 sizes (0xFFFFFFFF) have no place in a workbook within the body limit.
    if (compressed === 0xffffffff || localOffset === 0xffffffff) return { ok: false, reason: 'not-a-zip' };
    if (localOffset + 30 > data.length || data.readUInt32LE(localOffset) !== LOCAL) return { ok: false, reason: 'not-a-zip' };
    const start = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
    if (start + compressed > data.length) return { ok: false, reason: 'not-a-zip' };
    const left = capBytes - total;
    if (method === STORED) {
      total += compressed;
    } else if (method === DEFLATED) {
      try {
        total += inflateRawSync(data.subarray(start, start + compressed), { maxOutputLength: Math.max(1, Math.min(left + 1, bufferConstants.MAX_LENGTH)) }).length;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { ok: false, reason: 'over-cap', capBytes };
        return { ok: false, reason: 'not-a-zip' };
      }
    } else {
      return { ok: false, reason: 'not-a-zip' };
    }
    if (total > capBytes) return { ok: false, reason: 'over-cap', capBytes };
  }
  return { ok: true, bytes: total };
}

/** Offset of the end-of-central-directory record (searched from the end, past a comment of up to 64 KB), or -1. */
function findEndOfCentralDirectory(data: Buffer): number {
  const lowest = Math.max(0, data.length - 22 - 0xffff);
  for (let i = data.length - 22; i >= lowest; i--) if (data.readUInt32LE(i) === EOCD) return i;
  return -1;
}
