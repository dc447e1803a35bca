/** The page checks analysis answers with the server's schemas: a malformed one is refused in words. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseAnswer, UnexpectedAnswer } from '../../web/src/lib/answer.ts';
import { SensitivityReport } from '../../server/core/analysis-schema.ts';
import { analysisApi } from '../../web/src/analysis-api.ts';

const report = {
  scenarioName: 'Phase 2',
  status: 'optimal',
  message: null,
  marginUsd: 27_500_000,
  valuedAs: 'margin',
  parameters: [],
  shareCurve: [
    { domesticShare: 0.5, status: 'optimal', marginUsd: 27_500_000, domesticTonnes: 1e6, exportTonnes: 1e6, achievedShare: 0.5, ruleBinds: true },
    { domesticShare: 1, status: 'optimal', marginUsd: 20_000_000, domesticTonnes: 2e6, exportTonnes: 0, achievedShare: 1, ruleBinds: true },
  ],
  notes: [],
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('parseAnswer', () => {
  it('passes a well-formed report through', () => {
    expect(parseAnswer(SensitivityReport, 'sensitivity report', report).shareCurve[1].marginUsd).toBe(20_000_000);
  });

  it('refuses a malformed report, naming the answer, the field and the problem', () => {
    const bad = { ...report, shareCurve: [report.shareCurve[0], { ...report.shareCurve[1], marginUsd: '20 m' }] };
    expect(() => parseAnswer(SensitivityReport, 'sensitivity report', bad)).toThrow(UnexpectedAnswer);
    expect(() => parseAnswer(SensitivityReport, 'sensitivity report', bad)).toThrow(/sensitivity report is malformed at shareCurve\[1\]\.marginUsd: .*expected number/i);
  });

  it('counts the further problems, and says so when the answer is no object at all', () => {
    const { notes: _notes, parameters: _parameters, ...missing } = report;
    expect(() => parseAnswer(SensitivityReport, 'sensitivity report', missing)).toThrow(/at parameters: .*\(and 1 more problems\)/);
    expect(() => parseAnswer(SensitivityReport, 'sensitivity report', 'oops')).toThrow(/malformed at the answer as a whole/);
  });

  it('the page’s call turns a malformed answer into a failure report, not an exception', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ ...report, status: 'fine' }), { status: 200, headers: { 'content-type': 'application/json' } }));
    const r = await analysisApi.sensitivity({ name: 'x' }, 2);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.report.code).toBe('bad_response');
      expect(r.report.summary).toMatch(/sensitivity report is malformed at status/);
    }
  });
});
