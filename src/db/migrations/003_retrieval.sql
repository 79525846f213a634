-- Retrieval index (issue 4): one row per procedure field group ("chunk"), each carrying the procedure's name.
-- `embedding` has no fixed dimension so that embedders of any size can share the table; an HNSW index needs one,
-- so it is created per embedder as an expression index (see scripts/bench-retrieval.ts).
CREATE TABLE IF NOT EXISTS chunks (
  code text NOT NULL REFERENCES procedures (code) ON DELETE CASCADE,
  kind text NOT NULL,
  name text NOT NULL,
  body text NOT NULL,
  -- lexical representation: folded syllables and syllable bigrams (the two syllables joined: "giayphep"), space
  -- separated, and its tsvector for the database-side search used at scale (src/retrieval/pg-searcher.ts)
  lexemes text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', lexemes)) STORED,
  embedding vector,
  embedder text NOT NULL,
  content_hash text NOT NULL,
  PRIMARY KEY (code, kind)
);
CREATE INDEX IF NOT EXISTS chunks_embedder_idx ON chunks (embedder);
CREATE INDEX IF NOT EXISTS chunks_tsv_idx ON chunks USING gin (tsv);
-- Name chunks are short: ranking them in the database stays fast at tens of thousands of procedures.
CREATE INDEX IF NOT EXISTS chunks_name_tsv_idx ON chunks USING gin (tsv) WHERE kind = 'name';

-- What is indexed for each procedure: the content hash and embedder it was indexed with, so that a sync re-indexes
-- only procedures whose catalog row changed (or everything when the embedder changes).
CREATE TABLE IF NOT EXISTS retrieval_index (
  code text PRIMARY KEY,
  content_hash text NOT NULL,
  embedder text NOT NULL,
  chunks integer NOT NULL,
  indexed_at timestamptz NOT NULL DEFAULT now()
);
