import { Lru } from '../lru.js';
import type { Procedure } from './schema.js';

/**
 * A small LRU in front of the catalog for the answer path: the same few procedures are read for most messages, and
 * reading a record means parsing a large jsonb row. The catalog only changes by import, after which workers re-sync
 * the index and are restarted (README, Production), so `clear()` on refresh is enough.
 */
export function createProcedureCache(load: (code: string) => Promise<Procedure | undefined>, size = 256) {
  const entries = new Lru<string, Procedure>(size);
  return {
    async get(code: string): Promise<Procedure | undefined> {
      const hit = entries.get(code);
      if (hit) return hit;
      const p = await load(code);
      if (p) entries.set(code, p);
      return p;
    },
    clear() {
      entries.clear();
    },
  };
}
