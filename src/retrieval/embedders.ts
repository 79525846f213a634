import { createHash } from 'node:crypto';
import { createHashEmbedder, hashFeatures } from './hash-embedder.js';
import type { Embedder } from './types.js';

const localEmbedderNames = ['hash', 'idf'] as const;
export type LocalEmbedderName = (typeof localEmbedderNames)[number];

export interface LocalEmbedderOptions {
  dimensions?: number;
  /** Texts to learn from ('idf' only): the chunk bodies of the catalog, see chunkProcedure. */
  corpus?: string[];
}

/**
 * The local embedders (no network, no downloaded weights):
 * - 'hash' (default): hashed syllable, bigram and character-trigram features. Stateless, so re-indexing stays
 *   incremental.
 * - 'idf': the same features weighted by inverse document frequency learned from the catalog at index time. Its id
 *   carries a fingerprint of what it learned, so any catalog change re-embeds everything; measured in `npm run eval`.
 * Throws on an unknown name, or 'idf' without a corpus.
 */
export function createLocalEmbedder(name: string = 'hash', options: LocalEmbedderOptions = {}): Embedder {
  if (name === 'hash') return createHashEmbedder({ dimensions: options.dimensions });
  if (name === 'idf') {
    if (!options.corpus?.length) throw new Error("the 'idf' embedder learns from the catalog: pass options.corpus");
    return fitIdfEmbedder(options.corpus, options.dimensions);
  }
  throw new Error(`unknown local embedder "${name}" (one of ${localEmbedderNames.join(', ')})`);
}

function fitIdfEmbedder(corpus: string[], dimensions = 384): Embedder {
  const df = new Map<string, number>();
  for (const t of corpus) for (const f of hashFeatures(t).keys()) df.set(f, (df.get(f) ?? 0) + 1);
  const N = corpus.length;
  const fp = createHash('sha256');
  for (const [f, n] of [...df].sort((a, b) => (a[0] < b[0] ? -1 : 1))) fp.update(`${f}:${n}\n`);
  return createHashEmbedder({
    dimensions,
    // Features never seen in the catalog cannot match anything: weight them like the rarest seen ones.
    weightOf: (f) => Math.log(1 + N / ((df.get(f) ?? 0) + 1)),
    id: `local-idf-v1:${dimensions}:${fp.digest('hex').slice(0, 12)}`,
  });
}
