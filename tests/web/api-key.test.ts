/**
 * A key is checked before the page stores or sends it: a letter of another keyboard layout (a
 * Cyrillic "с" for a Latin "c"), a space or a key of the wrong length is said to be not valid, and
 * why, in the page's language; a stored key that cannot be one is never sent in a header.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authHeaders } from '../../web/src/api.ts';
import { setLocale } from '../../web/src/i18n/index.ts';
import { apiKeyProblem, apiKeyProblemText } from '../../web/src/lib/api-key.ts';

afterEach(() => {
  setLocale('en');
  vi.unstubAllGlobals();
});

describe('what an API key can look like', () => {
  it('takes the keys the server issues and configured keys of visible ASCII', () => {
    expect(apiKeyProblem('cxo_Zm9vYmFyLWJhei1xdXV4LTEyMzQ1Njc4OTAtYWJjZGVmZ2hpams')).toBeNull();
    expect(apiKeyProblem('hunt-planner-key-000')).toBeNull();
    expect(apiKeyProblem('a!b#c$d%e&f~')).toBeNull();
    // No key at all is not a bad key: it removes the key.
    expect(apiKeyProblem('')).toBeNull();
  });

  it('names the characters a key cannot have, once each', () => {
    expect(apiKeyProblem('сxo_ключ-planner')).toEqual({ kind: 'characters', characters: ['с', 'к', 'л', 'ю', 'ч'] });
    expect(apiKeyProblem('hunt-planner-key-000ё')).toEqual({ kind: 'characters', characters: ['ё'] });
    expect(apiKeyProblem('two words here')).toEqual({ kind: 'characters', characters: [' '] });
    expect(apiKeyProblem('café-latin-1-key')).toEqual({ kind: 'characters', characters: ['é'] });
    expect(apiKeyProblem('short')).toEqual({ kind: 'short' });
    expect(apiKeyProblem('x'.repeat(513))).toEqual({ kind: 'long' });
  });

  it('says that the key is not valid and why, in English and Russian', () => {
    expect(apiKeyProblemText(apiKeyProblem('сxo_key-planner')!)).toBe(
      'That API key is not valid: it has Cyrillic letters (“с”). A key has Latin letters, digits and signs only: switch the keyboard to the Latin layout and enter it again.',
    );
    expect(apiKeyProblemText(apiKeyProblem('two words here')!)).toBe('That API key is not valid: it has characters a key cannot have (a space). A key has Latin letters, digits and signs only.');
    expect(apiKeyProblemText({ kind: 'short' })).toBe('That API key is not valid: it is too short (a key has at least 8 characters).');
    setLocale('ru');
    expect(apiKeyProblemText(apiKeyProblem('сxo_key-planner')!)).toBe(
      'Этот API-ключ недействителен: в нём есть кириллические буквы («с»). В ключе бывают только латинские буквы, цифры и знаки: переключите клавиатуру на латинскую раскладку и введите ключ заново.',
    );
  });

  it('never puts a stored key that cannot be one into a header (the browser would refuse the request)', () => {
    const storage = new Map<string, string>();
    vi.stubGlobal('localStorage', { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v), removeItem: (k: string) => storage.delete(k) });
    storage.set('caspian.apiKey', 'сxo_ключ-planner');
    expect(authHeaders('application/json')).toEqual({ accept: 'application/json' });
    storage.set('caspian.apiKey', 'hunt-planner-key-000');
    expect(authHeaders('application/json')).toEqual({ accept: 'application/json', authorization: 'Bearer hunt-planner-key-000' });
  });
});
