/**
 * The network as an editable workbook and back: one sheet per entity kind (Plants, Markets with
 * their price tiers, Nodes, Legs without geometry, Suppliers), ids in the first column, one column
 * per editable figure with its unit in the header, and a README sheet. Reading an edited workbook
 * gives a scenario's per-id `overrides` (only the figures that differ from the network), or every
 * problem with its sheet, row and column; the same zod schema (`Overrides`) checks the bounds.
 */
import type ExcelJS from 'exceljs';
import { unpackedSize } from './zip-size.ts';
import { effectiveNetwork } from '../../core/scenario.ts';
import { Overrides, Scenario, type Leg, type Market, type Network, type Plant, type TransitNode } from '../../core/schema.ts';
import type { Supplier } from '../../core/market-schema.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One problem in an uploaded workbook, where a planner finds it in Excel (rows from 1, header = row 1). */
export interface WorkbookProblem {
  sheet: string | null;
  row: number | null;
  column: string | null;
  message: string;
}

type Kind = 'plants' | 'markets' | 'nodes' | 'legs' | 'suppliers';
type Path = (string | number)[];

/**
 * One editable figure: its header, the network's value, where it goes in the entity's override, and
 * what an empty cell means: `null` (an unlimited capacity, no lots), `required`, `skip` (allowed only
 * where the network has no figure either: a blank must never silently keep or cut one), `tier` (a
 * blank pair is no tier), `share` (an exact bagged share or a range; checked per row).
 */
interface Column<E> {
  header: string;
  value: (entity: E) => number | undefined;
  path: Path;
  empty: 'null' | 'skip' | 'required' | 'tier' | 'share';
  /** When false for an entity, its cell must stay empty (vessel figures on a leg without a vessel). */
  applies?: (entity: E) => boolean;
  /** Percent figures (dutyPct 10 = 10 %): a cell Excel formats as a percentage holds 0.1 for "10%", read as 10. */
  percent?: true;
  unitHint?: string;
}

interface SheetSpec<E extends { id: string }> {
  sheet: string;
  kind: Kind;
  entities: (network: Network) => readonly E[];
  /** Read-only columns after the id, for orientation. */
  info: { header: string; value: (entity: E) => string | number | boolean | undefined }[];
  columns: (network: Network) => Column<E>[];
}

const maxOf = (values: number[], floor: number) => Math.max(floor, ...values);

const PLANTS: SheetSpec<Plant> = {
  sheet: 'Plants',
  kind: 'plants',
  entities: (n) => n.plants,
  info: [{ header: 'name', value: (p) => p.name }],
  columns: (n) => [
    ...Array.from({ length: maxOf(n.plants.map((p) => p.capacityTonnesPerYearByPhase.length), 1) }, (_, i) => ({
      header: `capacityTonnesPerYearPhase${i + 1}`,
      value: (p: Plant) => p.capacityTonnesPerYearByPhase[i],
      path: ['capacityTonnesPerYearByPhase', i],
      empty: 'skip' as const,
      unitHint: 'type 0 for none',
    })),
    { header: 'variableCostUsdPerTonne', value: (p) => p.variableCostUsdPerTonne, path: ['variableCostUsdPerTonne'], empty: 'required' },
    { header: 'fixedCostUsdPerYear', value: (p) => p.fixedCostUsdPerYear, path: ['fixedCostUsdPerYear'], empty: 'required' },
    { header: 'holdingCostUsdPerTonnePerMonth', value: (p) => p.holdingCostUsdPerTonnePerMonth, path: ['holdingCostUsdPerTonnePerMonth'], empty: 'required' },
    { header: 'stockCapacityTonnes', value: (p) => p.stockCapacityTonnes, path: ['stockCapacityTonnes'], empty: 'required' },
    // The bagging line: a plant without one gets one when both figures are given.
    { header: 'packingCapacityTonnesPerYear', value: (p) => p.packing?.capacityTonnesPerYear, path: ['packingCapacityTonnesPerYear'], empty: 'skip', unitHint: '0 = no bagging' },
    { header: 'packingCostUsdPerTonne', value: (p) => p.packing?.costUsdPerTonne, path: ['packingCostUsdPerTonne'], empty: 'skip' },
  ],
};

