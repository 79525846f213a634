-- Conversation state per chat, for follow-ups ("còn lệ phí thì sao?") and numbered choices. Keyed by channel and a
-- hash of the chat id; expires by time in code (SESSION_TIMEOUT_MINUTES).
CREATE TABLE IF NOT EXISTS chat_sessions (
  chat_key text PRIMARY KEY,
  last_code text,
  last_aspects jsonb NOT NULL DEFAULT '[]'::jsonb,
  last_choices jsonb NOT NULL DEFAULT '[]'::jsonb,
  last_question text,
  last_outcome text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
