/**
 * The README's table of what the shipped market-clearing scenarios conclude is what the engine plans
 * now: each row's scenario re-planned, its tonnes, margin, the rule's cost and where we sell compared
 * at the table's rounding. A data correction that moves a figure fails here until the table follows.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/core/plan-schema.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';

afterAll(() => shutdownSolverPool());

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const HEADER = '| scenario | sold Mt | domestic Mt | exports Mt | our margin M USD | 50 % rule costs us M USD | where we sell (kt at USD/t) |';

interface Row {
  file: string;
  sold: string;
  domestic: string;
  exports: string;
  margin: string;
  ruleCost: string;
  where: string;
}

function tableRows(): Row[] {
  const start = readme.indexOf(HEADER);
  expect(start, 'the README has the scenarios table').toBeGreaterThan(0);
  const lines = readme.slice(start).split('\n').slice(2);
  const rows: Row[] = [];
  for (const line of lines) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const file = /^`([\w-]+)`/.exec(cells[0]!)?.[1];
    expect(file, line).toBeDefined();
    rows.push({ file: file!, sold: cells[1]!, domestic: cells[2]!, exports: cells[3]!, margin: cells[4]!, ruleCost: cells[5]!, where: cells[6]! });
  }
  return rows;
}

/** The figure as the table rounds it: as many decimals as the table's cell has. */
function asTable(value: number, cell: string): string {
  const decimals = cell.includes('.') ? cell.split('.')[1]!.length : 0;
  const text = value.toFixed(decimals);
  return Number(text) === 0 ? cell.replace(/[1-9]/g, '0') : text;
}

const network = loadDefaultNetwork();
const rows = tableRows();

describe("the README's table of the shipped market-clearing scenarios", () => {
  it('lists every shipped market-clearing scenario', () => {
    expect(rows.length).toBeGreaterThanOrEqual(8);
  });

  it.each(rows.map((r) => [r.file, r] as const))('%s', async (file, row) => {
    const scenario = Scenario.parse(JSON.parse(readFileSync(new URL(`../../data/scenarios/${file}.json`, import.meta.url), 'utf8')));
    expect(scenario.market).toBe('clearing');
    const plan = (await optimise(scenario, network)) as Plan;
    expect(plan.status).toBe('optimal');
    const k = plan.kpis!;
    expect(asTable(k.salesTonnes / 1e6, row.sold), 'sold').toBe(row.sold);
    expect(asTable(k.domesticTonnes / 1e6, row.domestic), 'domestic').toBe(row.domestic);
    expect(asTable(k.exportTonnes / 1e6, row.exports), 'exports').toBe(row.exports);
    // A margin the equilibrium does not fix is given as its range ("0.0–0.65"), a fixed one as itself.
    const marginRange = plan.clearing!.ourMarginRangeUsd;
    const [marginLow, marginHigh] = row.margin.split('–');
    if (marginHigh === undefined) {
      expect(marginRange, 'a fixed margin').toBeNull();
      expect(asTable(k.marginUsd / 1e6, row.margin), 'margin').toBe(row.margin);
    } else {
      expect(marginRange, 'a margin range').not.toBeNull();
      expect(asTable(marginRange!.low / 1e6, marginLow!), 'margin, low').toBe(marginLow);
      expect(asTable(marginRange!.high! / 1e6, marginHigh), 'margin, high').toBe(marginHigh);
    }
    expect(asTable((plan.policyCost?.costUsd ?? 0) / 1e6, row.ruleCost), 'rule cost').toBe(row.ruleCost);
    // "Atyrau 638 at 46.5, Astrakhan 400 at 56.0–57.6": each market named, its kt and its price, or
    // the range of its price where the equilibrium does not fix it (and only there).
    const named = [...row.where.matchAll(/([A-Z][a-z]+) (\d+)(?: at (\d+\.\d)(?:–(\d+\.\d))?)?/g)];
    for (const [, name, kt, price, priceHigh] of named) {
      const market = plan.markets.find((m) => m.name.startsWith(name!) && m.tonnes > 0);
      expect(market, `${name} is sold to`).toBeDefined();
      expect(Math.round(market!.tonnes / 1e3), `${name} kt`).toBe(Number(kt));
      if (!price) continue;
      const range = plan.clearing!.markets.find((m) => m.id === market!.id)!.priceRangeUsdPerTonne;
      if (priceHigh === undefined) {
        expect(range, `${name}: a fixed price`).toBeNull();
        expect(market!.priceUsdPerTonne.toFixed(1), `${name} price`).toBe(price);
      } else {
        expect(range, `${name}: a price range`).not.toBeNull();
        expect(range!.low.toFixed(1), `${name} price, low`).toBe(price);
        expect(range!.high?.toFixed(1), `${name} price, high`).toBe(priceHigh);
      }
    }
  });
});
