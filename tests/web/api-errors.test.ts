import { describe, expect, it } from 'vitest';
import { Scenario } from '../../server/core/schema.ts';
import { errorReport, fieldForPath, issuePath, plainMessage, rateLimitWords } from '../../web/src/lib/api-errors.ts';
import { escapeHtml } from '../../web/src/lib/escape.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { marketPopup } from '../../web/src/lib/popups.ts';
import { makeFixturePlan } from './fixtures/plan-fixture.ts';

describe('errors in words next to the field', () => {
  it('reads a 400 with zod issues into field messages', () => {
    const report = errorReport(400, {
      error: { code: 'invalid_body', message: 'The body is not a valid request', details: [{ path: ['policy', 'domesticShare'], message: 'Too big: expected number to be <=1' }] },
    });
    expect(report.summary).toBe('The scenario has invalid values: The body is not a valid request');
    expect(report.fields).toEqual([{ path: 'policy.domesticShare', message: 'Too big: expected number to be <=1' }]);
    expect(plainMessage(report.fields[0].message)).toBe('must be at most 1');
  });

  it('says what a 401, 403 and 500 mean without leaking internals', () => {
    expect(errorReport(401, null).summary).toMatch(/planner role/);
    expect(errorReport(403, { error: { code: 'forbidden', message: 'viewer' } }).summary).toMatch(/view plans but not change them/);
    expect(errorReport(500, { error: { code: 'internal', message: 'stack trace here' } }).summary).toBe('The server could not finish this request');
  });

  it('says it in the page\'s language; the server\'s own message follows as it is', () => {
    setLocale('ru');
    try {
      expect(errorReport(409, { error: { code: 'version_conflict', message: 'version 3 is current' } }).summary).toBe(
        'Кто-то изменил этот сценарий за это время; обновите и попробуйте снова: version 3 is current',
      );
      expect(errorReport(503, {}).summary).toBe('Сервер не смог выполнить этот запрос');
      expect(errorReport(418, {}).summary).toBe('Запрос не удался (418)');
    } finally {
      setLocale('en');
    }
  });

  it('finds the field for a nested path by its longest known prefix', () => {
    const known = ['policy.domesticShare', 'overrides.nodes.port_aktau', 'overrides'];
    expect(fieldForPath('policy.domesticShare', known)).toBe('policy.domesticShare');
    expect(fieldForPath('overrides.nodes.port_aktau.throughputTonnesPerYear', known)).toBe('overrides.nodes.port_aktau');
    expect(fieldForPath('overrides.freightMultiplier', known)).toBe('overrides');
    expect(fieldForPath('engine', known)).toBeNull();
    expect(issuePath(['body', 'policy', 0])).toBe('policy.0');
  });

  it('turns the shared schema\'s own messages into plain words', () => {
    const result = Scenario.safeParse({ name: 'x', policy: { domesticShare: 1.5 } });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0];
    expect(issuePath(issue.path)).toBe('policy.domesticShare');
    expect(plainMessage(issue.message)).toBe('must be at most 1');
    // What the form's own check says of a year with a fraction and of an overflowing export cap, in words.
    const year = Scenario.safeParse({ name: 'x', horizon: { kind: 'annual', year: 2027.5 } });
    expect(plainMessage(year.error!.issues[0]!.message)).toBe('must be a whole number');
    const cap = Scenario.safeParse({ name: 'x', policy: { domesticShare: 0.5, exportCapTonnesPerYear: Number.POSITIVE_INFINITY } });
    expect(plainMessage(cap.error!.issues[0]!.message)).toBe('must be a finite number');
    const nan = Scenario.safeParse({ name: 'x', overrides: { freightMultiplier: Number.NaN } });
    expect(plainMessage(nan.error!.issues[0].message)).toMatch(/number/);
  });
});

describe('popups', () => {
  it('escape names and show tonnes, share of demand, netback and route', () => {
    const plan = makeFixturePlan();
    const baku = { ...plan.markets.find((m) => m.id === 'baku')!, name: 'Baku <script>' };
    const html = marketPopup(baku, { tonnes: baku.tonnes, shareOfDemand: baku.shareOfDemand, periodLabel: null });
    expect(html).not.toContain('<script>');
    expect(html).toContain('Baku &lt;script&gt;');
    expect(html).toMatch(/Share of demand/);
    expect(html).toMatch(/Netback/);
    expect(html).toMatch(/USD\/t/);
    expect(html).toMatch(/Route/);
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });
});

describe('the rate-limit message', () => {
  it('says the limit as a rate and the wait apart from it', () => {
    const body = { error: { code: 'rate_limited', message: 'Too many solves: at most 30 per 1 minute; retry later' } };
    const summary = errorReport(429, body, '39').summary;
    expect(summary).toBe('Too many solves in a short time: try again in 39 s (the server allows at most 30 solves a minute per key).');
    expect(summary).not.toMatch(/per 39/);
    expect(rateLimitWords('at most 5 per 10 s', null)).toBe('Too many solves in a short time: wait a moment and try again (the server allows at most 5 solves every 10 seconds per key).');
    expect(rateLimitWords('', '2')).toBe('Too many solves in a short time: try again in 2 s.');
  });
});
