/**
 * The scenario workbook round trip, through the app: download the network as a workbook, edit it
 * with exceljs, upload it, and the stored scenario's plan shows the edit; a broken workbook gets
 * every problem with its sheet, row and column, and nothing is stored.
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPlanner, asViewer, testApp } from './helpers.ts';
import { cellOf } from '../support/workbook-cells.ts';
import { Scenario } from '../../server/core/schema.ts';
import { effectiveNetwork } from '../../server/core/scenario.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.close();
});

async function download(url = '/api/v1/network.xlsx'): Promise<ExcelJS.Workbook> {
  const res = await app.inject({ method: 'GET', url, headers: asPlanner });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain(XLSX);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return wb;
}

const upload = async (wb: ExcelJS.Workbook, headers: Record<string, string> = asPlanner) =>
  app.inject({ method: 'POST', url: '/api/v1/scenarios/from-workbook', payload: Buffer.from(await wb.xlsx.writeBuffer()), headers: { ...headers, 'content-type': XLSX } });

const scenarioCount = async () => (await app.inject({ method: 'GET', url: '/api/v1/scenarios?limit=100', headers: asPlanner })).json().items.length;

describe('GET /api/v1/network.xlsx', () => {
  it('has a README and one sheet per entity kind, ids first, units in the headers', async () => {
    const wb = await download();
    expect(wb.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['README', 'Plants', 'Markets', 'Nodes', 'Legs']));
    const legs = wb.getWorksheet('Legs');
    expect(legs?.getRow(1).getCell(1).value).toBe('id');
    expect(legs?.getRow(1).values).toEqual(expect.arrayContaining(['usdPerTonneKm', 'fixedUsdPerTonne', 'capacityTonnesPerYear']));
    expect(cellOf(wb, 'Markets', 'turkmenbashi', 'tier1PriceUsdPerTonne').value).toBe(50);
    expect(cellOf(wb, 'Plants', 'plant_baiganin', 'capacityTonnesPerYearPhase1').value).toBe(1_300_000);
  });

  it('a viewer key may download; an unknown scenario is 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/network.xlsx', headers: asViewer })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/network.xlsx?scenario=sc_nope', headers: asPlanner })).statusCode).toBe(404);
  });
});

describe('POST /api/v1/scenarios/from-workbook', () => {
  it('an edited price and capacity become a stored scenario whose plan shows them', async () => {
    const wb = await download();
    // Baku's price, in both its tiers (so the plan's volume-weighted price is the edited one).
    cellOf(wb, 'Markets', 'baku_alat', 'tier1PriceUsdPerTonne').value = 200;
    cellOf(wb, 'Markets', 'baku_alat', 'tier2PriceUsdPerTonne').value = 200;
    cellOf(wb, 'Plants', 'plant_baiganin', 'capacityTonnesPerYearPhase1').value = 1_000_000;
    const res = await upload(wb);
    expect(res.statusCode, res.body).toBe(201);
    const record = res.json();
    expect(res.headers.location).toBe(`/api/v1/scenarios/${record.id}`);
    // Only the edited figures are overrides.
    expect(record.scenario.overrides.markets).toEqual({
      baku_alat: { tiers: [expect.objectContaining({ tonnesPerYear: 50_000, priceUsdPerTonne: 200 }), expect.objectContaining({ tonnesPerYear: 100_000, priceUsdPerTonne: 200 })] },
    });
    expect(record.scenario.overrides.plants).toEqual({ plant_baiganin: { capacityTonnesPerYearByPhase: [1_000_000, 2_500_000] } });
    expect(record.scenario.overrides.legs).toEqual({});

    const plan = (await app.inject({ method: 'POST', url: '/api/v1/optimise', payload: record.scenario, headers: asPlanner })).json();
    expect(plan.status).toBe('optimal');
    const market = plan.markets.find((m: { id: string }) => m.id === 'baku_alat');
    expect(market.priceUsdPerTonne).toBeCloseTo(200, 6);
    expect(market.tonnes).toBeGreaterThan(0);
    expect(plan.kpis.productionTonnes).toBeLessThanOrEqual(1_000_000 + 1e-6);

    // The scenario's workbook shows its figures.
    const again = await download(`/api/v1/network.xlsx?scenario=${record.id}`);
    expect(cellOf(again, 'Markets', 'baku_alat', 'tier2PriceUsdPerTonne').value).toBe(200);
    expect(cellOf(again, 'Plants', 'plant_baiganin', 'capacityTonnesPerYearPhase1').value).toBe(1_000_000);
  });

  it("a stored scenario with a network of its own: that network after the scenario's per-id overrides, under the scenario's name", async () => {
    const network = (await app.inject({ method: 'GET', url: '/api/v1/network', headers: asPlanner })).json();
    const markets = network.markets.map((m: { id: string; tiers: { priceUsdPerTonne: number }[] }) =>
      m.id === 'turkmenbashi' ? { ...m, tiers: m.tiers.map((t) => ({ ...t, priceUsdPerTonne: 61 })) } : m,
    );
    const scenario = { name: 'Own network', network: { ...network, markets }, overrides: { plants: { plant_baiganin: { capacityTonnesPerYearByPhase: [1_100_000, 2_500_000] } } } };
    const stored = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: scenario });
    expect(stored.statusCode, stored.body).toBe(201);
    const wb = await download(`/api/v1/network.xlsx?scenario=${stored.json().id}`);
    expect(cellOf(wb, 'Markets', 'turkmenbashi', 'tier1PriceUsdPerTonne').value).toBe(61);
    expect(cellOf(wb, 'Plants', 'plant_baiganin', 'capacityTonnesPerYearPhase1').value).toBe(1_100_000);
    expect(wb.getWorksheet('README')?.getRow(1).getCell(2).value).toBe('Own network (workbook)');
    // the default network's workbook is as it was
    expect(cellOf(await download(), 'Markets', 'turkmenbashi', 'tier1PriceUsdPerTonne').value).toBe(50);
  });

  it('an unchanged workbook is a scenario without overrides; supplier edits become supplier overrides', async () => {
    const unchanged = await upload(await download());
    expect(unchanged.statusCode).toBe(201);
    const o = unchanged.json().scenario.overrides;
    expect([o.plants, o.markets, o.nodes, o.legs, o.suppliers]).toEqual([{}, {}, {}, {}, {}]);

    const wb = await download();
    const suppliers = wb.getWorksheet('Suppliers');
    if (!suppliers) throw new Error('no Suppliers sheet');
    const id = suppliers.getRow(2).getCell(1).value as string;
    const yearHeader = (suppliers.getRow(1).values as unknown[]).find((v) => typeof v === 'string' && /^capacity\d{4}TonnesPerYear$/.test(v)) as string;
    cellOf(wb, 'Suppliers', id, 'cashCostPerTonne').value = 33;
    cellOf(wb, 'Suppliers', id, yearHeader).value = 123_456;
    const readme = wb.getWorksheet('README');
    if (readme) readme.getRow(1).getCell(2).value = 'Cheaper competitor';
    // Read against the default network, competitor figures make a price-taker scenario no run could
    // plan: refused, with the way to change competitors (a stored clearing scenario's workbook).
    const refused = await upload(wb);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.message).toMatch(/download the workbook of a stored market-clearing scenario/);
    expect(refused.json().error.details).toContainEqual({ sheet: null, row: null, column: null, message: expect.stringMatching(new RegExp(`^overrides\\.suppliers\\.${id}: a competitor's override is a setting of the market-clearing mode`)) });
    const clearing = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', payload: { name: 'Cleared', market: 'clearing' }, headers: asPlanner })).json().id as string;
    const ofClearing = await download(`/api/v1/network.xlsx?scenario=${clearing}`);
    cellOf(ofClearing, 'Suppliers', id, 'cashCostPerTonne').value = 33;
    cellOf(ofClearing, 'Suppliers', id, yearHeader).value = 123_456;
    ofClearing.getWorksheet('README')!.getRow(1).getCell(2).value = 'Cheaper competitor';
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/scenarios/from-workbook?scenario=${clearing}`,
      payload: Buffer.from(await ofClearing.xlsx.writeBuffer()),
      headers: { ...asPlanner, 'content-type': XLSX },
    });
    expect(res.statusCode, res.body).toBe(201);
    const record = res.json();
    expect(record.scenario.market).toBe('clearing');
    expect(record.scenario.name).toBe('Cheaper competitor');
    const year = yearHeader.slice('capacity'.length, 'capacity'.length + 4);
    expect(record.scenario.overrides.suppliers[id].cashCost.value).toBe(33);
    expect(record.scenario.overrides.suppliers[id].capacityTonnesPerYear[year]).toBe(123_456);
    expect(Object.keys(record.scenario.overrides.suppliers)).toEqual([id]);
  });

  it('bagging figures by id: an exact share, a premium and the packing line become overrides; a range cell on an exact-share row is refused', async () => {
    const wb = await download();
    expect(cellOf(wb, 'Markets', 'aktobe', 'baggedShare').value).toBe(0.5);
    expect(cellOf(wb, 'Markets', 'aktobe', 'baggedPremiumUsdPerTonne').value).toBeNull();
    cellOf(wb, 'Markets', 'aktobe', 'baggedShare').value = 0.6;
    cellOf(wb, 'Markets', 'aktobe', 'baggedPremiumUsdPerTonne').value = 8;
    cellOf(wb, 'Plants', 'plant_baiganin', 'packingCapacityTonnesPerYear').value = 900_000;
    const res = await upload(wb);
    expect(res.statusCode, res.body).toBe(201);
    const o = res.json().scenario.overrides;
    expect(o.markets).toEqual({ aktobe: { baggedShare: 0.6, baggedPremiumUsdPerTonne: 8 } });
    expect(o.plants).toEqual({ plant_baiganin: { packingCapacityTonnesPerYear: 900_000 } });

    const wrong = await download();
    const cell = cellOf(wrong, 'Markets', 'aktobe', 'baggedShareMin');
    cell.value = 0.2;
    const refused = await upload(wrong);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details).toEqual([{ sheet: 'Markets', row: Number(cell.row), column: 'baggedShareMin', message: expect.stringContaining('not both') }]);
  });

  it('a market switches from an exact bagged share to a range when baggedShare is emptied and both ends are given', async () => {
    const wb = await download();
    cellOf(wb, 'Markets', 'aktobe', 'baggedShare').value = null;
    cellOf(wb, 'Markets', 'aktobe', 'baggedShareMin').value = 0.3;
    cellOf(wb, 'Markets', 'aktobe', 'baggedShareMax').value = 0.7;
    const res = await upload(wb);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().scenario.overrides.markets).toEqual({ aktobe: { baggedShareRange: { min: 0.3, max: 0.7 } } });
    const half = await download();
    cellOf(half, 'Markets', 'aktobe', 'baggedShare').value = null;
    const only = cellOf(half, 'Markets', 'aktobe', 'baggedShareMax');
    only.value = 0.7;
    const refused = await upload(half);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details).toEqual([{ sheet: 'Markets', row: Number(only.row), column: 'baggedShareMin', message: 'a range needs both its min and its max' }]);
  });

  it('a percent column formatted as a percentage in Excel reads "10%" as 10, and a fraction column keeps its fraction', async () => {
    const wb = await download();
    const duty = cellOf(wb, 'Markets', 'astrakhan', 'dutyPct');
    duty.value = 0.1;
    duty.numFmt = '0%';
    const growth = cellOf(wb, 'Markets', 'atyrau', 'growthPctPerYear');
    growth.value = 0.07;
    growth.numFmt = '0.0%';
    const share = cellOf(wb, 'Markets', 'aktobe', 'baggedShare');
    share.value = 0.6;
    share.numFmt = '0%';
    const res = await upload(wb);
    expect(res.statusCode, res.body).toBe(201);
    const markets = res.json().scenario.overrides.markets;
    expect(markets.astrakhan).toEqual({ dutyPct: 10 });
    expect(markets.atyrau).toEqual({ growthPctPerYear: 7 });
    expect(markets.aktobe).toEqual({ baggedShare: 0.6 });
  });

  it('refuses merged cells instead of giving the merged-away cell its neighbour\'s figure', async () => {
    const wb = await download();
    const top = cellOf(wb, 'Markets', 'aktobe', 'tier1TonnesPerYear');
    const below = wb.getWorksheet('Markets')!.getRow(Number(top.row) + 1).getCell(Number(top.col));
    wb.getWorksheet('Markets')!.mergeCells(`${top.address}:${below.address}`);
    const res = await upload(wb);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toContainEqual({ sheet: 'Markets', row: Number(below.row), column: 'tier1TonnesPerYear', message: expect.stringContaining(`merged with ${top.address}`) });
  });

  it('a renamed sheet, a renamed header or a missing column is a problem, never a scenario without the edits', async () => {
    const renamed = await download();
    cellOf(renamed, 'Markets', 'aktobe', 'tier1PriceUsdPerTonne').value = 70;
    renamed.getWorksheet('Markets')!.name = 'Рынки';
    const a = await upload(renamed);
    expect(a.statusCode).toBe(422);
    expect(a.json().error.details).toEqual([expect.objectContaining({ sheet: 'Рынки', message: expect.stringContaining('unknown sheet') })]);

    const header = await download();
    const duty = cellOf(header, 'Markets', 'aktobe', 'dutyPct');
    duty.value = 12;
    header.getWorksheet('Markets')!.getRow(1).getCell(Number(duty.col)).value = 'Пошлина, %';
    const b = await upload(header);
    expect(b.statusCode).toBe(422);
    const problems = b.json().error.details;
    expect(problems).toContainEqual({ sheet: 'Markets', row: 1, column: 'Пошлина, %', message: expect.stringContaining('unknown column') });
    expect(problems).toContainEqual({ sheet: 'Markets', row: 1, column: 'dutyPct', message: 'column missing: dutyPct' });
  });

  it('a blank cell where the network has a figure is a problem: a phase-2 capacity, a supplier year, a leg distance', async () => {
    const wb = await download();
    const phase2 = cellOf(wb, 'Plants', 'plant_baiganin', 'capacityTonnesPerYearPhase2');
    phase2.value = null;
    const year = cellOf(wb, 'Suppliers', 'aktobe_cem', 'capacity2027TonnesPerYear');
    year.value = null;
    const distance = cellOf(wb, 'Legs', 'rail_plant_kandyagash', 'distanceKm');
    distance.value = null;
    const res = await upload(wb);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toEqual([
      { sheet: 'Plants', row: Number(phase2.row), column: 'capacityTonnesPerYearPhase2', message: 'needs a number (the network has 2500000); type 0 for none' },
      { sheet: 'Legs', row: Number(distance.row), column: 'distanceKm', message: expect.stringContaining('needs a number (the network has 185)') },
      { sheet: 'Suppliers', row: Number(year.row), column: 'capacity2027TonnesPerYear', message: expect.stringContaining('needs a number') },
    ]);
  });

  it('says what a formula error or a hyperlink holds, reads a date-formatted number and a numeric scenario name, and writes unit notes on headers', async () => {
    const wb = await download();
    const price = cellOf(wb, 'Markets', 'aktobe', 'tier1PriceUsdPerTonne');
    price.value = { formula: '1/0', result: { error: '#DIV/0!' } } as ExcelJS.CellValue;
    const link = cellOf(wb, 'Markets', 'atyrau', 'tier1PriceUsdPerTonne');
    link.value = { text: 'see sheet', hyperlink: 'http://example.org' };
    const res = await upload(wb);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toEqual([
      { sheet: 'Markets', row: Number(price.row), column: 'tier1PriceUsdPerTonne', message: 'must be a number, not a formula giving #DIV/0!' },
      { sheet: 'Markets', row: Number(link.row), column: 'tier1PriceUsdPerTonne', message: 'must be a number, not "see sheet"' },
    ]);

    const dated = await download();
    const cost = cellOf(dated, 'Markets', 'aktobe', 'tier1PriceUsdPerTonne');
    cost.value = new Date(Date.UTC(1900, 2, 1)); // Excel's day 61: the cell holds 61
    cost.numFmt = 'dd.mm.yyyy';
    dated.getWorksheet('README')!.getRow(1).getCell(2).value = 2027;
    const ok = await upload(dated);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().scenario.name).toBe('2027');
    expect(ok.json().scenario.overrides.markets.aktobe.tiers[0].priceUsdPerTonne).toBe(61);

    const fresh = await download();
    expect(cellOf(fresh, 'Nodes', 'port_aktau', 'throughputTonnesPerYear').worksheet.getRow(1).getCell(Number(cellOf(fresh, 'Nodes', 'port_aktau', 'throughputTonnesPerYear').col)).note).toBe('empty = unlimited');
  });

  it('a broken workbook gets every problem with sheet, row and column, and nothing is stored', async () => {
    const before = await scenarioCount();
    const wb = await download();
    const capacity = cellOf(wb, 'Plants', 'plant_baiganin', 'capacityTonnesPerYearPhase1');
    capacity.value = -5;
    const tariff = cellOf(wb, 'Legs', 'rail_makat_atyrau', 'usdPerTonneKm');
    tariff.value = 'cheap';
    const unknown = wb.getWorksheet('Nodes')?.getRow(2).getCell(1);
    if (!unknown) throw new Error('no node row');
    unknown.value = 'no_such_node';
    const res = await upload(wb);
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error.code).toBe('unprocessable_model');
    expect(body.error.details).toEqual(
      expect.arrayContaining([
        { sheet: 'Plants', row: Number(capacity.row), column: 'capacityTonnesPerYearPhase1', message: 'must be ≥ 0' },
        { sheet: 'Legs', row: Number(tariff.row), column: 'usdPerTonneKm', message: expect.stringContaining('must be a number') },
        { sheet: 'Nodes', row: Number(unknown.row), column: 'id', message: expect.stringContaining('no_such_node') },
      ]),
    );
    expect(body.error.details).toHaveLength(3);
    expect(await scenarioCount()).toBe(before);
  });

  it("a stored scenario's workbook uploaded with ?scenario comes back to that scenario: settings and what the workbook cannot show kept, changes put back through its multipliers", async () => {
    const network = loadDefaultNetwork();
    const original = {
      name: 'Clearing, Caspi out',
      market: 'clearing',
      policy: { domesticShare: 0.6, basis: 'sales' },
      overrides: {
        exportPriceMultiplier: 1.05,
        markets: { aktobe: { priceMultiplier: 1.1, dutyPct: 3 }, omsk: { dutyPct: 7 } },
        suppliers: { caspi_cement: { absent: true }, aktobe_cem: { capacityMultiplier: 0.5 } },
        legs: { rail_plant_kandyagash: { closedMonths: [1, 2] } },
        nodes: { port_aktau: { throughputTonnesPerYear: 500_000 } },
      },
    };
    const stored = await app.inject({ method: 'POST', url: '/api/v1/scenarios', payload: original, headers: asPlanner });
    expect(stored.statusCode, stored.body).toBe(201);
    const id = stored.json().id as string;
    const uploadTo = async (wb: ExcelJS.Workbook, scenario: string) =>
      app.inject({ method: 'POST', url: `/api/v1/scenarios/from-workbook?scenario=${scenario}`, payload: Buffer.from(await wb.xlsx.writeBuffer()), headers: { ...asPlanner, 'content-type': XLSX } });
    const effective = (s: unknown) => effectiveNetwork(Scenario.parse(s), network);

    // Unchanged: the same scenario, to the figure.
    const same = await uploadTo(await download(`/api/v1/network.xlsx?scenario=${id}`), id);
    expect(same.statusCode, same.body).toBe(201);
    const back = same.json().scenario;
    expect(back.policy).toEqual(stored.json().scenario.policy);
    expect(back.market).toBe('clearing');
    expect(back.overrides.exportPriceMultiplier).toBe(1.05);
    expect(effective(back)).toEqual(effective(stored.json().scenario));

    // Changed: a price shown after ×1.1, a port back to the default figure, a supplier capacity shown after ×0.5.
    const wb = await download(`/api/v1/network.xlsx?scenario=${id}`);
    expect(cellOf(wb, 'Markets', 'aktobe', 'tier1PriceUsdPerTonne').value).toBeCloseTo(58 * 1.1, 9);
    cellOf(wb, 'Markets', 'aktobe', 'tier1PriceUsdPerTonne').value = 70;
    cellOf(wb, 'Nodes', 'port_aktau', 'throughputTonnesPerYear').value = 300_000;
    cellOf(wb, 'Suppliers', 'aktobe_cem', 'capacity2027TonnesPerYear').value = 600_000;
    const changed = await uploadTo(wb, id);
    expect(changed.statusCode, changed.body).toBe(201);
    const net = effective(changed.json().scenario);
    expect(net.markets.find((m) => m.id === 'aktobe')!.tiers[0]!.priceUsdPerTonne).toBeCloseTo(70, 9);
    expect(net.nodes.find((n) => n.id === 'port_aktau')!.throughputTonnesPerYear).toBe(300_000);
    expect(net.suppliers.find((x) => x.id === 'aktobe_cem')!.capacityTonnesPerYear['2027']).toBeCloseTo(600_000, 6);
    expect(net.suppliers.some((x) => x.id === 'caspi_cement')).toBe(false);
    expect(net.legs.find((l) => l.id === 'rail_plant_kandyagash')!.closedMonths).toEqual([1, 2]);
    expect(changed.json().scenario.overrides.markets.aktobe.priceMultiplier).toBe(1.1);

    // Brought back to another scenario: refused, nothing stored.
    const other = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', payload: { name: 'Other' }, headers: asPlanner })).json().id as string;
    const before = await scenarioCount();
    const wrong = await uploadTo(await download(`/api/v1/network.xlsx?scenario=${id}`), other);
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.details[0]).toMatchObject({ sheet: 'README', message: expect.stringContaining(`made from scenario ${id}, not ${other}`) });
    expect(await scenarioCount()).toBe(before);
    expect((await uploadTo(await download(), 'sc_never_stored')).statusCode).toBe(404);
  });

  it('refuses a column copied beside itself; reads a literal "%" in a format as the number, and dates in a 1904 workbook from its own day 0', async () => {
    const copied = await download();
    const duty = cellOf(copied, 'Markets', 'aktobe', 'dutyPct');
    const markets = copied.getWorksheet('Markets')!;
    const last = markets.getRow(1).cellCount + 1;
    markets.getRow(1).getCell(last).value = 'dutyPct';
    duty.value = 12;
    const twice = await upload(copied);
    expect(twice.statusCode).toBe(422);
    expect(twice.json().error.details).toContainEqual({ sheet: 'Markets', row: 1, column: 'dutyPct', message: 'this column appears twice: keep one' });

    // A competitor's mark-up is a figure of the clearing mode: read through a clearing scenario's workbook.
    const cleared = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', payload: { name: 'Cleared', market: 'clearing' }, headers: asPlanner })).json().id as string;
    const literal = await download(`/api/v1/network.xlsx?scenario=${cleared}`);
    const growth = cellOf(literal, 'Markets', 'atyrau', 'growthPctPerYear');
    growth.value = 0.5;
    growth.numFmt = '0.0" %"';
    const markup = cellOf(literal, 'Suppliers', 'aktobe_cem', 'markupPct');
    markup.value = 0.8;
    markup.numFmt = '0.0"%"';
    const read = await app.inject({
      method: 'POST',
      url: `/api/v1/scenarios/from-workbook?scenario=${cleared}`,
      payload: Buffer.from(await literal.xlsx.writeBuffer()),
      headers: { ...asPlanner, 'content-type': XLSX },
    });
    expect(read.statusCode, read.body).toBe(201);
    expect(read.json().scenario.overrides.markets.atyrau).toEqual({ growthPctPerYear: 0.5 });
    expect(read.json().scenario.overrides.suppliers.aktobe_cem).toEqual({ markupPct: 0.8 });

    const mac = await download();
    mac.properties.date1904 = true;
    const price = cellOf(mac, 'Markets', 'aktobe', 'tier1PriceUsdPerTonne');
    price.value = new Date(Date.UTC(1904, 0, 1) + 61 * 86_400_000); // day 61 of the 1904 system: the cell holds 61
    price.numFmt = 'dd.mm.yyyy';
    const dated = await upload(mac);
    expect(dated.statusCode, dated.body).toBe(201);
    expect(dated.json().scenario.overrides.markets.aktobe.tiers[0].priceUsdPerTonne).toBe(61);
  });

  it("a workbook of an older version of the scenario is refused (409), so it cannot write a colleague's change back; the current version's workbook is read", async () => {
    const uploadTo = async (wb: ExcelJS.Workbook, scenario: string) =>
      app.inject({ method: 'POST', url: `/api/v1/scenarios/from-workbook?scenario=${scenario}`, payload: Buffer.from(await wb.xlsx.writeBuffer()), headers: { ...asPlanner, 'content-type': XLSX } });
    const id = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', payload: { name: 'Shared', phase: 1 }, headers: asPlanner })).json().id as string;
    const first = await download(`/api/v1/network.xlsx?scenario=${id}`);
    // The README says which version the workbook was made from.
    const readme = first.getWorksheet('README')!;
    const rows = readme.getSheetValues().filter(Array.isArray) as unknown[][];
    expect(rows.find((r) => r[1] === 'fromScenarioVersion')?.[2]).toBe(1);
    // A colleague changes the scenario (version 2).
    const changed = await app.inject({
      method: 'PUT',
      url: `/api/v1/scenarios/${id}`,
      payload: { name: 'Shared', phase: 1, overrides: { plants: { plant_baiganin: { variableCostUsdPerTonne: 10 } } } },
      headers: { ...asPlanner, 'if-match': '"1"' },
    });
    expect(changed.statusCode).toBe(200);
    const before = await scenarioCount();
    const stale = await uploadTo(first, id);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'version_conflict',
      message: expect.stringContaining(`was made from version 1 of scenario ${id}, which is now at version 2`),
      details: { expectedVersion: 1, currentVersion: 2 },
    });
    expect(stale.headers.etag).toBe('"2"');
    expect(await scenarioCount()).toBe(before);
    // A workbook whose version row was deleted does not say: refused too.
    const unversioned = await download(`/api/v1/network.xlsx?scenario=${id}`);
    const versionRow = (unversioned.getWorksheet('README')!.getSheetValues() as unknown[][]).findIndex((r) => Array.isArray(r) && r[1] === 'fromScenarioVersion');
    unversioned.getWorksheet('README')!.spliceRows(versionRow, 1);
    const unknown = await uploadTo(unversioned, id);
    expect(unknown.statusCode).toBe(409);
    expect(unknown.json().error.message).toContain(`does not say which version of scenario ${id}`);
    // The current version's workbook, unchanged, keeps the colleague's change.
    const current = await uploadTo(await download(`/api/v1/network.xlsx?scenario=${id}`), id);
    expect(current.statusCode, current.body).toBe(201);
    expect(current.json().scenario.overrides.plants).toEqual({ plant_baiganin: { variableCostUsdPerTonne: 10 } });
  });

  it("a stored scenario's workbook uploaded without ?scenario is refused with the way to keep it", async () => {
    const id = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', payload: { name: 'Kept', overrides: { nodes: { port_aktau: { throughputTonnesPerYear: 500_000 } } } }, headers: asPlanner })).json().id as string;
    const res = await upload(await download(`/api/v1/network.xlsx?scenario=${id}`));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toContainEqual({ sheet: 'README', row: null, column: 'fromScenario', message: expect.stringContaining(`upload it with ?scenario=${id}`) });
  });

  it('refuses what is not a workbook, and viewer keys', async () => {
    const junk = await app.inject({ method: 'POST', url: '/api/v1/scenarios/from-workbook', payload: Buffer.from('not a zip'), headers: { ...asPlanner, 'content-type': XLSX } });
    expect(junk.statusCode).toBe(422);
    expect(junk.json().error.details[0].message).toContain('not an .xlsx');
    const viewer = await upload(await download(), asViewer);
    expect(viewer.statusCode).toBe(403);
    // A JSON body is the wrong media type: 415, as a workbook sent to a JSON route is.
    const json = await app.inject({ method: 'POST', url: '/api/v1/scenarios/from-workbook', payload: { name: 'x' }, headers: asPlanner });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('unsupported_media_type');
    const empty = await app.inject({ method: 'POST', url: '/api/v1/scenarios/from-workbook', payload: Buffer.alloc(0), headers: { ...asPlanner, 'content-type': XLSX } });
    expect(empty.statusCode).toBe(400);
  });
});
