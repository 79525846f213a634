import { syllables } from '../text/normalize.js';
import type { Embedder } from './types.js';

/**
 * The local default embedder: hashed features of folded syllables, syllable bigrams and character trigrams, signed
 * (feature hashing), sublinear term frequency, L2-normalised. Deterministic, no network, no weights; tolerant to
 * missing accents and small typos through the character n-grams.
 */
export interface HashEmbedderOptions {
  dimensions?: number;
  /** Optional per-feature weights learned from a corpus (see createCatalogEmbedder); default 1. */
  weightOf?: (feature: string) => number;
  /** Overrides the id (a learned variant must encode what it learned from). */
  id?: string;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Features of a text with their counts: "w:x" syllables, "b:x_y" bigrams, "c:abc" character trigrams. */
export function hashFeatures(text: string): Map<string, number> {
  const f = new Map<string, number>();
  const add = (k: string, n = 1) => f.set(k, (f.get(k) ?? 0) + n);
  const sy = syllables(text).map((s) => s.folded);
  for (let i = 0; i < sy.length; i++) {
    const w = sy[i]!;
    add('w:' + w);
    if (i + 1 < sy.length) add('b:' + w + '_' + sy[i + 1]);
    const padded = ` ${w} `;
    for (let j = 0; j + 3 <= padded.length; j++) add('c:' + padded.slice(j, j + 3), 0.5);
  }
  return f;
}

export function createHashEmbedder(options: HashEmbedderOptions = {}): Embedder & { embedOne(text: string): Float32Array } {
  const dims = options.dimensions ?? 384;
  const weightOf = options.weightOf ?? (() => 1);
  const embedOne = (text: string): Float32Array => {
    const v = new Float32Array(dims);
    for (const [feat, count] of hashFeatures(text)) {
      const w = weightOf(feat);
      if (!w) continue;
      const h = fnv1a(feat);
      const sign = h & 0x80000000 ? -1 : 1;
      v[h % dims]! += sign * w * (1 + Math.log(count + 1) - Math.log(2));
    }
    let n = 0;
    for (let i = 0; i < dims; i++) n += v[i]! * v[i]!;
    n = Math.sqrt(n);
    if (n > 0) for (let i = 0; i < dims; i++) v[i]! /= n;
    return v;
  };
  return {
    id: options.id ?? `local-hash-v1:${dims}`,
    dimensions: dims,
    embedOne,
    async embed(texts) {
      return texts.map((t) => Array.from(embedOne(t)));
    },
  };
}
