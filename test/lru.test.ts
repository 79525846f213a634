import { describe, expect, it } from 'vitest';
import { Lru } from '../src/lru.js';

describe('Lru', () => {
  it('drops the least recently used entry; a read counts as use', () => {
    const l = new Lru<string, number>(2);
    l.set('a', 1);
    l.set('b', 2);
    expect(l.get('a')).toBe(1); // a is now the most recent
    l.set('c', 3);
    expect(l.get('b')).toBeUndefined();
    expect([l.get('a'), l.get('c')]).toEqual([1, 3]);
  });

  it('keeps falsy values, replaces on set, forgets on delete and clear; size 0 keeps nothing', () => {
    const l = new Lru<string, number | null>(3);
    l.set('z', 0);
    l.set('n', null);
    expect([l.get('z'), l.get('n')]).toEqual([0, null]);
    l.set('z', 5);
    expect(l.get('z')).toBe(5);
    l.delete('z');
    expect(l.get('z')).toBeUndefined();
    l.clear();
    expect(l.get('n')).toBeUndefined();
    const none = new Lru<string, number>(0);
    none.set('a', 1);
    expect(none.get('a')).toBeUndefined();
  });
});
