/** The built-in simulator's demo dossiers are never shown by a deployment unless it says so (CENTER_SIMULATOR=1). */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { dossierSource } from '../../src/dossier/from-config.js';

describe('which dossiers a server shows', () => {
  it.each([
    [{}, 'simulator'],
    [{ PUBLIC_URL: 'https://motcua.example.vn' }, 'off'],
    [{ PUBLIC_URL: 'https://motcua.example.vn', CENTER_SIMULATOR: '1' }, 'simulator'],
    [{ PUBLIC_URL: 'https://motcua.example.vn', CENTER_SIMULATOR: '0' }, 'off'],
    [{ PUBLIC_URL: 'https://motcua.example.vn', CENTER_API_URL: 'https://api.example.vn' }, 'http'],
    [{ CENTER_API_URL: 'https://api.example.vn', CENTER_SIMULATOR: '1' }, 'http'],
  ] as const)('%j → %s', (env, expected) => {
    expect(dossierSource(parseConfig(env))).toBe(expected);
  });

  it('takes only 0 or 1 for CENTER_SIMULATOR', () => {
    expect(() => parseConfig({ CENTER_SIMULATOR: 'yes' })).toThrow(/CENTER_SIMULATOR/);
  });
});
