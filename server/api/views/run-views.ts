/**
 * The answers made from stored runs (the run itself, its flows as GeoJSON, its allocation as CSV, two
 * runs compared), from the runs' JSON text as the store keeps it. They run in the CPU pool: a large
 * run's plan is megabytes, and parsing, checking and serialising it took 0.1–0.4 s of the event loop
 * per request. Each answer is checked against its response schema here, as the route's serialiser
 * would, and comes back as UTF-8 bytes.
 */
import { allocationCsv } from '../../core/allocation-csv.ts';
import { FlowFeatureCollection, type Plan } from '../../core/plan-schema.ts';
import type { Scenario } from '../../core/schema.ts';
import type { RunJson, RunRecord } from '../../store/store.ts';
import { etagOfBytes, runResponse, type RunView } from '../run-responses.ts';
import { Comparison } from '../schemas.ts';
import { compareRuns } from './compare-runs.ts';

export type { RunView } from '../run-responses.ts';

/** An answer's bytes, with a strong ETag (a hash of the bytes) where the answer never changes. */
export interface ViewBytes {
  readonly bytes: Uint8Array;
  readonly etag: string | null;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

function parsedRun(run: RunJson): RunRecord {
  const { scenarioJson, planJson, ...summary } = run;
  return { ...summary, scenario: JSON.parse(text.decode(scenarioJson)) as Scenario, plan: JSON.parse(text.decode(planJson)) as Plan };
}

/** The buffers of the runs' bytes that can move to a thread (each the whole of its own buffer), for a task's transfer list. */
export function movableBuffers(...runs: RunJson[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const run of runs) {
    for (const bytes of [run.scenarioJson, run.planJson]) {
      if (bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) buffers.add(bytes.buffer);
    }
  }
  return [...buffers];
}

/** The bytes of one view of a stored run. */
export function runViewBytes(run: RunJson, view: RunView): ViewBytes {
  if (view === 'run' || view === 'run-light') {
    const entry = runResponse(parsedRun(run), view === 'run');
    // A copy with an ArrayBuffer of its own (a Buffer may sit in a shared slab), so it can be moved.
    return { bytes: new Uint8Array(entry.body), etag: entry.etag };
  }
  const plan = JSON.parse(text.decode(run.planJson)) as Plan;
  const bytes = utf8.encode(view === 'flows' ? JSON.stringify(FlowFeatureCollection.parse(plan.flows)) : allocationCsv(plan));
  return { bytes, etag: etagOfBytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
}

/** The bytes of two stored runs compared (b − a). */
export function comparisonBytes(a: RunJson, b: RunJson): ViewBytes {
  return { bytes: utf8.encode(JSON.stringify(Comparison.parse(compareRuns(parsedRun(a), parsedRun(b))))), etag: null };
}
