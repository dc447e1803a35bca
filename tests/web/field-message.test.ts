import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../web/src/i18n/index.ts';
import { fieldMessage, localFigures } from '../../web/src/lib/field-message.ts';

afterEach(() => {
  setLocale('en');
});

describe('a field’s problem in the page’s language', () => {
  it('Russian: the predicate in Russian, with its digit groups, decimal comma and units', () => {
    setLocale('ru');
    expect(fieldMessage('must be ≤ 1,000,000,000 t (1,000,000 kt)')).toBe('должно быть ≤ 1\u202f000\u202f000\u202f000 т (1\u202f000\u202f000 тыс. т)');
    expect(fieldMessage('must be ≥ 0')).toBe('должно быть ≥ 0');
    expect(fieldMessage('must be ≥ 0.01 units per USD')).toBe('должно быть ≥ 0,01 units per USD');
    expect(fieldMessage('Too big: expected number to be <=1')).toBe('должно быть не больше 1');
    expect(fieldMessage('Invalid input: expected number, received NaN')).toBe('должно быть числом');
    expect(fieldMessage('Invalid input: expected int, received number')).toBe('должно быть целым числом');
    expect(fieldMessage('must be ≤ 100,000 USD/t')).toBe('должно быть ≤ 100\u202f000 USD/т');
  });

  it('English: as the schema words it', () => {
    expect(fieldMessage('must be ≤ 1,000,000,000 t (1,000,000 kt)')).toBe('must be ≤ 1,000,000,000 t (1,000,000 kt)');
    expect(fieldMessage('Too big: expected number to be <=1')).toBe('must be at most 1');
    expect(fieldMessage('Invalid input: expected int, received number')).toBe('must be a whole number');
    expect(localFigures('1,000.5 t')).toBe('1,000.5 t');
  });

  it('a message it does not know stays as it is', () => {
    setLocale('ru');
    expect(fieldMessage('the tenge rate is given twice')).toBe('the tenge rate is given twice');
  });
});

describe('the rate limit in the page’s language', () => {
  it('Russian: the wait and the limit in Russian', async () => {
    const { rateLimitWords } = await import('../../web/src/lib/api-errors.ts');
    setLocale('ru');
    expect(rateLimitWords('at most 30 per 1 minute', '39')).toBe('Слишком много расчётов за короткое время: повторите через 39 с (сервер допускает не более 30 расчётов в минуту на ключ).');
    setLocale('en');
    expect(rateLimitWords('at most 30 per 1 minute', '39')).toBe('Too many solves in a short time: try again in 39 s (the server allows at most 30 solves a minute per key).');
  });
});

describe('a busy server in the page’s words', () => {
  it('a full queue (503 overloaded) and an unreachable database say to wait, and how long', async () => {
    const { errorReport } = await import('../../web/src/lib/api-errors.ts');
    const busy = errorReport(503, { error: { code: 'overloaded', message: 'the queue is full' } }, '7');
    expect(busy.summary).toBe('The server is busy: try again in 7 s.');
    const db = errorReport(503, { error: { code: 'store_unavailable', message: 'x' } }, '1');
    expect(db.summary).toBe('The server’s database is not reachable right now: try again in 1 s.');
    setLocale('ru');
    expect(errorReport(503, { error: { code: 'overloaded', message: 'the queue is full' } }, '7').summary).toBe('Сервер занят: повторите через 7 с.');
    // Any other 5xx stays the server's failure.
    setLocale('en');
    expect(errorReport(500, { error: { code: 'internal', message: 'x' } }).summary).toBe('The server could not finish this request');
  });

  it('an analysis refused by the solve budget says so (it said “too many analyses are running”)', async () => {
    const { errorReport } = await import('../../web/src/lib/api-errors.ts');
    const { failureWords } = await import('../../web/src/panels/analysis/common.ts');
    const report = errorReport(429, { error: { code: 'rate_limited', message: 'at most 30 per 1 minute' } }, '12');
    expect(failureWords(report)).toBe('Too many solves in a short time: try again in 12 s (the server allows at most 30 solves a minute per key).');
  });
});