const MARKETS: SheetSpec<Market> = {
  sheet: 'Markets',
  kind: 'markets',
  entities: (n) => n.markets,
  info: [
    { header: 'name', value: (m) => m.name },
    { header: 'country', value: (m) => m.country },
    { header: 'domestic', value: (m) => m.domestic },
  ],
  columns: (n) => [
    { header: 'dutyPct', value: (m) => m.dutyPct, path: ['dutyPct'], empty: 'required', percent: true },
    { header: 'dutyUsdPerTonne', value: (m) => m.dutyUsdPerTonne, path: ['dutyUsdPerTonne'], empty: 'required' },
    { header: 'minTonnesPerYear', value: (m) => m.minTonnesPerYear, path: ['minTonnesPerYear'], empty: 'required' },
    { header: 'growthPctPerYear', value: (m) => m.growthPctPerYear, path: ['growthPctPerYear'], empty: 'required', percent: true },
    { header: 'openFromPhase', value: (m) => m.openFromPhase, path: ['openFromPhase'], empty: 'required' },
    // Product forms: an exact bagged share, or the range the plan chooses within (either may replace the other).
    { header: 'baggedShare', value: (m) => m.baggedShare, path: ['baggedShare'], empty: 'share', unitHint: 'fraction 0..1' },
    { header: 'baggedShareMin', value: (m) => m.baggedShareRange?.min, path: ['baggedShareRange', 'min'], empty: 'share' },
    { header: 'baggedShareMax', value: (m) => m.baggedShareRange?.max, path: ['baggedShareRange', 'max'], empty: 'share' },
    { header: 'baggedPremiumUsdPerTonne', value: (m) => m.baggedPremiumUsdPerTonne, path: ['baggedPremiumUsdPerTonne'], empty: 'null', unitHint: 'empty = none' },
    // Tiers: a pair of columns per tier; a market may use fewer (empty pairs) or one more than it has.
    ...Array.from({ length: maxOf(n.markets.map((m) => m.tiers.length), 1) + 1 }, (_, i) => [
      { header: `tier${i + 1}TonnesPerYear`, value: (m: Market) => m.tiers[i]?.tonnesPerYear, path: ['tiers', i, 'tonnesPerYear'], empty: 'tier' as const },
      { header: `tier${i + 1}PriceUsdPerTonne`, value: (m: Market) => m.tiers[i]?.priceUsdPerTonne, path: ['tiers', i, 'priceUsdPerTonne'], empty: 'tier' as const },
    ]).flat(),
  ],
};

const NODES: SheetSpec<TransitNode> = {
  sheet: 'Nodes',
  kind: 'nodes',
  entities: (n) => n.nodes,
  info: [
    { header: 'name', value: (x) => x.name },
    { header: 'kind', value: (x) => x.kind },
  ],
  columns: () => [
    { header: 'throughputTonnesPerYear', value: (x) => x.throughputTonnesPerYear, path: ['throughputTonnesPerYear'], empty: 'null', unitHint: 'empty = unlimited' },
    { header: 'handlingUsdPerTonne', value: (x) => x.handlingUsdPerTonne, path: ['handlingUsdPerTonne'], empty: 'required' },
  ],
};

const hasVessel = (leg: Leg) => leg.vessel !== undefined;
const LEGS: SheetSpec<Leg> = {
  sheet: 'Legs',
  kind: 'legs',
  entities: (n) => n.legs,
  info: [
    { header: 'from', value: (l) => l.from },
    { header: 'to', value: (l) => l.to },
    { header: 'mode', value: (l) => l.mode },
  ],
  columns: () => [
    { header: 'distanceKm', value: (l) => l.distanceKm, path: ['distanceKm'], empty: 'skip', unitHint: 'empty only where the network has none (then from the geometry)' },
    { header: 'usdPerTonneKm', value: (l) => l.usdPerTonneKm, path: ['usdPerTonneKm'], empty: 'required' },
    { header: 'fixedUsdPerTonne', value: (l) => l.fixedUsdPerTonne, path: ['fixedUsdPerTonne'], empty: 'required' },
    { header: 'capacityTonnesPerYear', value: (l) => l.capacityTonnesPerYear, path: ['capacityTonnesPerYear'], empty: 'null', unitHint: 'empty = unlimited' },
    { header: 'co2KgPerTonneKm', value: (l) => l.co2KgPerTonneKm, path: ['co2KgPerTonneKm'], empty: 'required' },
    { header: 'lotTonnes', value: (l) => l.lotTonnes, path: ['lotTonnes'], empty: 'null', unitHint: 'empty = no lots' },
    { header: 'vesselLoadTonnes', value: (l) => l.vessel?.loadTonnes, path: ['vesselLoadTonnes'], empty: 'skip', applies: hasVessel },
    { header: 'voyageUsd', value: (l) => l.vessel?.voyageUsd, path: ['voyageUsd'], empty: 'skip', applies: hasVessel },
  ],
};

const SUPPLIERS: SheetSpec<Supplier> = {
  sheet: 'Suppliers',
  kind: 'suppliers',
  entities: (n) => n.suppliers,
  info: [
    { header: 'name', value: (s) => s.name },
    { header: 'kind', value: (s) => s.kind },
    { header: 'cashCostCurrency', value: (s) => s.cashCost.currency },
  ],
  columns: (n) => [
    { header: 'cashCostPerTonne', value: (s) => s.cashCost.value, path: ['cashCost', 'value'], empty: 'required' },
    { header: 'markupPct', value: (s) => s.markupPct, path: ['markupPct'], empty: 'required', percent: true },
    ...[...new Set(n.suppliers.flatMap((s) => Object.keys(s.capacityTonnesPerYear)))].sort().map((year) => ({
      header: `capacity${year}TonnesPerYear`,
      value: (s: Supplier) => s.capacityTonnesPerYear[year],
      path: ['capacityTonnesPerYear', year],
      empty: 'skip' as const,
    })),
  ],
};

