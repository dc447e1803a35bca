import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { CLOSED_COLOUR, DIFF_LESS_COLOUR, DIFF_MORE_COLOUR, IDLE_COLOUR, isClosedIn, legStyle, MODE_COLOURS, modeVisible, utilisationColour, DEFAULT_FILTERS } from '../../web/src/lib/style.ts';
import { legSplitByMarketType, visibleLegTonnes, shareOfDemandIn } from '../../web/src/lib/flows.ts';
import { costBreakdown, shareGauge } from '../../web/src/lib/kpi.ts';
import { makeFixturePlan } from './fixtures/plan-fixture.ts';

describe('styling the plan', () => {
  it('colours flows by mode and shows closed legs dashed grey whatever they carry', () => {
    expect(legStyle({ mode: 'sea', tonnes: 100, closed: false, widthPx: 5 })).toMatchObject({ color: MODE_COLOURS.sea, weight: 5 });
    const closed = legStyle({ mode: 'rail', tonnes: 100, closed: true, widthPx: 5 });
    expect(closed.color).toBe(CLOSED_COLOUR);
    expect(closed.dashArray).toBeTruthy();
    expect(legStyle({ mode: 'rail', tonnes: 0, closed: false, widthPx: 0 }).color).not.toBe(MODE_COLOURS.rail);
  });

  it('knows when a leg is closed: capacity 0, a closed month, or every month', () => {
    expect(isClosedIn({ closedPeriods: [], capacityTonnes: 0 }, null, 1)).toBe(true);
    expect(isClosedIn({ closedPeriods: [0, 1], capacityTonnes: null }, 1, 12)).toBe(true);
    expect(isClosedIn({ closedPeriods: [0, 1], capacityTonnes: null }, 5, 12)).toBe(false);
    expect(isClosedIn({ closedPeriods: [0, 1], capacityTonnes: null }, null, 12)).toBe(false);
  });

  it('turns utilisation into traffic-light colours', () => {
    expect(utilisationColour(0.4)).not.toBe(utilisationColour(1));
    expect(utilisationColour(0.85)).not.toBe(utilisationColour(0.4));
    expect(utilisationColour(null)).toBe('#6b7280');
  });

  it('filters by mode', () => {
    const filters = { ...DEFAULT_FILTERS, modes: { rail: true, road: false, sea: true } };
    expect(modeVisible(filters, 'road')).toBe(false);
    expect(modeVisible(filters, 'sea')).toBe(true);
  });
});

describe('flows by market type', () => {
  const plan = makeFixturePlan();
  plan.markets.find((m) => m.id === 'aktobe')!.routes[0].legIds = ['plant-aktobe-rail'];
  plan.markets.find((m) => m.id === 'orenburg')!.routes[0].legIds = ['plant-aktobe-rail', 'aktobe-orenburg-rail'];

  it('splits a shared leg into domestic and export tonnes from the routes', () => {
    const split = legSplitByMarketType(plan).get('plant-aktobe-rail')!;
    expect(split.domesticTonnes).toBeCloseTo(plan.markets.find((m) => m.id === 'aktobe')!.tonnes);
    expect(split.exportTonnes).toBeCloseTo(plan.markets.find((m) => m.id === 'orenburg')!.tonnes);
    const leg = plan.legs.find((l) => l.id === 'plant-aktobe-rail')!;
    const exportOnly = visibleLegTonnes(leg, split, null, { domestic: false, export: true });
    expect(exportOnly).toBeCloseTo(split.exportTonnes);
    expect(visibleLegTonnes(leg, split, null, { domestic: false, export: false })).toBe(0);
    expect(visibleLegTonnes(leg, split, null, { domestic: true, export: true })).toBe(leg.tonnes);
  });

  it('reports share of demand per period against a twelfth of the year', () => {
    const m = { tonnes: 1200, demandTonnes: 2400, tonnesByPeriod: Array(12).fill(100) };
    expect(shareOfDemandIn(m, null, 12)).toBe(0.5);
    expect(shareOfDemandIn(m, 3, 12)).toBe(0.5);
    expect(shareOfDemandIn({ ...m, demandTonnes: 0 }, null, 12)).toBeNull();
  });
});

