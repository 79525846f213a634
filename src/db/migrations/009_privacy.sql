-- Privacy (issue 17): keyed hashes, a citizen's deletion, retention, revocable admin sessions.

-- Chat ids are now stored as HMAC-SHA-256 under HASH_SECRET (src/logger.ts). The raw id stays only where a message
-- must still be delivered; a hash beside it would let anyone holding the table test guessed ids, so it goes.
ALTER TABLE dossier_subscriptions DROP COLUMN IF EXISTS chat_hash;

-- Hashes made before this migration (SHA-256 with a public salt, cut to 64 bits) can be reversed by trying every
-- Telegram id. Short-lived state keyed by them is dropped (sessions time out in minutes, limits in hours).
DELETE FROM chat_sessions;
DELETE FROM dossier_throttle;
DELETE FROM channel_rate_limits;
-- Stored history is cut over: each old hash is replaced by a hash of it under one random salt (MATERIALIZED: drawn
-- once, not per row) that exists only while the statement runs, so rows of one chat still group together in the
-- report but nobody can link them to an id.
WITH s AS MATERIALIZED (SELECT gen_random_uuid()::text || gen_random_uuid()::text AS salt)
UPDATE interactions i SET chat_hash = 'legacy-' || encode(sha256(convert_to(s.salt || i.chat_hash, 'UTF8')), 'hex')
FROM s
WHERE length(i.chat_hash) = 16;
WITH s AS MATERIALIZED (SELECT gen_random_uuid()::text || gen_random_uuid()::text AS salt)
UPDATE dossier_lookups l SET chat_hash = 'legacy-' || encode(sha256(convert_to(s.salt || l.chat_hash, 'UTF8')), 'hex')
FROM s
WHERE length(l.chat_hash) = 16;

-- A question the bot asked and waits for an answer to (today only 'erase': "xóa dữ liệu?" → "đồng ý").
ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS pending text;

-- Admin browser sessions, revocable: the cookie holds a random id, this table its SHA-256; logout deletes the row.
CREATE TABLE IF NOT EXISTS admin_sessions (
  id_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS admin_sessions_expires_idx ON admin_sessions (expires_at);

-- Retention (RETENTION_DAYS) deletes by time from every per-chat table.
CREATE INDEX IF NOT EXISTS chat_sessions_updated_idx ON chat_sessions (updated_at);
CREATE INDEX IF NOT EXISTS dossier_throttle_updated_idx ON dossier_throttle (updated_at);
CREATE INDEX IF NOT EXISTS channel_rate_limits_window_idx ON channel_rate_limits (window_start);
CREATE INDEX IF NOT EXISTS dossier_subscriptions_inactive_idx ON dossier_subscriptions (updated_at) WHERE NOT active;