// biome-ignore lint/suspicious/noExplicitAny: the specs differ only in their entity type
const SPECS: SheetSpec<any>[] = [PLANTS, MARKETS, NODES, LEGS, SUPPLIERS];

const README_LINES = [
  'Caspian export optimiser: the network as a workbook.',
  'Edit the figures in the columns after the grey ones (the unit is in the header), then upload the workbook (POST /api/v1/scenarios/from-workbook, or "Upload workbook" on the map page).',
  'The upload stores a new scenario whose overrides are the figures you changed; the network itself is not changed.',
  'Do not change ids (first column), sheet names or headers. Grey columns (names, from/to, mode, kind, currency) are for reading only.',
  'Empty throughput, leg capacity, lot and premium cells mean unlimited / none (see the note on each header). Other figures the network has need a number: type 0 for a plant or supplier capacity of none, or a bagging line of 0 t. Market tiers come in pairs (tonnes, price); an empty pair is no tier.',
  'A market has an exact bagged share (baggedShare) or a range the plan chooses within (baggedShareMin, baggedShareMax): fill one and leave the other empty.',
  'Percent columns (dutyPct, growthPctPerYear, markupPct) hold percent figures: 10 means 10 %. A cell formatted as a percentage in Excel ("10%") is read as 10 too.',
  'Do not merge cells in the sheets: each row needs its own figure.',
  'Every figure must be a number within the bounds of the scenario schema (for example ≥ 0); the upload lists every problem with its sheet, row and column and stores nothing until there are none.',
  'Scenario-wide settings (horizon, policy, freight and price multipliers) are not in the workbook: set them on the stored scenario.',
  'A workbook of a stored scenario (its id is in the fromScenario row above) uploaded with ?scenario=<that id> keeps that scenario: its settings, and what the workbook does not show (a supplier left out, closed months, per-id multipliers), with the figures you changed.',
  'If the scenario has changed since this workbook was made (the fromScenarioVersion row above is not its version any more), the upload is refused: download the workbook again and re-enter your changes.',
];

/** exceljs, loaded on the first workbook asked for: most server starts never need it (0.7 s of loading). */
const excel = async (): Promise<typeof ExcelJS> => (await import('exceljs')).default;

/**
 * The most an uploaded workbook may unpack to. A workbook within the 1 MB body limit unpacks to about
 * 14 times its size at most when it holds rows (120,000 rows: 0.99 MB, 13.7 MB unpacked); the one the
 * service writes for an 80,000-variable network is 0.23 MB and 1.1 MB unpacked.
 */
export const WORKBOOK_MAX_UNPACKED_BYTES = 32 * 1024 * 1024;

/** The README row a planner may edit to name the scenario the upload stores. */
const NAME_KEY = 'scenarioName';
/** The README row naming the stored scenario a workbook was made from (GET /network.xlsx?scenario=<id>). */
const FROM_KEY = 'fromScenario';
/** The README row with that scenario's version: an upload of a workbook of an older version is refused. */
const FROM_VERSION_KEY = 'fromScenarioVersion';

/**
 * What a stored scenario's workbook holds: its network (its own, or `defaultNetwork`) after its
 * per-id overrides only (the workbook has no place for the global multipliers), and its name.
 */
export function scenarioWorkbookNetwork(scenario: Scenario, defaultNetwork: Network): { network: Network; name: string } {
  const o = scenario.overrides;
  const perId = Scenario.parse({ name: scenario.name, overrides: { plants: o.plants, markets: o.markets, nodes: o.nodes, legs: o.legs, suppliers: o.suppliers } });
  return { network: effectiveNetwork(perId, scenario.network ?? defaultNetwork), name: `${scenario.name} (workbook)`.slice(0, 200) };
}