describe('colours against what they are drawn on', () => {
  /** WCAG relative luminance and contrast ratio. */
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const contrast = (a: string, b: string) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x! + 0.05) / (y! + 0.05);
  };
  // White (panels, legend), Kazakhstan's land, other land, the sea (web/src/map/basemap.ts, style.css).
  const backgrounds = ['#ffffff', '#fbf7ea', '#f3f1ec', '#c9dce8'];

  it('flows, idle legs and changes have at least 3:1 against every background (WCAG 1.4.11), and so does the focus ring', () => {
    const css = readFileSync(new URL('../../web/src/style.css', import.meta.url), 'utf8');
    const focus = /--focus:\s*(#[0-9a-f]{6})/i.exec(css)![1]!;
    for (const colour of [...Object.values(MODE_COLOURS), IDLE_COLOUR, DIFF_LESS_COLOUR, DIFF_MORE_COLOUR, focus]) {
      for (const background of backgrounds) expect(contrast(colour, background), `${colour} on ${background}`).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('KPI panel figures', () => {
  const k = makeFixturePlan({ domesticShare: 0.5 }).kpis!;

  it('draws the domestic share against the policy line', () => {
    const g = shareGauge(k);
    expect(g.policy).toBe(0.5);
    expect(g.meets).toBe(true);
    expect(g.text).toMatch(/stays in Kazakhstan \(rule: at least 50 %\)/);
    expect(shareGauge({ ...k, domesticShare: 0.4 }).meets).toBe(false);
  });

  it('breaks costs into parts that add up to one', () => {
    const parts = costBreakdown(k);
    expect(parts.map((p) => p.key)).toContain('production');
    expect(parts.reduce((s, p) => s + p.fraction, 0)).toBeCloseTo(1, 9);
    expect(parts.every((p) => p.usd > 0)).toBe(true);
  });
});

describe('the cost bar of real plans', () => {
  afterAll(async () => {
    await shutdownSolverPool();
  });

  it.each([
    ['price-taker (bagging costs 2.6 M USD)', { name: 'p', market: 'price-taker' }],
    ['market clearing', { name: 'c', market: 'clearing' }],
    ['phase 2, monthly', { name: 'm', phase: 2, horizon: { kind: 'monthly', year: 2027 } }],
  ])('%s: every cost the margin deducts is a segment, so they add up to revenue − margin', async (_name, input) => {
    const plan = await optimise(Scenario.parse(input), loadDefaultNetwork(), { inProcess: true, policyCost: false });
    const k = plan.kpis!;
    const parts = costBreakdown(k);
    expect(parts.reduce((s, p) => s + p.usd, 0)).toBeCloseTo(k.revenueUsd - k.marginUsd, 0);
    if ((k.packingCostUsd ?? 0) > 0) expect(parts.find((p) => p.key === 'packing')?.usd).toBe(k.packingCostUsd);
    expect(parts.find((p) => p.key === 'other-logistics')).toBeUndefined();
  });
});

describe('the opening view', () => {
  it('frames the plant, the served markets and the Caspian', async () => {
    const { planFrame, CASPIAN_FRAME } = await import('../../web/src/lib/view.ts');
    const { fixtureNetwork } = await import('./fixtures/plan-fixture.ts');
    const plan = makeFixturePlan();
    const [[s, w], [n, e]] = planFrame(plan, fixtureNetwork);
    expect(s).toBeLessThanOrEqual(CASPIAN_FRAME[0][0]);
    expect(n).toBeGreaterThanOrEqual(51.7); // Orenburg is served
    expect(e).toBeGreaterThanOrEqual(57.1); // Aktobe
    expect(e).toBeLessThan(69); // Tashkent is not served: not framed
    expect(w).toBeLessThanOrEqual(46.8);
  });
});
