import { describe, expect, it } from 'vitest';
import { formatElapsed, formatPeriod, formatShare, formatSigned, formatTonnes, formatUsdCompact, formatUsdPerTonne } from '../../web/src/lib/format.ts';
import { legLabel, legLabels, shortName } from '../../web/src/lib/names.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { setLocale } from '../../web/src/i18n/index.ts';

describe('formatting for people', () => {
  it('writes tonnes in t, kt and Mt', () => {
    expect(formatTonnes(1_300_000)).toBe('1.30 Mt');
    expect(formatTonnes(450_000)).toBe('450 kt');
    expect(formatTonnes(2_500)).toBe('2.5 kt');
    expect(formatTonnes(820)).toBe('820 t');
    expect(formatTonnes(null)).toBe('—');
    expect(formatTonnes(Number.NaN)).toBe('—');
  });

  it('writes money with a unit and a true minus sign', () => {
    expect(formatUsdCompact(12_345_678)).toBe('USD 12.3 m');
    expect(formatUsdCompact(-2_500_000)).toBe('USD −2.5 m');
    expect(formatUsdCompact(45_600)).toBe('USD 46 k');
    expect(formatUsdPerTonne(47.456)).toBe('47.46 USD/t');
    expect(formatUsdPerTonne(null)).toBe('—');
  });

  it('writes shares as percent and signed differences', () => {
    expect(formatShare(0.5234)).toBe('52.3 %');
    expect(formatShare(0.8, 0)).toBe('80 %');
    expect(formatSigned(12_000, formatTonnes)).toBe('+12 kt');
    expect(formatSigned(-0.032, (v) => formatShare(v))).toBe('−3.2 %');
    expect(formatSigned(0, formatTonnes)).toBe('±0');
  });

  it('writes elapsed time and months', () => {
    expect(formatElapsed(860)).toBe('0.9 s');
    expect(formatElapsed(65_000)).toBe('1 min 05 s');
    expect(formatPeriod('2027-03')).toBe('Mar 2027');
    expect(formatPeriod('2027')).toBe('2027');
  });

  it('shortens place names for map labels', () => {
    expect(shortName('Aktau Sea Commercial Port')).toBe('Aktau');
    expect(shortName('Azerbaijan via Port of Baku (Alat)')).toBe('Baku');
    expect(shortName('Astana and Akmola region')).toBe('Astana');
    expect(shortName('Dagestan / North Caucasus via Makhachkala (RU)')).toBe('Makhachkala');
    expect(shortName('Olya port hinterland (RU)')).toBe('Olya');
    expect(shortName('West Kazakhstan region (Uralsk)')).toBe('West Kazakhstan');
    expect(shortName('Shymkent')).toBe('Shymkent');
  });
});

describe("a leg's name in the list of capacities", () => {
  const network = loadDefaultNetwork();
  const sea = network.legs.filter((l) => l.mode === 'sea');

  it('says the mode in the page language and gives the full name for a tooltip', () => {
    const leg = sea[0]!;
    const from = network.nodes.find((n) => n.id === leg.from)?.name ?? '';
    expect(legLabel(leg, network).short).toMatch(/^Sea: \S/);
    setLocale('ru');
    const label = legLabel(leg, network);
    expect(label.short).toMatch(/^Море: \S.* → \S/);
    expect(label.full).toContain(from);
    expect(label.full.startsWith('Море: ')).toBe(true);
    setLocale('en');
  });

  it('tells the sea legs apart in full where the short names agree', () => {
    const full = new Set(sea.map((l) => legLabel(l, network).full));
    expect(full.size).toBe(sea.length);
    // The list shows the full name where two short ones would read the same.
    const shown = legLabels(network.legs, network).map((l) => l.short);
    expect(new Set(shown).size).toBe(network.legs.length);
  });
});
