/**
 * The page's words in several languages. English is the source: a message's key is its English text
 * (so code reads naturally, `t('Run optimisation')`), and each catalogue file in this folder maps it
 * to a translation. A language is added by adding one file (kk.ts, zh.ts …) with `meta` and
 * `messages`; anything it leaves out stays in English. Placeholders: `{name}`.
 */
import { setFormatStyle, type FormatStyle } from '../lib/format.ts';

export interface CatalogueMeta {
  /** BCP 47 language code: also used for dates and month names (Intl). */
  code: string;
  /** The language's own name, for the language menu. */
  name: string;
  /** Units and separators for numbers (English ones where left out). */
  format?: Partial<FormatStyle>;
}

export interface Catalogue {
  meta: CatalogueMeta;
  messages: Record<string, string>;
}

const modules = import.meta.glob<Catalogue>(['./*.ts', '!./index.ts'], { eager: true });

export const CATALOGUES: Catalogue[] = Object.values(modules)
  .filter((m) => m?.meta && m.messages)
  .sort((a, b) => (a.meta.code === 'en' ? -1 : b.meta.code === 'en' ? 1 : a.meta.code.localeCompare(b.meta.code)));

let current: Catalogue = CATALOGUES.find((c) => c.meta.code === 'en') ?? { meta: { code: 'en', name: 'English' }, messages: {} };

export const LOCALE_CODE = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;

/** The languages there are catalogues for. */
export function languages(): CatalogueMeta[] {
  return CATALOGUES.map((c) => c.meta);
}

/** Switch language (unknown codes fall back to English); numbers and dates follow. */
export function setLocale(code: string | null | undefined): string {
  current = CATALOGUES.find((c) => c.meta.code === code) ?? CATALOGUES.find((c) => c.meta.code === 'en') ?? current;
  setFormatStyle(current.meta.format ?? {}, current.meta.code);
  if (typeof document !== 'undefined') document.documentElement.lang = current.meta.code;
  return current.meta.code;
}

export function locale(): string {
  return current.meta.code;
}

/** The message in the current language, with `{placeholders}` filled in. */
export function t(key: string, params?: Record<string, string | number>): string {
  const text = current.messages[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
