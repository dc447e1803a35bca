/**
 * The message catalogues: English lists every message the page shows (t('…') calls and the static
 * page), Russian translates all of them with the same placeholders, and numbers and dates follow
 * the language. A new language is one more file in web/src/i18n.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messages as en } from '../../web/src/i18n/en.ts';
import { languages, setLocale, t } from '../../web/src/i18n/index.ts';
import { messages as ru } from '../../web/src/i18n/ru.ts';
import { formatPeriod, formatShare, formatTonnes, formatUsdCompact } from '../../web/src/lib/format.ts';

const SRC = new URL('../../web/src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function pageKeys(): string[] {
  const keys = new Set<string>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")/g)) keys.add((m[1] ?? m[2]).replace(/\\'/g, "'"));
  }
  const html = readFileSync(join(SRC, '../index.html'), 'utf8');
  for (const m of html.matchAll(/<[^>]*data-i18n[^>]*>([^<]+)</g)) if (m[1].trim()) keys.add(m[1].trim());
  return [...keys];
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

afterEach(() => {
  setLocale('en');
});

describe('the message catalogues', () => {
  it('English lists every message the page shows', () => {
    const missing = pageKeys().filter((k) => !(k in en));
    expect(missing).toEqual([]);
    for (const [k, v] of Object.entries(en)) expect(v).toBe(k);
  });

  it('Russian translates every English message, with the same placeholders, and nothing else', () => {
    expect(Object.keys(ru).filter((k) => !(k in en))).toEqual([]);
    expect(Object.keys(en).filter((k) => !(k in ru))).toEqual([]);
    for (const [k, v] of Object.entries(ru)) expect(placeholders(v), k).toEqual(placeholders(k));
  });

  it('finds the catalogue files by themselves, English first', () => {
    expect(languages().map((l) => l.code)).toEqual(['en', 'ru']);
  });

  it('fills placeholders and falls back to English for an unknown language or message', () => {
    expect(setLocale('ru')).toBe('ru');
    expect(t('Stored run {id}.', { id: 'run_1' })).toBe('Сохранённый расчёт run_1.');
    expect(t('A message nobody translated')).toBe('A message nobody translated');
    expect(setLocale('xx')).toBe('en');
    expect(t('Stored run {id}.', { id: 'run_1' })).toBe('Stored run run_1.');
  });

  it('formats numbers and months per language', () => {
    setLocale('ru');
    expect(formatTonnes(1_300_000)).toBe('1,30 млн т');
    expect(formatTonnes(450_000)).toBe('450 тыс. т');
    expect(formatUsdCompact(12_345_678)).toBe('USD 12,3 млн');
    expect(formatShare(0.5234)).toBe('52,3 %');
    expect(formatPeriod('2027-03')).toMatch(/^мар.*2027/);
    setLocale('en');
    expect(formatTonnes(1_300_000)).toBe('1.30 Mt');
    expect(formatPeriod('2027-03')).toBe('Mar 2027');
  });
});
