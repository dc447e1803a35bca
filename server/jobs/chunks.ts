/**
 * How a job is cut into chunks, what a chunk's result looks like in the database, and how the
 * job's result is put together from all of them.
 *
 * A sweep's chunk is a run of consecutive grid points; a Monte Carlo chunk is a run of consecutive
 * draws. Draw i is seeded from (seed, i) only and a sweep point is one deterministic solve, so any
 * worker can compute any chunk and the assembled result is the same as the in-process one: Monte
 * Carlo figures are summarised from all draws in draw order, sweep rows are kept in grid order.
 */
import { emptyTable, type DrawTable, type FastModel, type MonteCarloRequest } from '../analysis/montecarlo.ts';
import { sweepResult, sweepSize, type SweepRequest, type SweepResult, type SweepRow } from '../analysis/sweep.ts';
import type { JobSpec } from './queue.ts';

export interface ChunkSizes {
  /** Draws per Monte Carlo chunk; default: about 64 chunks, 50 to 2,000 draws each. */
  readonly draws?: number;
  /** Grid points per sweep chunk; default: about 100 chunks, 1 to 10 points each. */
  readonly points?: number;
}

export interface ChunkLayout {
  /** Units of work in the job: grid points or draws. */
  readonly total: number;
  /** Units per chunk (the last chunk may be shorter). */
  readonly size: number;
  readonly count: number;
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

export function chunkLayout(spec: JobSpec, sizes: ChunkSizes = {}): ChunkLayout {
  const total = spec.kind === 'sweep' ? sweepSize(spec.request) : spec.request.draws;
  const size =
    spec.kind === 'sweep'
      ? Math.max(1, Math.floor(sizes.points ?? clamp(Math.ceil(total / 100), 1, 10)))
      : Math.max(1, Math.floor(sizes.draws ?? clamp(Math.ceil(total / 64), 50, 2000)));
  return { total, size, count: Math.max(1, Math.ceil(total / size)) };
}

/** Units [from, to) of chunk `index`. */
export function chunkRange(layout: Pick<ChunkLayout, 'total' | 'size'>, index: number): { from: number; to: number } {
  const from = index * layout.size;
  return { from, to: Math.min(layout.total, from + layout.size) };
}

const FLOATS = ['margin', 'exportTonnes', 'domesticTonnes', 'domesticShare'] as const;
const BYTES = ['ruleBinds', 'status'] as const;

/**
 * A chunk's per-draw figures as bytes (little-endian doubles, NaN kept): exact, compact, and the
 * same on every machine. Layout: 4 × n doubles, then ruleBinds, status (n bytes each), served (n × markets).
 */
export function encodeDraws(table: DrawTable): Buffer {
  const n = table.margin.length;
  const buf = Buffer.alloc(n * 8 * FLOATS.length + n * BYTES.length + table.served.length);
  let at = 0;
  for (const k of FLOATS) for (let i = 0; i < n; i++, at += 8) buf.writeDoubleLE(table[k][i], at);
  for (const k of BYTES) {
    buf.set(table[k], at);
    at += n;
  }
  buf.set(table.served, at);
  return buf;
}

/** Copies an encoded chunk of `n` draws into `table` from draw `offset` on. */
export function decodeDrawsInto(buf: Buffer, n: number, markets: number, table: DrawTable, offset: number): void {
  if (buf.length !== n * (8 * FLOATS.length + BYTES.length + markets)) throw new Error(`a chunk of ${n} draws has ${buf.length} bytes`);
  let at = 0;
  for (const k of FLOATS) for (let i = 0; i < n; i++, at += 8) table[k][offset + i] = buf.readDoubleLE(at);
  for (const k of BYTES) {
    table[k].set(buf.subarray(at, at + n), offset);
    at += n;
  }
  table.served.set(buf.subarray(at, at + n * markets), offset * markets);
}

/** The Monte Carlo per-draw table from every chunk's bytes, chunk 0 first (summarised by the caller). */
export function assembleMonteCarloTable(request: MonteCarloRequest, markets: FastModel['markets'], chunks: readonly Buffer[], layout: Pick<ChunkLayout, 'total' | 'size'>): DrawTable {
  const M = markets.length;
  const table = emptyTable(request.draws, M);
  chunks.forEach((buf, index) => {
    const { from, to } = chunkRange(layout, index);
    decodeDrawsInto(buf, to - from, M, table, from);
  });
  return table;
}

/** The sweep result from every chunk's rows, chunk 0 first. */
export function assembleSweep(request: SweepRequest, chunks: readonly SweepRow[][]): SweepResult {
  return sweepResult(request, chunks.flat());
}
