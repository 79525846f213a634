-- Catalog lifecycle (issue 18): the province's list as a third source beside `knowledge` and `imported`, retirement,
-- per-procedure change history, a version that running workers poll to reload, staff corrections and centre notes,
-- and an audit log of staff changes.

-- The record from the province's published list (names, fields, online levels, portal pages; no documents or fees).
ALTER TABLE procedures ADD COLUMN IF NOT EXISTS province jsonb;
-- Set when no source lists the procedure any more (import --retire-missing): not answered, not searched, kept for staff.
ALTER TABLE procedures ADD COLUMN IF NOT EXISTS retired_at timestamptz;

-- One row per import run.
CREATE TABLE IF NOT EXISTS catalog_imports (
  id bigserial PRIMARY KEY,
  source text NOT NULL,
  file text,
  at timestamptz NOT NULL DEFAULT now(),
  counts jsonb NOT NULL DEFAULT '{}'::jsonb
);

-- What an import changed in the served record, field by field: kind is added | updated | retired | restored.
CREATE TABLE IF NOT EXISTS procedure_changes (
  id bigserial PRIMARY KEY,
  code text NOT NULL,
  source text NOT NULL,
  kind text NOT NULL,
  fields jsonb NOT NULL DEFAULT '[]'::jsonb,
  import_id bigint,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS procedure_changes_code_idx ON procedure_changes (code, at);

-- Bumped by every change to what is answered (import, retirement, correction, note); workers poll it and reload.
CREATE TABLE IF NOT EXISTS catalog_state (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL DEFAULT 0,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO catalog_state (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

-- Staff corrections: this question (folded key) means this procedure. No foreign key: corrections outlive re-imports.
CREATE TABLE IF NOT EXISTS corrections (
  id bigserial PRIMARY KEY,
  question text NOT NULL,
  question_key text NOT NULL,
  code text NOT NULL,
  created_by text NOT NULL DEFAULT 'admin',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS corrections_key_idx ON corrections (question_key);

-- The centre's own note on a procedure (local counter, local fee and its resolution, desk hours), apart from catalog facts.
CREATE TABLE IF NOT EXISTS centre_notes (
  code text PRIMARY KEY,
  text text NOT NULL,
  updated_by text NOT NULL DEFAULT 'admin',
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every staff change (correction, note, import), newest first on the dashboard.
CREATE TABLE IF NOT EXISTS audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at);

-- Named staff accounts for the dashboard (src/server/admin/staff.ts); ADMIN_TOKEN stays for scripts and first access.
CREATE TABLE IF NOT EXISTS staff_accounts (
  name text PRIMARY KEY,
  role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  -- scrypt$N$r$p$salt$hash
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Which account a dashboard session belongs to (NULL: logged in with ADMIN_TOKEN).
ALTER TABLE admin_sessions ADD COLUMN IF NOT EXISTS staff text;
