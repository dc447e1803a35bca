/**
 * Hostile input against the routes that tests/api/fuzz.test.ts does not reach with bodies of their
 * own: workbook uploads (random bytes, damaged workbooks, real workbooks with hostile cells), the
 * analysis jobs' routes with hostile ids, and the remaining GET routes with hostile query strings.
 * The service answers every one with a 2xx/4xx (never a 5xx) within PER_REQUEST_MS, and a refused
 * upload stores nothing.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { networkWorkbook } from '../../server/api/views/network-workbook.ts';
import { withNetwork } from '../../server/pool/networks.ts';
import { poolThreads, runTask, warmUpPool } from '../../server/pool/pool.ts';
import { until } from '../jobs/helpers.ts';
import { asPlanner, injectWithin, SCENARIO, testApp } from './helpers.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PER_REQUEST_MS = 5_000;
/** A backstop for a loaded machine; the per-request check is the hang test. */
const FUZZ_TEST_TIMEOUT_MS = 1_200_000;

let app: FastifyInstance;
let workbookBytes: Buffer;
let scenarioId: string;
let jobId: string;

const scenarioTotal = async () => (await app.inject({ method: 'GET', url: '/api/v1/scenarios', headers: asPlanner })).json().total as number;

/** Sends one request; fails on a 5xx or on no answer within PER_REQUEST_MS. */
async function answerNo5xx(options: InjectOptions): Promise<number> {
  const res = await injectWithin(app, options, PER_REQUEST_MS);
  if (res.statusCode >= 500) throw new Error(`${options.method} ${options.url} → ${res.statusCode} ${res.body.slice(0, 300)}`);
  expect(res.headers['content-type']).toBeDefined();
  return res.statusCode;
}

beforeAll(async () => {
  app = await testApp({ maxSolveMs: 2_000, publicRead: true });
  // The real workbook, as GET /network.xlsx writes it (tests/api/workbook.test.ts covers that route).
  // Written here and every pool thread made ready to read one, outside the app's 2 s limit: the limit
  // counts a task's whole time, and a thread's start and its first load of the workbook reader can
  // take longer than that on a busy machine (the task would then be stopped, and its thread with it).
  const network = loadDefaultNetwork();
  workbookBytes = Buffer.from(await networkWorkbook(network, 'From workbook'));
  await warmUpPool();
  await Promise.all(Array.from({ length: poolThreads() }, () => withNetwork(network, (ref) => runTask('workbook', { bytes: workbookBytes, network: ref }))));
  scenarioId = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id;
  // A finished job, so its id reaches the routes' own checks (status, CSV, events) too.
  const started = await app.inject({ method: 'POST', url: '/api/v1/analysis/montecarlo', headers: asPlanner, payload: { scenario: SCENARIO, draws: 20, seed: 7 } });
  expect(started.statusCode).toBe(202);
  jobId = started.json().jobId;
  // The back-test is worked out on its first request and kept (server/api/routes/api/v1/backtest.ts):
  // worked out here, so the GET routes' hostile queries meet the route, not a first computation
  // that a busy machine can make longer than PER_REQUEST_MS.
  expect((await app.inject({ method: 'GET', url: '/api/v1/backtest', headers: asPlanner })).statusCode).toBe(200);
  await until('the Monte Carlo job to finish', async () => (await app.inject({ method: 'GET', url: `/api/v1/analysis/jobs/${jobId}`, headers: asPlanner })).json().status === 'done');
});
afterAll(async () => {
  await app.close();
});

const hostileCell: fc.Arbitrary<ExcelJS.CellValue> = fc.oneof(
  fc.double(),
  fc.constantFrom(1e308, -1e308, -1, 0, 5e-324, Number.MAX_SAFE_INTEGER, 1e21),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('NaN', 'Infinity', '1e999', '=1/0', ' 12 ', '12,5', '\u0000', '\ud800', '__proto__', 'constructor', ''),
  fc.boolean(),
  fc.date({ noInvalidDate: true }),
  fc.constantFrom<ExcelJS.CellValue>(
    null,
    { formula: '1/0', result: 7 } as ExcelJS.CellFormulaValue,
    { error: '#DIV/0!' } as ExcelJS.CellErrorValue,
    { text: 'link', hyperlink: 'http://127.0.0.1/' } as ExcelJS.CellHyperlinkValue,
    { richText: [{ text: '12' }, { text: '00' }] } as ExcelJS.CellRichTextValue,
  ),
);

/** The real workbook with a few cells (ids, headers and figures alike) set to hostile values. */
async function withHostileCells(edits: { sheet: number; row: number; column: number; value: ExcelJS.CellValue }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(workbookBytes as unknown as ArrayBuffer);
  const sheets = wb.worksheets.filter((w) => w.name !== 'README');
  for (const edit of edits) {
    const ws = sheets[edit.sheet % sheets.length]!;
    ws.getRow(1 + (edit.row % (ws.rowCount + 2))).getCell(1 + (edit.column % (ws.columnCount + 1))).value = edit.value;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The real workbook's bytes damaged: cut short, bytes flipped, a range zeroed, or random bytes. */
const damagedBytes = fc.oneof(
  fc.nat().map((n) => workbookBytes.subarray(0, n % workbookBytes.length)),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 20 }).map((flips) => {
    const copy = Buffer.from(workbookBytes);
    for (const [at, bits] of flips) copy[at % copy.length] ^= bits;
    return copy;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 4096 })).map(([at, length]) => {
    const copy = Buffer.from(workbookBytes);
    copy.fill(0, at % copy.length, Math.min(copy.length, (at % copy.length) + length));
    return copy;
  }),
  fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)),
);

