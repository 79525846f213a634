-- Zalo Official Account API v3 (issue 16): the OAuth token pair, the users' interaction window, and dossier
-- notifications that could not be sent because the window was closed. Shared by every worker process.

-- One row per Zalo app. A refresh token works once: the pair is replaced in one UPDATE guarded by the refresh token
-- it was obtained with. refresh_lease_* is the lock that lets only one process refresh at a time; it lasts longer
-- than the OAuth call's HTTP timeout, so a slow refresh is never raced. seed_hash is sha256 of the env refresh token
-- that seeded the row: the same seed is never stored again once spent.
CREATE TABLE IF NOT EXISTS zalo_oa_tokens (
  app_id text PRIMARY KEY,
  access_token text,
  refresh_token text NOT NULL,
  access_expires_at timestamptz,
  seed_hash text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  refresh_lease_owner text,
  refresh_lease_until timestamptz,
  refreshed_at timestamptz,
  -- Last failed refresh (code and a short reason, never a token); cleared by the next success.
  refresh_error text,
  refresh_error_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The last message of each OA user: the OA may reply freely only within a limited time after it.
-- user_id is the OA-scoped id the API sends to (no hash beside it: that would link it to the hashed tables).
CREATE TABLE IF NOT EXISTS zalo_oa_users (
  user_id text PRIMARY KEY,
  last_interaction_at timestamptz,
  following boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Notifications not sent (outside the interaction window, or the user unfollowed): shown in the admin.
CREATE TABLE IF NOT EXISTS zalo_oa_undelivered (
  id bigserial PRIMARY KEY,
  user_hash text NOT NULL,
  reason text NOT NULL,
  last_interaction_at timestamptz,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS zalo_oa_undelivered_at_idx ON zalo_oa_undelivered (at);
CREATE INDEX IF NOT EXISTS zalo_oa_undelivered_user_idx ON zalo_oa_undelivered (user_hash);
CREATE INDEX IF NOT EXISTS zalo_oa_users_updated_idx ON zalo_oa_users (updated_at);
