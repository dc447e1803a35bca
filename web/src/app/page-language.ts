/** The page's language: set first (every panel is built in it), then the static text and the picker. */
import { languages, setLocale, t } from '../i18n/index.ts';

/** Translates the page's static text; `onChange` gets the newly picked language code. */
export function localisePage(lang: string | null, onChange: (code: string) => void): void {
  // Numbers and dates follow the language.
  setLocale(lang);
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.textContent!.trim());
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]')) el.setAttribute('aria-label', t(el.getAttribute('aria-label')!));
  document.title = t('Caspian export optimiser — map');
  const select = document.getElementById('lang-select') as HTMLSelectElement;
  for (const l of languages()) select.append(new Option(l.name, l.code, false, l.code === (lang ?? 'en')));
  select.addEventListener('change', () => onChange(select.value));
}
