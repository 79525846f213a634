-- Procedure catalog: one row per procedure code. `data` is the Procedure record (src/catalog/schema.ts) as served;
-- `content_hash` changes whenever `data` changes, so the retrieval index re-indexes only what changed.
CREATE TABLE IF NOT EXISTS procedures (
  code text PRIMARY KEY,
  name text NOT NULL,
  field text NOT NULL,
  origin text NOT NULL,
  data jsonb NOT NULL,
  content_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS procedures_field_idx ON procedures (field);
