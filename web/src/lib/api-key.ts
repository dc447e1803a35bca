/**
 * What an API key can look like, checked before the page stores or sends one. The server's keys are
 * `cxo_` and 43 URL-safe base64 characters, or keys an operator configured (at least 8 characters);
 * it reads a bearer token of at most 512 characters without spaces. A browser refuses to send a
 * header with a character outside Latin-1, and the server would refuse anything outside visible
 * ASCII: a key typed on another keyboard layout (a Cyrillic "с" for a Latin "c") is such a key.
 */
import { t } from '../i18n/index.ts';

export const MIN_KEY_LENGTH = 8;
export const MAX_KEY_LENGTH = 512;

export type KeyProblem =
  /** The characters a key cannot have, each once, in the order typed. */
  | { kind: 'characters'; characters: string[] }
  | { kind: 'short' }
  | { kind: 'long' };

/** Visible ASCII: `!` to `~`. */
const VISIBLE_ASCII = /^[\x21-\x7e]$/;

/** Why `key` cannot be an API key, or null when it can (the empty key: no key). */
export function apiKeyProblem(key: string): KeyProblem | null {
  if (key === '') return null;
  const characters = [...new Set([...key].filter((c) => !VISIBLE_ASCII.test(c)))];
  if (characters.length) return { kind: 'characters', characters };
  if (key.length < MIN_KEY_LENGTH) return { kind: 'short' };
  if (key.length > MAX_KEY_LENGTH) return { kind: 'long' };
  return null;
}

/** The problem in the page's words: that the key is not valid, and why. */
export function apiKeyProblemText(problem: KeyProblem): string {
  switch (problem.kind) {
    case 'characters': {
      const shown = problem.characters.slice(0, 5).map((c) => (/\s/.test(c) ? t('a space') : t('“{character}”', { character: c })));
      const cyrillic = problem.characters.some((c) => /\p{Script=Cyrillic}/u.test(c));
      return cyrillic
        ? t('That API key is not valid: it has Cyrillic letters ({characters}). A key has Latin letters, digits and signs only: switch the keyboard to the Latin layout and enter it again.', { characters: shown.join(', ') })
        : t('That API key is not valid: it has characters a key cannot have ({characters}). A key has Latin letters, digits and signs only.', { characters: shown.join(', ') });
    }
    case 'short':
      return t('That API key is not valid: it is too short (a key has at least {n} characters).', { n: MIN_KEY_LENGTH });
    case 'long':
      return t('That API key is not valid: it is too long (a key has at most {n} characters).', { n: MAX_KEY_LENGTH });
  }
}
