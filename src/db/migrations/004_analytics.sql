-- Interaction log for managers (issue 8). One row per message the core handled, plus feedback events.
-- `record_id` is made by the recorder before the first write attempt, so a replay from the spool file after a failed
-- (or timed-out but actually committed) write inserts each record at most once.
CREATE TABLE IF NOT EXISTS interactions (
  id bigserial PRIMARY KEY,
  record_id text NOT NULL UNIQUE,
  at timestamptz NOT NULL,
  channel text NOT NULL,
  chat_hash text NOT NULL,
  -- normalised question text with phone, CCCD, e-mail, dossier and card numbers redacted
  text text NOT NULL DEFAULT '',
  aspects jsonb NOT NULL DEFAULT '[]'::jsonb,
  outcome text NOT NULL,
  code text,
  -- [{"code": "1.001193", "score": 0.82}, ...] in the order the bot ranked them
  candidates jsonb NOT NULL DEFAULT '[]'::jsonb,
  latency_ms integer NOT NULL DEFAULT 0,
  feedback text CHECK (feedback IN ('up', 'down')),
  comment text,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The report reads a time window, walks each chat in time order, and groups by procedure and outcome.
CREATE INDEX IF NOT EXISTS interactions_at_idx ON interactions (at);
CREATE INDEX IF NOT EXISTS interactions_chat_at_idx ON interactions (chat_hash, at);
CREATE INDEX IF NOT EXISTS interactions_code_at_idx ON interactions (code, at) WHERE code IS NOT NULL;
CREATE INDEX IF NOT EXISTS interactions_outcome_at_idx ON interactions (outcome, at);
CREATE INDEX IF NOT EXISTS interactions_feedback_at_idx ON interactions (at) WHERE feedback IS NOT NULL OR comment IS NOT NULL;
