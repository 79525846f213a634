import { describe, expect, it } from 'vitest';
import { parseBenchRetrieval } from '../../scripts/bench/retrieval-at-scale.js';

describe('reading the summary of scripts/bench-retrieval.ts', () => {
  it('reads import, index, HNSW and search figures', () => {
    const out = [
      'imported 52840 procedures (2642 × 20) in 61.2 s',
      'indexed 332900 chunks (hash-v2) in 540.3 s; HNSW index built in 88.0 s',
      'search (PostgreSQL: GIN tsvector + HNSW, 52840 procedures): p50 21.5 ms, p95 48.2 ms over 174 queries; top-1 0.71, R@5 0.9 (replicas count as right)',
    ].join('\n');
    expect(parseBenchRetrieval(out)).toEqual({
      procedures: 52840,
      importS: 61.2,
      chunks: 332900,
      indexS: 540.3,
      hnswS: 88,
      p50: 21.5,
      p95: 48.2,
      queries: 174,
      top1: 0.71,
      recall5: 0.9,
    });
  });

  it('reports a skip with its reason', () => {
    expect(parseBenchRetrieval('bench-retrieval: skipped — DATABASE_URL is not set (needs PostgreSQL)\n')).toEqual({
      skipped: 'DATABASE_URL is not set (needs PostgreSQL)',
    });
  });
});
