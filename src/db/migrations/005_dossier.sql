-- Dossier status lookups (issue 7): an audit row per lookup, per-chat throttle state shared by every worker, and
-- subscriptions for status-change notifications. Plain PostgreSQL 15 SQL (also runs on PGlite).

-- One row per lookup attempt. chat_hash is hashId(chatId); never the raw chat id or the applicant's name.
CREATE TABLE IF NOT EXISTS dossier_lookups (
  id bigserial PRIMARY KEY,
  chat_hash text NOT NULL,
  code text NOT NULL,
  -- found | not_found | throttled | invalid | error
  result text NOT NULL,
  status smallint,
  error_code text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS dossier_lookups_chat_at_idx ON dossier_lookups (chat_hash, at);
CREATE INDEX IF NOT EXISTS dossier_lookups_at_idx ON dossier_lookups (at);

-- A fixed window of lookups per chat plus a streak of "not found" answers that triggers a cool-down.
CREATE TABLE IF NOT EXISTS dossier_throttle (
  chat_hash text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  window_count integer NOT NULL DEFAULT 0,
  not_found_streak integer NOT NULL DEFAULT 0,
  cooldown_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A chat following a dossier. chat_id is kept raw because the poller must send to it; chat_hash is for logs.
CREATE TABLE IF NOT EXISTS dossier_subscriptions (
  id bigserial PRIMARY KEY,
  channel text NOT NULL,
  chat_id text NOT NULL,
  chat_hash text NOT NULL,
  code text NOT NULL,
  last_status smallint,
  active boolean NOT NULL DEFAULT true,
  next_check_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  last_checked_at timestamptz,
  -- Failed deliveries in a row (chat blocked the bot, platform down); the subscription stops after a few.
  send_failures integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel, chat_id, code)
);
CREATE INDEX IF NOT EXISTS dossier_subscriptions_due_idx ON dossier_subscriptions (next_check_at) WHERE active;
CREATE INDEX IF NOT EXISTS dossier_subscriptions_chat_idx ON dossier_subscriptions (channel, chat_id);