/** The network as a workbook (the figures as they are in `network`, e.g. after a scenario's per-id overrides). */
export async function networkWorkbook(network: Network, scenarioName: string, fromScenario?: { readonly id: string; readonly version: number }): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  wb.creator = 'Caspian export optimiser';
  const readme = wb.addWorksheet('README');
  readme.getColumn(1).width = 16;
  readme.getColumn(2).width = 120;
  readme.addRow([NAME_KEY, scenarioName]);
  if (fromScenario !== undefined) {
    readme.addRow([FROM_KEY, fromScenario.id]);
    readme.addRow([FROM_VERSION_KEY, fromScenario.version]);
  }
  readme.addRow([]);
  for (const line of README_LINES) readme.addRow(['', line]);
  readme.getRow(1).font = { bold: true };

  for (const spec of SPECS) {
    const entities = spec.entities(network);
    if (spec.kind === 'suppliers' && entities.length === 0) continue;
    const columns = spec.columns(network);
    const ws = wb.addWorksheet(spec.sheet, { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
    ws.addRow(['id', ...spec.info.map((c) => c.header), ...columns.map((c) => c.header)]);
    for (const entity of entities) {
      ws.addRow([entity.id, ...spec.info.map((c) => c.value(entity) ?? null), ...columns.map((c) => c.value(entity) ?? null)]);
    }
    ws.getRow(1).font = { bold: true };
    columns.forEach((c, i) => {
      if (c.unitHint) ws.getRow(1).getCell(spec.info.length + 2 + i).note = c.unitHint;
    });
    ws.getColumn(1).width = 28;
    for (let i = 0; i < spec.info.length; i++) {
      const col = ws.getColumn(i + 2);
      col.width = 18;
      col.eachCell((cell) => {
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE5E5E5' } };
      });
    }
    for (let i = 0; i < columns.length; i++) ws.getColumn(spec.info.length + 2 + i).width = Math.max(14, (columns[i]?.header.length ?? 0) + 2);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export type WorkbookOverrides = Pick<Overrides, Kind>;

export type WorkbookResult =
  | {
      ok: true;
      name: string | null;
      fromScenario: string | null;
      /** The version of `fromScenario` the workbook was made from; null when it does not say. */
      fromScenarioVersion: number | null;
      overrides: WorkbookOverrides;
    }
  | { ok: false; problems: WorkbookProblem[] };

/** Problems an answer lists (the count says how many there are in all). */
export const WORKBOOK_PROBLEMS_SHOWN = 200;

/** A read as it crosses from a pool thread: the first WORKBOOK_PROBLEMS_SHOWN problems and their count. */
export type WorkbookAnswer = (Extract<WorkbookResult, { ok: true }> & { scenario?: Scenario }) | { ok: false; problems: WorkbookProblem[]; problemCount: number };

/** Keeps the problems an answer lists: a workbook of 100,000 bad rows has as many problems to copy. */
export function workbookAnswer(result: WorkbookResult): WorkbookAnswer {
  return result.ok ? result : { ok: false, problems: result.problems.slice(0, WORKBOOK_PROBLEMS_SHOWN), problemCount: result.problems.length };
}

type Location = Omit<WorkbookProblem, 'message'>;

type CellRead = { kind: 'number'; value: number } | { kind: 'empty' } | { kind: 'text'; text: string };

/** What a formula cell holds when the file was written without its results (a program other than Excel). */
const FORMULA_WITHOUT_RESULT = 'a formula without a saved result: open and save the file in Excel';

/**
 * Excel's day 0: its dates are days since 1899-12-30, or since 1904-01-01 in a workbook set to the
 * 1904 date system; exceljs turns a date-formatted number into a Date from the workbook's own.
 */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const EXCEL_1904_EPOCH_MS = Date.UTC(1904, 0, 1);
let epochMs = EXCEL_EPOCH_MS;

/**
 * A cell's value as a number; `empty` for a blank cell; `text` for anything else, as the planner sees
 * it (a formula's error, a hyperlink's text). A number formatted as a date is the number it holds.
 */
function cellNumber(value: ExcelJS.CellValue): CellRead {
  if (value === null || value === undefined) return { kind: 'empty' };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '') return { kind: 'empty' };
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return { kind: 'number', value: Number(t) };
    return { kind: 'text', text: t };
  }
  if (value instanceof Date) return { kind: 'number', value: Math.round(((value.getTime() - epochMs) / 86_400_000) * 1e9) / 1e9 };
  if (typeof value === 'boolean') return { kind: 'text', text: value ? 'TRUE' : 'FALSE' };
  if (typeof value === 'object') {
    if ('error' in value) return { kind: 'text', text: String((value as { error: unknown }).error) };
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      if (result === undefined || result === null) return { kind: 'text', text: FORMULA_WITHOUT_RESULT };
      if (typeof result === 'object' && result !== null && 'error' in result) return { kind: 'text', text: `a formula giving ${String((result as { error: unknown }).error)}` };
      return cellNumber(result as ExcelJS.CellValue);
    }
    if ('richText' in value) return cellNumber(value.richText.map((r) => r.text).join(''));
    if ('text' in value) return cellNumber((value as { text: ExcelJS.CellValue }).text);
  }
  return { kind: 'text', text: String(value).slice(0, 40) };
}

/** A cell's text (a header, a name): rich text joined, numbers as written; null when blank. */
function cellText(value: ExcelJS.CellValue): string | null {
  const read = cellNumber(value);
  if (read.kind === 'empty') return null;
  return read.kind === 'text' ? read.text : String(read.value);
}

