-- Channels: platform deliveries seen (dedupe across repeats and restarts) and per-user rate-limit windows.
-- Both tables are shared by every worker process, so several webhook workers agree on what was already handled.

-- One row per platform update (Telegram update_id, Zalo message_id). The first INSERT wins; repeats are dropped.
CREATE TABLE IF NOT EXISTS channel_updates (
  channel text NOT NULL,
  update_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel, update_id)
);
CREATE INDEX IF NOT EXISTS channel_updates_received_at ON channel_updates (received_at);

-- Fixed-window counter per (channel, hashed user). user_key is a hash, never the platform id.
CREATE TABLE IF NOT EXISTS channel_rate_limits (
  channel text NOT NULL,
  user_key text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (channel, user_key)
);
