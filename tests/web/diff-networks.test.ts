/**
 * The page's note over a comparison of two stored runs on different networks says what the API's
 * comparison says: a network of its own against the default one, two of their own with different
 * figures, or the default network at two versions; nothing for the same figures. In both languages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../server/core/hash.ts';
import { networkMismatch, type RunNetwork } from '../../server/core/network-digest.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { networksNote } from '../../web/src/lib/diff.ts';
import { setLocale } from '../../web/src/i18n/index.ts';

const shipped = loadDefaultNetwork();
const onDefault = (version: string | undefined): RunNetwork => ({ scenario: {}, plan: { networkVersion: version } });
const onOwn = (network: typeof shipped): RunNetwork => ({ scenario: { network }, plan: { networkVersion: network.version } });
const note = (a: RunNetwork, b: RunNetwork) => networksNote({ networks: networkMismatch(a, b, sha256Hex) });

afterEach(() => setLocale('en'));

describe('the networks note over a comparison of stored runs', () => {
  it('names both versions of the default network when a data release lies between the runs', () => {
    expect(note(onDefault('2026.11-3'), onDefault('2026.12-1'))).toBe(
      'A and B were planned on different versions of the default network (2026.11-3 and 2026.12-1): the differences are the data’s as well as the inputs’.',
    );
    setLocale('ru');
    expect(note(onDefault('2026.11-3'), onDefault('2026.12-1'))).toContain('на разных версиях сети по умолчанию (2026.11-3 и 2026.12-1)');
  });

  it('says nothing for one version, or for runs made before plans recorded it', () => {
    expect(note(onDefault('2026.11-3'), onDefault('2026.11-3'))).toBeNull();
    expect(note(onDefault(undefined), onDefault('2026.12-1'))).toBeNull();
  });

  it('tells a network of its own from the default one, either way round', () => {
    expect(note(onDefault(shipped.version), onOwn(shipped))).toBe('A was planned on the default network and B on a network of its own: the differences are the networks’ as well as the inputs’.');
    expect(note(onOwn(shipped), onDefault(shipped.version))).toContain('A was planned on a network of its own and B on the default network');
  });

  it('two networks of their own: the same figures under other citations and labels are one network; other figures are two', () => {
    const recited = structuredClone(shipped);
    recited.name = 'Copy';
    recited.version = 'copy-1';
    recited.borderFrictions[0]!.sources = { cost: 'another citation' };
    expect(note(onOwn(shipped), onOwn(recited))).toBeNull();
    const dearer = structuredClone(shipped);
    dearer.plants[0]!.variableCostUsdPerTonne += 1;
    expect(note(onOwn(shipped), onOwn(dearer))).toBe('A and B were planned on two different networks of their own: the differences are the networks’ as well as the inputs’.');
  });
});