/** A figure of a percent column: "10%" in Excel is the number 0.1 shown as a percentage, and means 10. */
function percentAware(read: CellRead, cell: ExcelJS.Cell, column: { percent?: true }): CellRead {
  if (read.kind !== 'number' || !column.percent || !isPercentFormat(String(cell.numFmt ?? ''))) return read;
  return { kind: 'number', value: Number((read.value * 100).toPrecision(12)) };
}

/**
 * Whether a number format shows its number × 100 with a percent sign: a `%` outside quoted text
 * ("0.0 %" in quotes shows the number itself) and not escaped (`\%`, `_%`, `*%`).
 */
export function isPercentFormat(format: string): boolean {
  const bare = format.replace(/"[^"]*"/g, '').replace(/[\\_*]./g, '');
  return bare.includes('%');
}

/** Where a merged-away cell's figure came from: exceljs gives it the merge's top-left value. */
function mergedFrom(cell: ExcelJS.Cell): string | null {
  return cell.isMerged && cell.master && cell.master.address !== cell.address ? cell.master.address : null;
}

function setPath(target: Record<string, unknown>, path: Path, value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    const nextIsIndex = typeof path[i + 1] === 'number';
    node[key] ??= nextIsIndex ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1] as string | number] = value;
}

const keyOf = (path: readonly PropertyKey[]) => path.map(String).join('\u0000');

/** The override an entity would have if every workbook figure were given (the network's own figures). */
function fullOverride<E>(entity: E, columns: Column<E>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    if (c.applies && !c.applies(entity)) continue;
    const v = c.value(entity);
    if (v === undefined) {
      if (c.empty === 'null') setPath(out, c.path, null);
      continue;
    }
    setPath(out, c.path, v);
  }
  return out;
}

/**
 * A market's bagged share from its row: an exact share, or a range (both ends), or neither where the
 * network has neither. Either form may replace the other.
 */
function shareForm(
  market: Market,
  shares: Partial<Record<'baggedShare' | 'baggedShareMin' | 'baggedShareMax', number>>,
  override: Record<string, unknown>,
  at: { sheet: string; row: number },
  problems: WorkbookProblem[],
): void {
  const { baggedShare: exact, baggedShareMin: min, baggedShareMax: max } = shares;
  const range = min !== undefined || max !== undefined;
  if (exact !== undefined && range) {
    problems.push({ ...at, column: 'baggedShareMin', message: 'an exact bagged share or a range, not both: leave baggedShare empty for a range, or the range for an exact share' });
  } else if (range && (min === undefined || max === undefined)) {
    problems.push({ ...at, column: min === undefined ? 'baggedShareMin' : 'baggedShareMax', message: 'a range needs both its min and its max' });
  } else if (exact !== undefined) {
    override.baggedShare = exact;
  } else if (min !== undefined && max !== undefined) {
    override.baggedShareRange = { min, max };
  } else if (market.baggedShare !== undefined || market.baggedShareRange !== undefined) {
    const has = market.baggedShare !== undefined ? `an exact share of ${market.baggedShare}` : `a range of ${market.baggedShareRange?.min}–${market.baggedShareRange?.max}`;
    problems.push({ ...at, column: 'baggedShare', message: `needs a bagged share or a range (the network has ${has})` });
  }
}

/**
 * Reads an edited workbook against the network it was made from: the per-id overrides for every
 * figure that differs, or every problem (unknown ids, non-numbers, out-of-bound numbers).
 */
