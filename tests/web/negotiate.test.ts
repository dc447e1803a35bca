/** Room to negotiate, DOM-free: the tolerance form, the rows' order, kt labels, map markers, plan cards. */
import { describe, expect, it } from 'vitest';
import {
  bandText,
  bestDomesticShare,
  flexibleMarketIds,
  kt,
  planCard,
  planTitle,
  rangeChartTitle,
  rangeRows,
  summaryText,
  toleranceProblem,
  toleranceShare,
  type Alternatives,
  type MarketRange,
} from '../../web/src/lib/negotiate.ts';
import { setLocale } from '../../web/src/i18n/index.ts';

const market = (marketId: string, domestic: boolean, planTonnes: number, minTonnes: number, maxTonnes: number, name = marketId): MarketRange => ({ marketId, name, domestic, planTonnes, minTonnes, maxTonnes, explanation: '' });

const markets: MarketRange[] = [
  market('aktobe', true, 300_000, 149_841, 322_741, 'Aktobe region'),
  market('atyrau', true, 450_000, 421_096, 550_000, 'Atyrau region'),
  market('kostanay', true, 0, 0, 14_380, 'Kostanay region'),
  market('astrakhan', false, 150_000, 58_822, 304_457, 'Astrakhan region (RU)'),
  market('olya', false, 0, 0, 0, 'Olya port hinterland (RU)'),
  market('baku', false, 0, 0, 54_800, 'Azerbaijan via Port of Baku (Alat)'),
  market('tiny', false, 0, 0, 0.4, 'Tiny'),
  market('steady', true, 100_000, 99_900, 100_300, 'Steady'),
];

describe('the tolerance box', () => {
  it('takes 0 to 10 % and sends a share', () => {
    expect(toleranceProblem(1)).toBeNull();
    expect(toleranceProblem(0)).toBeNull();
    expect(toleranceProblem(10)).toBeNull();
    expect(toleranceProblem(10.5)).toMatch(/from 0 to 10/);
    expect(toleranceProblem(-1)).toMatch(/from 0 to 10/);
    expect(toleranceProblem(Number.NaN)).toMatch(/from 0 to 10/);
    expect(toleranceShare(1)).toBe(0.01);
    expect(toleranceShare(2.5)).toBe(0.025);
    expect(toleranceShare(0.1)).toBe(0.001);
    expect(toleranceShare(10)).toBe(0.1);
  });
});

describe('kt labels', () => {
  it('whole kt from 10 kt up, one decimal below, no "−0"', () => {
    expect(kt(300_000)).toBe('300 kt');
    expect(kt(14_379.9)).toBe('14 kt');
    expect(kt(8_330)).toBe('8.3 kt');
    expect(kt(9_000)).toBe('9 kt');
    expect(kt(600)).toBe('0.6 kt');
    expect(kt(0)).toBe('0 kt');
    expect(kt(-0.2)).toBe('0 kt');
    expect(kt(-2_500)).toBe('−2.5 kt');
  });

  it('a band reads "least–most kt", or one figure when there is no room', () => {
    expect(bandText({ minTonnes: 149_841, maxTonnes: 322_741 })).toBe('150–323 kt');
    expect(bandText({ minTonnes: 0, maxTonnes: 8_330 })).toBe('0–8.3 kt');
    expect(bandText({ minTonnes: 100_000, maxTonnes: 100_300 })).toBe('100 kt');
  });
});

describe('rows and markers', () => {
  it('served markets first by tonnes, then the ones a plan within the tolerance can serve, by their most', () => {
    expect(rangeRows(markets).map((m) => m.marketId)).toEqual(['atyrau', 'aktobe', 'astrakhan', 'steady', 'baku', 'kostanay']);
  });

  it('ties keep a stable order by name', () => {
    const tied = [market('b', true, 0, 0, 5_000, 'B'), market('a', false, 0, 0, 5_000, 'A')];
    expect(rangeRows(tied).map((m) => m.marketId)).toEqual(['a', 'b']);
  });

  it('markets with more than ~1 kt of room are marked on the map', () => {
    expect(flexibleMarketIds(markets)).toEqual(['aktobe', 'atyrau', 'kostanay', 'astrakhan', 'baku']);
  });

  it('the best plan’s domestic share comes from the ranges', () => {
    expect(bestDomesticShare(markets)).toBeCloseTo(850_000 / 1_000_000, 12);
    expect(bestDomesticShare([])).toBeNull();
  });
});

describe('alternative plans as cards', () => {
  const result: Alternatives = {
    tolerance: 0.01,
    held: 'margin',
    bestMarginUsd: 27_893_075,
    floorMarginUsd: 27_614_141.46,
    bestWelfareUsd: null,
    floorWelfareUsd: null,
    markets,
    unavailable: [],
    plans: [],
  };

  it('titles in sentence case with short market names', () => {
    expect(planTitle('most kept at home')).toBe('Most kept at home');
    expect(planTitle('serve Azerbaijan via Port of Baku (Alat)')).toBe('Serve Baku');
    expect(planTitle('serve Kostanay region')).toBe('Serve Kostanay');
  });

  it('margin given up in USD and % of the best, the domestic share against the best plan, the biggest change first', () => {
    const card = planCard(
      {
        label: 'most kept at home',
        marginUsd: 27_614_141,
        marginGivenUpUsd: 278_933.54,
        domesticTonnes: 1_141_178,
        exportTonnes: 58_822,
        domesticShare: 0.877829,
        changedMarkets: { astrakhan: { bestTonnes: 150_000, tonnes: 58_822.185 }, atyrau: { bestTonnes: 450_000, tonnes: 541_177.815 }, gone: { bestTonnes: 0, tonnes: 2_000 } },
      },
      result,
    );
    expect(card.title).toBe('Most kept at home');
    expect(card.givenUp).toBe('USD 279 k (1.0 % of the best margin)');
    expect(card.domestic).toBe('87.8 % at home (best plan 85.0 %)');
    expect(card.changes.map((c) => [c.name, c.text, c.domestic])).toEqual([
      ['Astrakhan', '150 → 59 kt', false],
      ['Atyrau', '450 → 541 kt', true],
      ['gone', '0 → 2 kt', false],
    ]);
  });

  it('the summary says the floor and how many markets have room', () => {
    expect(summaryText(result)).toBe('Best margin USD 27.9 m; every plan here keeps at least USD 27.6 m (within 1 %). 5 markets have more than 1 kt of room.');
  });

  it("titles the range chart with what the tolerance holds: the best margin, or the market's best welfare in the clearing mode", () => {
    expect(rangeChartTitle({ held: 'margin', tolerance: 0.01 })).toBe('Tonnes each market can take within 1 % of the best margin');
    expect(rangeChartTitle({ held: 'welfare', tolerance: 0.005 })).toBe("Tonnes each market can take within 0.5 % of the market's best welfare (our margin can fall by more)");
    setLocale('ru');
    try {
      expect(rangeChartTitle({ held: 'welfare', tolerance: 0.01 })).toMatch(/^Тонны, которые может принять каждый рынок в пределах 1 % от наибольшего общественного благосостояния/);
    } finally {
      setLocale('en');
    }
  });
});
