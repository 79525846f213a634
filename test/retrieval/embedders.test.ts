import { describe, expect, it } from 'vitest';
import { createLocalEmbedder } from '../../src/retrieval/embedders.js';

const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('local embedders', () => {
  it('hash: deterministic unit vectors of the stated size', async () => {
    const e = createLocalEmbedder('hash', { dimensions: 128 });
    const [a, b] = await e.embed(['Đăng ký kết hôn', 'Đăng ký kết hôn']);
    expect(a).toHaveLength(128);
    expect(a).toEqual(b);
    expect(cos(a!, a!)).toBeCloseTo(1, 5);
    expect(e.id).toBe('local-hash-v1:128');
  });

  it('hash: a question typed without accents lands near the accented procedure name', async () => {
    const e = createLocalEmbedder('hash');
    const [name, bare, other] = await e.embed(['Cấp lại giấy phép lái xe', 'cap lai giay phep lai xe', 'Đăng ký khai tử']);
    expect(cos(name!, bare!)).toBeGreaterThan(0.9);
    expect(cos(name!, bare!)).toBeGreaterThan(cos(name!, other!));
  });

  it('idf: learns from the catalog, and its id changes when the catalog does', async () => {
    const a = createLocalEmbedder('idf', { corpus: ['đăng ký khai sinh', 'đăng ký kết hôn'] });
    const b = createLocalEmbedder('idf', { corpus: ['đăng ký khai sinh', 'đăng ký kết hôn', 'cấp hộ chiếu'] });
    expect(a.id).not.toBe(b.id);
    const [v] = await a.embed(['khai sinh']);
    expect(cos(v!, v!)).toBeCloseTo(1, 5);
    expect(() => createLocalEmbedder('idf')).toThrow(/corpus/);
    expect(() => createLocalEmbedder('nope')).toThrow(/unknown local embedder/);
  });
});