export async function readNetworkWorkbook(bytes: Buffer, network: Network, expect: { scenarioId?: string } = {}): Promise<WorkbookResult> {
  // Unpacked with a ceiling first: a small archive can unpack to a gigabyte (see zip-size.ts).
  const size = unpackedSize(bytes, WORKBOOK_MAX_UNPACKED_BYTES);
  if (!size.ok) {
    const message =
      size.reason === 'over-cap'
        ? `the workbook unpacks to more than ${WORKBOOK_MAX_UNPACKED_BYTES / 1024 / 1024} MB (the service's limit; a workbook of 120,000 rows unpacks to about 14 MB)`
        : 'the body is not an .xlsx workbook';
    return { ok: false, problems: [{ sheet: null, row: null, column: null, message }] };
  }
  const wb = new (await excel()).Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return { ok: false, problems: [{ sheet: null, row: null, column: null, message: 'the body is not an .xlsx workbook' }] };
  }
  epochMs = wb.properties?.date1904 ? EXCEL_1904_EPOCH_MS : EXCEL_EPOCH_MS;
  const problems: WorkbookProblem[] = [];
  const locations = new Map<string, Location>();
  const raw: Record<Kind, Record<string, Record<string, unknown>>> = { plants: {}, markets: {}, nodes: {}, legs: {}, suppliers: {} };
  const rowColumns = new Map<string, Column<unknown>[]>();

  let name: string | null = null;
  let fromScenario: string | null = null;
  let fromScenarioVersion: number | null = null;
  wb.getWorksheet('README')?.eachRow((row) => {
    const v = cellText(row.getCell(2).value);
    const key = cellText(row.getCell(1).value);
    if (key === NAME_KEY && v !== null && v.trim() !== '') name = v.trim().slice(0, 200);
    if (key === FROM_KEY && v !== null && v.trim() !== '') fromScenario = v.trim().slice(0, 100);
    if (key === FROM_VERSION_KEY && v !== null && /^\s*[1-9]\d{0,8}\s*$/.test(v)) fromScenarioVersion = Number(v.trim());
  });
  // A stored scenario's workbook holds that scenario's figures: read against another network, each
  // figure it changed would look like an edit, and what it cannot show would be lost.
  if ((fromScenario ?? undefined) !== expect.scenarioId) {
    const message =
      fromScenario === null
        ? `this workbook was not made from scenario ${expect.scenarioId}: download that scenario's workbook (GET /network.xlsx?scenario=${expect.scenarioId}), or upload this one without ?scenario`
        : expect.scenarioId === undefined
          ? `this workbook was made from scenario ${fromScenario}: upload it with ?scenario=${fromScenario} to keep that scenario, or delete the fromScenario row to read it against the default network`
          : `this workbook was made from scenario ${fromScenario}, not ${expect.scenarioId}: upload it with ?scenario=${fromScenario}, or download the workbook of ${expect.scenarioId}`;
    problems.push({ sheet: 'README', row: null, column: FROM_KEY, message });
  }

  let sheetsFound = 0;
  const specSheets = new Set(SPECS.map((spec) => spec.sheet));
  for (const ws of wb.worksheets) {
    // A renamed or copied sheet ("Markets (2)", "Рынки") would be read as no change at all.
    if (ws.name === 'README' || specSheets.has(ws.name) || cellText(ws.getRow(1).getCell(1).value) !== 'id') continue;
    problems.push({ sheet: ws.name, row: null, column: null, message: `unknown sheet "${ws.name.slice(0, 64)}": its figures would not be read; sheets keep their names (${SPECS.map((x) => x.sheet).join(', ')})` });
  }
  for (const spec of SPECS) {
    const ws = wb.getWorksheet(spec.sheet);
    if (!ws) continue;
    sheetsFound++;
    const byId = new Map(spec.entities(network).map((e: { id: string }) => [e.id, e]));
    const columns = spec.columns(network) as Column<unknown>[];
    const headerIndex = new Map<string, number>();
    const known = new Set(['id', ...spec.info.map((c) => c.header), ...columns.map((c) => c.header)]);
    ws.getRow(1).eachCell((cell, col) => {
      const header = cellText(cell.value)?.trim();
      if (header === undefined || header === '') return;
      if (!known.has(header)) {
        problems.push({ sheet: spec.sheet, row: 1, column: header.slice(0, 64), message: 'unknown column: its figures would not be read; keep the headers as downloaded' });
        return;
      }
      // A copied column: which of the two holds the planner's figures cannot be known.
      if (headerIndex.has(header)) {
        problems.push({ sheet: spec.sheet, row: 1, column: header, message: 'this column appears twice: keep one' });
        return;
      }
      headerIndex.set(header, col);
    });
    if (headerIndex.get('id') !== 1) {
      problems.push({ sheet: spec.sheet, row: 1, column: 'id', message: 'the first column must be "id"' });
      continue;
    }
    const missing = columns.filter((c) => !headerIndex.has(c.header)).map((c) => c.header);
    if (missing.length > 0) problems.push({ sheet: spec.sheet, row: 1, column: missing[0] ?? null, message: `column${missing.length > 1 ? 's' : ''} missing: ${missing.join(', ')}` });
    const seen = new Set<string>();
    ws.eachRow((row, rowNumber) => {
      if (rowNumber === 1) return;
      const idMerged = mergedFrom(row.getCell(1));
      if (idMerged) {
        problems.push({ sheet: spec.sheet, row: rowNumber, column: 'id', message: `merged with ${idMerged}: unmerge the cells and give each row its own figure` });
        return;
      }
      const idCell = cellNumber(row.getCell(1).value);
      const id = idCell.kind === 'text' ? idCell.text : idCell.kind === 'number' ? String(idCell.value) : null;
      const hasFigures = columns.some((c) => {
        const col = headerIndex.get(c.header);
        return col !== undefined && cellNumber(row.getCell(col).value).kind !== 'empty';
      });
      if (id === null) {
        if (hasFigures) problems.push({ sheet: spec.sheet, row: rowNumber, column: 'id', message: 'a row with figures needs an id' });
        return;
      }
      const entity = byId.get(id);
      if (!entity) {
        problems.push({ sheet: spec.sheet, row: rowNumber, column: 'id', message: `unknown ${spec.kind.replace(/s$/, '')} id "${id.slice(0, 64)}" (rows cannot add entities)` });
        return;
      }
      if (seen.has(id)) {
        problems.push({ sheet: spec.sheet, row: rowNumber, column: 'id', message: `"${id}" appears twice` });
        return;
      }
      seen.add(id);
      const override: Record<string, unknown> = {};
      const problemsBefore = problems.length;
      locations.set(keyOf([spec.kind, id]), { sheet: spec.sheet, row: rowNumber, column: 'id' });
      const shares: Partial<Record<'baggedShare' | 'baggedShareMin' | 'baggedShareMax', number>> = {};
      for (const c of columns) {
        const col = headerIndex.get(c.header);
        if (col === undefined) continue;
        const raw = row.getCell(col);
        const at = { sheet: spec.sheet, row: rowNumber, column: c.header };
        const merged = mergedFrom(raw);
        if (merged) {
          problems.push({ ...at, message: `merged with ${merged}: unmerge the cells and give each row its own figure` });
          continue;
        }
        const cell = percentAware(cellNumber(raw.value), raw, c);
        if (c.applies && !c.applies(entity)) {
          if (cell.kind !== 'empty') problems.push({ ...at, message: 'does not apply to this row: leave it empty' });
          continue;
        }
        if (cell.kind === 'text') {
          problems.push({ ...at, message: cell.text === FORMULA_WITHOUT_RESULT || cell.text.startsWith('a formula giving ') ? `must be a number, not ${cell.text}` : `must be a number, not "${cell.text.slice(0, 40)}"` });
          continue;
        }
        if (c.empty === 'share') {
          if (cell.kind === 'number') shares[c.header as keyof typeof shares] = cell.value;
          locations.set(keyOf([spec.kind, id, ...c.path]), at);
          continue;
        }
        if (cell.kind === 'empty') {
          const has = c.value(entity);
          if (c.empty === 'null') setPath(override, c.path, null);
          else if (c.empty === 'required' || (c.empty === 'skip' && has !== undefined)) {
            problems.push({ ...at, message: `needs a number (the network has ${has})${c.unitHint ? `; ${c.unitHint}` : ''}` });
          }
          continue;
        }
        setPath(override, c.path, cell.value);
        locations.set(keyOf([spec.kind, id, ...c.path]), at);
      }
      if (spec.kind === 'markets') shareForm(entity as Market, shares, override, { sheet: spec.sheet, row: rowNumber }, problems);
      // A row with a cell problem is reported as such, not again by the schema (holes in arrays).
      if (problems.length > problemsBefore) return;
      raw[spec.kind][id] = override;
      rowColumns.set(keyOf([spec.kind, id]), columns);
    });
  }
  if (sheetsFound === 0) {
    problems.push({ sheet: null, row: null, column: null, message: `none of the sheets ${SPECS.map((s) => s.sheet).join(', ')} is in the workbook` });
  }

  // Tiers come in pairs: compact them (an empty pair is no tier) and keep each figure's location.
  for (const [id, override] of Object.entries(raw.markets)) {
    const tiers = override.tiers as ({ tonnesPerYear?: number; priceUsdPerTonne?: number } | undefined)[] | undefined;
    const market = network.markets.find((m) => m.id === id);
    const moved: [number, number][] = [];
    const compact: { tonnesPerYear: number; priceUsdPerTonne: number; label?: string }[] = [];
    for (const [i, tier] of (tiers ?? []).entries()) {
      if (!tier) continue;
      const missing = tier.tonnesPerYear === undefined ? 'TonnesPerYear' : tier.priceUsdPerTonne === undefined ? 'PriceUsdPerTonne' : null;
      if (missing) {
        const at = locations.get(keyOf(['markets', id, 'tiers', i, missing === 'TonnesPerYear' ? 'priceUsdPerTonne' : 'tonnesPerYear']));
        problems.push({ sheet: 'Markets', row: at?.row ?? null, column: `tier${i + 1}${missing}`, message: 'a tier needs both its tonnes and its price' });
        continue;
      }
      moved.push([compact.length, i]);
      const label = market?.tiers[i]?.label;
      compact.push({ tonnesPerYear: tier.tonnesPerYear as number, priceUsdPerTonne: tier.priceUsdPerTonne as number, ...(label ? { label } : {}) });
    }
    const original = new Map([...locations].filter(([key]) => key.startsWith(keyOf(['markets', id, 'tiers', '']))));
    for (const key of original.keys()) locations.delete(key);
    for (const [k, i] of moved) {
      for (const field of ['tonnesPerYear', 'priceUsdPerTonne']) {
        const at = original.get(keyOf(['markets', id, 'tiers', i, field]));
        if (at) locations.set(keyOf(['markets', id, 'tiers', k, field]), at);
      }
    }
    if (compact.length === 0) {
      problems.push({ ...(locations.get(keyOf(['markets', id])) ?? { sheet: 'Markets', row: null, column: 'id' }), column: 'tier1PriceUsdPerTonne', message: 'a market needs at least one tier' });
    }
    if (tiers !== undefined || compact.length === 0) override.tiers = compact;
  }

  // Supplier figures that are only partly in the workbook keep the rest of the network's.
  for (const [id, override] of Object.entries(raw.suppliers)) {
    const supplier = network.suppliers.find((s) => s.id === id);
    if (!supplier) continue;
    if (override.cashCost) override.cashCost = { ...supplier.cashCost, ...(override.cashCost as object) };
    override.capacityTonnesPerYear = { ...supplier.capacityTonnesPerYear, ...((override.capacityTonnesPerYear as object) ?? {}) };
  }

  const parsed = Overrides.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      let at: Location | undefined;
      for (let n = path.length; n > 0 && !at; n--) at = locations.get(keyOf(path.slice(0, n)));
      problems.push({ ...(at ?? { sheet: null, row: null, column: null }), message: issue.message });
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  // Only the figures that differ from the network become overrides.
  const overrides: WorkbookOverrides = { plants: {}, markets: {}, nodes: {}, legs: {}, suppliers: {} };
  for (const spec of SPECS) {
    const kind = spec.kind as Kind;
    for (const [id, override] of Object.entries(raw[kind])) {
      const entity = spec.entities(network).find((e: { id: string }) => e.id === id);
      const base = fullOverride(entity, rowColumns.get(keyOf([kind, id])) ?? []);
      if (kind === 'markets') base.tiers = (entity as Market).tiers.map((t) => ({ ...t }));
      if (kind === 'suppliers') base.cashCost = (entity as Supplier).cashCost;
      const changed = Object.fromEntries(Object.entries(override).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(base[k])));
      if (Object.keys(changed).length > 0) (overrides[kind] as Record<string, unknown>)[id] = changed;
    }
  }
  return { ok: true, name, fromScenario, fromScenarioVersion, overrides };
}

