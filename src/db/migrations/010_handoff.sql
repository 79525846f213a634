-- Human handoff (issue 19): a citizen's conversation handed to a centre officer, in the same chat.
--
-- The raw chat id is needed to deliver the officer's messages while a handoff is open (and until its closing notice
-- and the 👍/👎 on it are done). It is never stored beside a hash of itself: while `chat_id` is set, `chat_key` is
-- NULL; when the handoff is forgotten the raw id is dropped and `chat_key` (channel + hashed id, the same key as
-- chat_sessions) takes its place, so that deletion of a chat's data and retention still find the row.
CREATE TABLE IF NOT EXISTS handoffs (
  id bigserial PRIMARY KEY,
  channel text NOT NULL,
  chat_id text,
  chat_key text,
  -- open | closed
  status text NOT NULL DEFAULT 'open',
  -- The procedure the conversation was about when it was handed over, when one was known.
  procedure_code text,
  opened_at timestamptz NOT NULL DEFAULT now(),
  -- Since when the citizen has waited for an officer (NULL when an officer wrote last).
  waiting_since timestamptz,
  first_reply_at timestamptz,
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  -- staff | citizen | stale
  closed_by text,
  -- up | down: the citizen's 👍/👎 on the help received
  rating text,
  CHECK (chat_id IS NULL OR chat_key IS NULL)
);
-- One open handoff per chat: two workers opening at once for one chat get one row.
CREATE UNIQUE INDEX IF NOT EXISTS handoffs_one_open ON handoffs (channel, chat_id) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS handoffs_chat ON handoffs (channel, chat_id) WHERE chat_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS handoffs_chat_key ON handoffs (chat_key) WHERE chat_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS handoffs_opened_at ON handoffs (opened_at);

-- The conversation: what the citizen wrote, what the bot said, what officers wrote. Texts are kept as written (the
-- officer may need a phone number to call back); the inbox shows them masked unless an officer opens them (audited in
-- handoff_reveals). Messages to the citizen (staff replies, the closing notice) carry a delivery state.
CREATE TABLE IF NOT EXISTS handoff_messages (
  id bigserial PRIMARY KEY,
  handoff_id bigint NOT NULL REFERENCES handoffs (id) ON DELETE CASCADE,
  -- citizen | bot | staff
  sender text NOT NULL,
  text text NOT NULL,
  -- text | closed (the closing notice, sent with 👍/👎)
  kind text NOT NULL DEFAULT 'text',
  at timestamptz NOT NULL DEFAULT now(),
  -- NULL for messages that are only recorded; pending | sent | failed for messages to the citizen.
  delivery text,
  claimed_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  delivery_error text,
  delivered_at timestamptz
);
CREATE INDEX IF NOT EXISTS handoff_messages_handoff ON handoff_messages (handoff_id, id);
CREATE INDEX IF NOT EXISTS handoff_messages_pending ON handoff_messages (id) WHERE delivery = 'pending';

-- Every time an officer opened the unmasked texts of a conversation. No foreign key: the audit outlives the texts
-- when they are deleted or pruned (it holds no personal data).
CREATE TABLE IF NOT EXISTS handoff_reveals (
  id bigserial PRIMARY KEY,
  handoff_id bigint NOT NULL,
  -- Who opened it, as the admin auth knows them ('admin' with the shared ADMIN_TOKEN).
  staff text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
