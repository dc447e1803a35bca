/** The backtest view: parsing the route's answer, the view model, and the "not available" cases. */
import { describe, expect, it } from 'vitest';
import { backtestState, backtestView, barOffsets, errorBand, formatBacktestValue, formatErrorPct, targetFigures, BAND_COLOURS } from '../../web/src/lib/backtest.ts';
import { backtestFixture } from './fixtures/backtest-fixture.ts';

describe('the answer of GET /api/v1/backtest', () => {
  it('parses the agreed shape', () => {
    const state = backtestState(200, backtestFixture);
    expect(state.kind).toBe('ready');
    if (state.kind === 'ready') expect(state.data.rows).toHaveLength(7);
  });

  it('says the backtest is not available on a 404, an error, no answer, or another shape', () => {
    expect(backtestState(404, { error: { code: 'not_found' } })).toEqual({ kind: 'unavailable', message: 'The backtest is not available on this server (it has no backtest route).' });
    expect(backtestState(500, null)).toEqual({ kind: 'unavailable', message: 'The backtest is not available on this server (it answered 500).' });
    expect(backtestState(0, null).kind).toBe('unavailable');
    // A server that answers every unknown path with the page itself.
    const html = backtestState(200, '<!doctype html>');
    expect(html.kind).toBe('unavailable');
    if (html.kind === 'unavailable') expect(html.message).toMatch(/not available on this server/);
    expect(backtestState(200, { ...backtestFixture, rows: [{ kind: 'weather' }] }).kind).toBe('unavailable');
  });
});

describe('the backtest view model', () => {
  const state = backtestState(200, backtestFixture);
  if (state.kind !== 'ready') throw new Error('fixture must parse');
  const view = backtestView(state.data, 40);

  it('says what it was calibrated on and run on', () => {
    expect(view.title).toBe('Calibrated on 2024, run on 2025');
  });

  it('colours by the size of the error, whatever its sign', () => {
    expect(errorBand(2.5)).toBe('good');
    expect(errorBand(-10)).toBe('good');
    expect(errorBand(-20)).toBe('fair');
    expect(errorBand(40)).toBe('poor');
    expect(errorBand(null)).toBe('none');
    const caspi = view.table.find((r) => r.id === 'caspi_cement')!;
    expect(caspi).toMatchObject({ modelled: '520 kt', observed: '650 kt (estimate)', error: '−20.0 %', band: 'fair', colour: BAND_COLOURS.fair, estimate: true });
  });

  it('draws modelled and observed on one scale per unit; a price carries its rank', () => {
    const steppe = view.bars.find((b) => b.key === 'plant-production:steppe_cement')!;
    expect(steppe.modelledPx).toBe(40);
    expect(steppe.observedPx).toBe(Math.round((40 * 2_000_000) / 2_050_000));
    const price = view.bars.find((b) => b.kind === 'price')!;
    // The only KZT/t row: the dearer side is the full height.
    expect(price.modelledPx).toBe(40);
    expect(price.observedPx).toBe(Math.round((40 * 36_000) / 41_460));
    // Steppe's observation is the model's own capacity (the fixture says so): the label says it is a model input.
    expect(steppe.label).toBe('Steppe Cement, production 2025: modelled 2.05 Mt, observed 2.00 Mt (model input), error +2.5 %');
    expect(steppe.caption).toBe('Steppe Cement +2.5 %');
    expect(price.caption).toBe('Price +15.2 %');
    const priceRow = view.table.find((r) => r.kind === 'price')!;
    expect(priceRow.modelled).toMatch(/^41\s460 KZT\/t \(#2\)$/u);
    expect(priceRow.observed).toMatch(/^36\s000 KZT\/t \(#1\) \(estimate\)$/u);
    // A plant with nothing on either side still has a bar of zero height and no error colour.
    const idle = view.bars.find((b) => b.id === 'aktobe_cem')!;
    expect([idle.modelledPx, idle.observedPx, idle.band]).toEqual([0, 0, 'none']);
  });

  it('counts the targets met and keeps the narrative', () => {
    expect(view.targetsMet).toBe(1);
    expect(view.targets[1]).toEqual({
      name: 'Imports within 25 %',
      target: '±25 %',
      value: '40 %',
      met: false,
      detail: 'modelled 900 kt against observed 1,500 kt (published): -40 %',
      evidence: 'independent',
      evidenceLabel: "independent of the model's inputs",
      evidenceNote: '',
    });
    // One of the two targets rests on observations independent of the model's inputs.
    expect(view.targetsIndependent).toBe(1);
    expect(view.targets[0]).toMatchObject({ evidence: 'built in', evidenceLabel: "built into the model's inputs", evidenceNote: expect.stringMatching(/^1 of 1 observation built into/) });
    expect(view.narrative).toHaveLength(2);
  });

  it('places rows that share a place side by side', () => {
    const offsets = barOffsets(view.bars, 18);
    expect(offsets.get('imports:total')).toEqual({ dx: -11, row: 0 });
    expect(offsets.get('exports:total')).toEqual({ dx: 11, row: 1 });
    expect(offsets.get('plant-production:steppe_cement')).toEqual({ dx: 0, row: 0 });
    // Atyrau's price and the west's net imports are 2 km apart: side by side too.
    expect(offsets.get('west-net-imports:west')!.dx).toBe(-11);
    expect(offsets.get('price:atyrau')!.dx).toBe(11);
  });

  it('formats values in their unit', () => {
    expect(formatBacktestValue(3, 'rank')).toBe('#3');
    expect(formatBacktestValue(41.2, 'USD/t')).toBe('41.2 USD/t');
    expect(formatBacktestValue(36_850, 'KZT/t')).toBe('36\u202f850 KZT/t');
  });

  it("a target's figures carry their unit: a percentage for an error, none for a correlation", () => {
    expect(targetFigures({ name: 'Production within ±20 %', target: 20, value: 1.4 })).toEqual({ target: '±20 %', value: '1.4 %' });
    expect(targetFigures({ name: 'Regional price ranks: Spearman correlation ≥ 0.6', target: 0.6, value: 0.857 })).toEqual({ target: '≥ 0.6', value: '0.86' });
    expect(formatBacktestValue(null, 't')).toBe('—');
    expect(formatErrorPct(4.76)).toBe('+4.8 %');
    expect(formatErrorPct(0.01)).toBe('0.0 %');
  });
});
