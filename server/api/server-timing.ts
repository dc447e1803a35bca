/**
 * The `Server-Timing` header of a solved plan (W3C Server Timing): where the server's time went, in
 * milliseconds, so a client (or a browser's network panel) can tell queueing from solving from
 * sending without access to the server.
 *
 *   wait       from handing the plan to the CPU pool to a thread starting it (queue, copy, wake-up)
 *   plan       the pipeline in the thread: check, model build, solves, read-out, the rule's second solve
 *   build      of which the model build
 *   solve      of which the first solve
 *   serialise  the plan checked against its schema, JSON and UTF-8, in the thread
 *   return     from the thread's answer to the event loop taking it up
 *   store      writing the run and its response (POST /scenarios/:id/runs only)
 *   total      from the request's arrival to the response being handed to the socket
 */
import type { PooledTiming } from '../optimise.ts';

const DESCRIPTIONS = {
  wait: 'queue and hand-off to a pool thread',
  plan: 'check, model, solves, read-out',
  build: 'model build',
  solve: 'first solve',
  serialise: 'schema check, JSON, UTF-8',
  return: 'hand-back to the event loop',
  store: 'run written and serialised',
  total: 'server',
} as const;

export type TimingName = keyof typeof DESCRIPTIONS;

/** `name;dur=1.234;desc="…"` entries, in the order given; durations to the microsecond. */
export function serverTiming(entries: readonly (readonly [TimingName, number])[]): string {
  return entries
    .filter(([, ms]) => Number.isFinite(ms))
    .map(([name, ms]) => `${name};dur=${Math.max(0, ms).toFixed(3)};desc="${DESCRIPTIONS[name]}"`)
    .join(', ');
}

/** The entries of a pooled plan's timing, `total` last (`totalMs`: the request's time so far). */
export function planTimingEntries(timing: PooledTiming, totalMs: number, storeMs?: number): [TimingName, number][] {
  const entries: [TimingName, number][] = [
    ['wait', timing.waitMs],
    ['plan', timing.pipelineMs],
    ['build', timing.buildMs],
    ['solve', timing.solveMs],
    ['serialise', timing.serialiseMs],
    ['return', timing.returnMs],
  ];
  if (storeMs !== undefined) entries.push(['store', storeMs]);
  entries.push(['total', totalMs]);
  return entries;
}

/** A `Server-Timing` header read back: metric name → duration in ms (clients, tests, benchmarks). */
export function parseServerTiming(header: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of header.split(',')) {
    const [name, ...params] = entry.trim().split(';');
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='));
    if (name && dur) out.set(name.trim(), Number(dur.slice(4)));
  }
  return out;
}
