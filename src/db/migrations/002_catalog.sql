-- Procedure catalog: one row per procedure code. `data` is the Procedure record (src/catalog/schema.ts) as served;
-- `content_hash` changes whenever `data` changes, so the retrieval index re-indexes only what changed.
-- `data` is the merge of two sources kept side by side so the merge can be recomputed whenever either changes:
-- `knowledge` (our curated record from knowledge/) and `imported` (the record parsed from the national portal).
-- `origin` is 'knowledge' when a curated record exists, else 'dvc'.
CREATE TABLE IF NOT EXISTS procedures (
  code text PRIMARY KEY,
  name text NOT NULL,
  field text NOT NULL,
  origin text NOT NULL,
  data jsonb NOT NULL,
  content_hash text NOT NULL,
  knowledge jsonb,
  imported jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS procedures_field_idx ON procedures (field);
