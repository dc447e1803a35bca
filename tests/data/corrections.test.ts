/**
 * Pins every figure corrected after the second review (shared/data/REFERENCE.md §6, "Corrections and
 * competitors") to its value and to the publication that supports it, so a later edit cannot quietly
 * revert a correction or drop its citation.
 */
import { describe, expect, it } from 'vitest';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { network } from './helpers.ts';

const leg = (id: string) => {
  const l = network.legs.find((x) => x.id === id);
  if (!l) throw new Error(`no leg ${id}`);
  return l;
};
const market = (id: string) => {
  const m = network.markets.find((x) => x.id === id);
  if (!m) throw new Error(`no market ${id}`);
  return m;
};

type Pin = { figure: string; value: unknown; expected: unknown; source: string | undefined; cites: RegExp };

const baku = market('baku_alat');
const mk = market('makhachkala');
const roadLegs = network.legs.filter((l) => l.mode === 'road');
const railLegs = network.legs.filter((l) => l.mode === 'rail');
const atyrauAstrakhan = ['rail_atyrau_border_kigash', 'rail_border_kigash_astrakhan'].map(leg);

const pins: Pin[] = [
  { figure: 'Baku port (Alat) longitude', value: baku.lng, expected: 49.4, source: baku.sources.lng, cites: /65 km from Baku.*transukr\.dp\.ua/ },
  { figure: 'Baku port (Alat) latitude', value: baku.lat, expected: 39.95, source: baku.sources.lat, cites: /transukr\.dp\.ua/ },
  {
    figure: 'Aktau–Baku by sea, km',
    value: leg('sea_aktau_baku_alat').distanceKm,
    expected: 470,
    source: leg('sea_aktau_baku_alat').sources.distanceKm,
    cites: /Azerbaijan National Encyclopedia via obastan\.com/,
  },
  ...(
    [
      ['sea_kuryk_baku_alat', 450],
      ['sea_aktau_turkmenbashi', 530],
      ['sea_kuryk_turkmenbashi', 475],
    ] as const
  ).map(([id, km]) => ({
    figure: `${id} distance, km (no longer shorter than its own lane)`,
    value: leg(id).distanceKm,
    expected: km,
    source: leg(id).sources.distanceKm,
    cites: /obastan\.com.*azerbaijans\.com/,
  })),
  {
    figure: 'Russian seasonality, January',
    value: market('samara').seasonality?.[0],
    expected: 0.474,
    source: market('samara').sources.seasonality,
    cites: /2,571 \(ccf2up\.com.*65\.124 Mt, ccf2up\.com/,
  },
  {
    figure: 'Makhachkala top tier, USD/t (Iranian import parity)',
    value: mk.tiers[0].priceUsdPerTonne,
    expected: 70,
    source: mk.sources.tiers,
    cites: /90\.5 kt of Iranian cement.*RIA Dagestan via dagestan-news\.net 2025-09-02/,
  },
  {
    // the 333.5 km line of REFERENCE.md §6 ends at the Aksaraiskaya junction; Astrakhan I is beyond it
    figure: 'Atyrau–Astrakhan I rail, km (both sections)',
    value: atyrauAstrakhan.reduce((a, l) => a + (l.distanceKm ?? 0), 0),
    expected: 375,
    source: atyrauAstrakhan.map((l) => l.sources.distanceKm).join(' | '),
    cites: /333\.5 km.*Razyezd No 2 \(Privolzhskaya railway\).*Aksaraiskaya junction.*62\.2 km from Razyezd No 2 to Astrakhan I/,
  },
  {
    figure: 'Azerbaijan capacity in the Baku source',
    value: /5\.6 Mt/.test(baku.sources.tiers ?? ''),
    expected: true,
    source: baku.sources.tiers,
    cites: /CemNet 2024-01-29 "Azerbaijan cement production up 5% in 2023"/,
  },
  {
    figure: 'Caspi Cement capacity in the Mangystau source',
    value: /up to 0\.8 Mt\/yr/.test(market('aktau').sources.tiers ?? ''),
    expected: true,
    source: market('aktau').sources.tiers,
    cites: /EBRD PSD "Heidelberg Caspi Cement"/,
  },
  {
    figure: 'rail tariff anchor 6.49 KZT/t-km labelled as the DTZh concession line on every rail leg',
    value: railLegs.every((l) => /6\.49 KZT\/t-km anchor .*Dosjan Temir Zholy concession line.*not (the )?KTZ/i.test(l.sources.usdPerTonneKm ?? '')),
    expected: true,
    source: railLegs[0].sources.usdPerTonneKm,
    cites: /efi-trans\.com\.ua/,
  },
  ...roadLegs.map((l) => ({
    figure: `road CO2 on ${l.id}, kg/t-km`,
    value: l.co2KgPerTonneKm,
    expected: 0.09,
    source: l.sources.co2KgPerTonneKm,
    cites: /ETRR 2019.*Table 9.*DEFRA 2007/,
  })),
];

describe('REFERENCE.md §6 corrections in data/network.json', () => {
  it.each(pins.map((p) => [p.figure, p] as const))('%s', (_figure, p) => {
    expect(p.value).toEqual(p.expected);
    expect(p.source ?? '').toMatch(p.cites);
  });

  it('leaves no trace of the old figures', () => {
    const text = JSON.stringify(network);
    // the old Baku infobox point is gone from every position (the sources still name it as corrected)
    const points = [...network.markets, ...network.nodes].map((x) => [x.lng, x.lat]);
    const vertices = network.legs.flatMap((l) => l.geometry.coordinates);
    expect([...points, ...vertices].some(([x, y]) => x === 49.5256 || y === 40.2343)).toBe(false);
    expect(/Caspi Cement \(~1 Mt/.test(text)).toBe(false);
    expect(network.legs.some((l) => l.co2KgPerTonneKm === 0.062)).toBe(false);
    expect(/with ~4\.7 Mt\/yr capacity \(Turan 2013\)/.test(text)).toBe(false);
    expect(mk.tiers.map((t) => t.priceUsdPerTonne)).not.toContain(92);
    for (const m of ['astrakhan', 'olya', 'makhachkala', 'orenburg', 'samara']) expect(market(m).seasonality?.[0], m).toBeLessThan(0.5);
  });

  it('moves both sea lanes into Alat with the market point', () => {
    for (const id of ['sea_aktau_baku_alat', 'sea_kuryk_baku_alat']) {
      const cs = leg(id).geometry.coordinates;
      expect(cs[cs.length - 1], id).toEqual([baku.lng, baku.lat]);
    }
  });

  it('keeps the corrected distances through the loader', () => {
    const n = loadDefaultNetwork();
    expect(n.legs.find((l) => l.id === 'sea_aktau_baku_alat')?.distanceKm).toBe(470);
  });
});
