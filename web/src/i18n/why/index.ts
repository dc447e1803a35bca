/**
 * The plan's sentences in the page's languages: one file per language (ru.ts …) exporting its `code`
 * and a renderer for every sentence kind; English comes with the engine (server/core/why.ts). A
 * language without a file here shows the sentences in English.
 */
import { ENGLISH_WHY, englishSubject, type WhyFormat, type WhyRenderers, type WhySubject } from '../../../../server/core/why.ts';

/** A sentence's subject alone, as a language words it. */
export type SubjectRenderer = (about: WhySubject, f: WhyFormat) => string;

interface WhyLanguage {
  code: string;
  renderers: WhyRenderers;
  /** The subject alone; a language without it shows the English subject. */
  subject?: SubjectRenderer;
}

const modules = import.meta.glob<WhyLanguage>(['./*.ts', '!./index.ts'], { eager: true });

const BY_CODE = new Map<string, WhyRenderers>([['en', ENGLISH_WHY], ...Object.values(modules).filter((m) => m?.code && m.renderers).map((m) => [m.code, m.renderers] as const)]);

const SUBJECT_BY_CODE = new Map<string, SubjectRenderer>([
  ['en', englishSubject],
  ...Object.values(modules)
    .filter((m) => m?.code && m.subject)
    .map((m) => [m.code, m.subject!] as const),
]);

/** The languages the sentences can be written in. */
export function whyLanguages(): string[] {
  return [...BY_CODE.keys()];
}

/** A language's renderers; English for a language without its own. */
export function whyRenderers(code: string): WhyRenderers {
  return BY_CODE.get(code) ?? ENGLISH_WHY;
}

/** A language's words for a subject alone; English for a language without its own. */
export function whySubjectRenderer(code: string): SubjectRenderer {
  return SUBJECT_BY_CODE.get(code) ?? englishSubject;
}