describe('fuzz: the routes beyond JSON bodies give no 5xx and no hang', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('POST /api/v1/scenarios/from-workbook with damaged bytes and odd content types: a refused upload stores nothing', async () => {
    const contentType = fc.oneof({ weight: 6, arbitrary: fc.constant(XLSX) }, { weight: 1, arbitrary: fc.constantFrom('application/json', 'application/zip', 'text/plain', 'application/octet-stream') });
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(damagedBytes, contentType, async (bytes, type) => {
        const before = await scenarioTotal();
        const status = await answerNo5xx({ method: 'POST', url: '/api/v1/scenarios/from-workbook', payload: bytes, headers: { ...asPlanner, 'content-type': type } });
        seen.add(status);
        // A flip in a part the reader does not use may still give a valid workbook: stored, once.
        expect(await scenarioTotal()).toBe(status === 201 ? before + 1 : before);
      }),
      { numRuns: 250 },
    );
    // Damaged workbooks were refused as such, and other content types as unsupported.
    expect(seen).toContain(415);
    expect([...seen].some((s) => s === 400 || s === 422)).toBe(true);
  });

  it('POST /api/v1/scenarios/from-workbook with hostile cells: a 201 or a 422 listing the problems, and a 422 stores nothing', async () => {
    const edit = fc.record({ sheet: fc.nat(), row: fc.nat(), column: fc.nat(), value: hostileCell });
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const payload = await withHostileCells(edits);
        const before = await scenarioTotal();
        const res = await injectWithin(app, { method: 'POST', url: '/api/v1/scenarios/from-workbook', payload, headers: { ...asPlanner, 'content-type': XLSX } }, PER_REQUEST_MS);
        if (res.statusCode >= 500) throw new Error(`from-workbook → ${res.statusCode} ${res.body.slice(0, 300)}\nedits: ${JSON.stringify(edits).slice(0, 300)}`);
        expect([201, 400, 422]).toContain(res.statusCode);
        if (res.statusCode === 201) {
          expect(await scenarioTotal()).toBe(before + 1);
          return;
        }
        expect(await scenarioTotal()).toBe(before);
        // On a busy machine the read may run past the app's 2 s limit: an honest 422 of its own
        // (`time_limit`, its work stopped), which stores nothing and lists no problems.
        if (res.statusCode === 422 && res.json().error.code === 'time_limit') return;
        refused++;
        if (res.statusCode === 422) {
          expect(res.json().error.code).toBe('unprocessable_model');
          expect(res.json().error.details.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 80 },
    );
    // Hostile cells mostly land on figures and ids the reader must refuse (time limits not counted).
    expect(refused).toBeGreaterThan(0);
  });

  it('the analysis jobs routes with hostile ids', async () => {
    const id = fc.oneof(fc.constant(jobId), fc.string({ maxLength: 120 }), fc.stringMatching(/^job_[a-z0-9]{0,30}$/), fc.constantFrom('__proto__', 'constructor', '..', '%00', ' '));
    const route = fc.constantFrom(
      (x: string) => ({ method: 'GET' as const, url: `/api/v1/analysis/jobs/${x}` }),
      (x: string) => ({ method: 'GET' as const, url: `/api/v1/analysis/jobs/${x}/result.csv` }),
      (x: string) => ({ method: 'GET' as const, url: `/api/v1/analysis/jobs/${x}/events` }),
      (x: string) => ({ method: 'DELETE' as const, url: `/api/v1/analysis/jobs/${x}` }),
    );
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(id, route, async (x, make) => {
        const { method, url } = make(encodeURIComponent(x));
        seen.add(await answerNo5xx({ method, url, headers: asPlanner }));
      }),
      { numRuns: 400 },
    );
    // Both the finished job (200) and unknown ids (404) were reached.
    expect(seen).toContain(200);
    expect(seen).toContain(404);
  });

  it('the other GET routes with hostile query strings', async () => {
    const queryValue = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('', '%00', '%ZZ', '-1', '1e999', scenarioId, `${scenarioId},x`, '__proto__'));
    const request = fc.tuple(
      fc.constantFrom('/api/v1/network.xlsx', '/api/v1/backtest', '/api/v1/session', '/ready', '/health', '/api/v1/network'),
      fc.dictionary(fc.constantFrom('scenario', 'market', 'from', 'to', 'year', 'limit', 'junk', '__proto__'), queryValue, { maxKeys: 3 }),
    );
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(request, async ([path, query]) => {
        const qs = new URLSearchParams(query).toString();
        seen.add(await answerNo5xx({ method: 'GET', url: qs ? `${path}?${qs}` : path, headers: asPlanner }));
      }),
      { numRuns: 300 },
    );
    expect(seen).toContain(200);
    expect(seen).toContain(400);
  });
});
