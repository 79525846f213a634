import { createHashEmbedder } from './hash-embedder.js';
import type { Embedder } from './types.js';

export const localEmbedderNames = ['hash'] as const;
export type LocalEmbedderName = (typeof localEmbedderNames)[number];

/** The local embedders by name (no network, no weights). Unknown names fall back to the default, "hash". */
export function createLocalEmbedder(name: string = 'hash', options: { dimensions?: number } = {}): Embedder {
  switch (name) {
    default:
      return createHashEmbedder({ dimensions: options.dimensions });
  }
}