/** To 12 significant digits: a figure put back through a multiplier (63.8 / 1.1) without binary noise. */
const decimal = (x: number) => Number(x.toPrecision(12));

/**
 * A stored scenario with the changes read from its own workbook (GET /network.xlsx?scenario=<id>):
 * its settings and per-id overrides are kept — what the workbook cannot show (a supplier left out,
 * closed months, seasonality, competitor-only markets, the per-id multipliers) stays as it was — and
 * each changed figure is put back through the per-id multiplier the workbook showed it after (a
 * market's price multiplier and shift, its demand multiplier; a supplier's capacity and cost
 * multipliers), so the multiplier keeps working in both market modes.
 */
export function scenarioWithWorkbookChanges(stored: Scenario, changes: WorkbookOverrides, name: string | null): Scenario {
  const o = structuredClone(stored.overrides);
  for (const kind of ['plants', 'nodes', 'legs'] as const) {
    const target = o[kind] as Record<string, Record<string, unknown>>;
    for (const [id, change] of Object.entries(changes[kind])) target[id] = { ...(target[id] ?? {}), ...change };
  }
  for (const [id, change] of Object.entries(changes.markets)) {
    const mo = o.markets[id] ?? {};
    const factor = mo.priceMultiplier ?? 1;
    const shift = mo.priceShiftUsdPerTonne ?? 0;
    const demand = mo.demandMultiplier ?? 1;
    const back = { ...change };
    if (back.tiers) {
      back.tiers = back.tiers.map((t) => ({
        ...t,
        priceUsdPerTonne: factor > 0 ? Math.max(0, decimal((t.priceUsdPerTonne - shift) / factor)) : t.priceUsdPerTonne,
        tonnesPerYear: demand > 0 ? decimal(t.tonnesPerYear / demand) : t.tonnesPerYear,
      }));
    }
    if (typeof back.baggedPremiumUsdPerTonne === 'number' && factor > 0) back.baggedPremiumUsdPerTonne = decimal(back.baggedPremiumUsdPerTonne / factor);
    o.markets[id] = { ...mo, ...back };
  }
  for (const [id, change] of Object.entries(changes.suppliers)) {
    const so = o.suppliers[id] ?? {};
    const capacity = so.capacityMultiplier ?? 1;
    const cost = so.cashCostMultiplier ?? 1;
    const back = { ...change };
    if (back.capacityTonnesPerYear && capacity > 0) {
      back.capacityTonnesPerYear = Object.fromEntries(Object.entries(back.capacityTonnesPerYear).map(([year, t]) => [year, decimal(t / capacity)]));
    }
    if (back.cashCost && cost > 0) back.cashCost = { ...back.cashCost, value: decimal(back.cashCost.value / cost) };
    o.suppliers[id] = { ...so, ...back };
  }
  return { ...stored, name: name ?? `${stored.name} (workbook)`.slice(0, 200), overrides: o };
}
