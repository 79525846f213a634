/**
 * The contracts every layer shares: what a channel hands to the core and what the core answers, the service itself,
 * the centre's contact details, and what a health probe reports. No SDK types here: channels translate to and from
 * these. Nothing in src/core imports from another folder of src/.
 */
export type ChannelName = 'telegram' | 'zalo' | 'zalo_oa' | 'web' | 'cli';

/** What a channel hands to the core. */
export interface Incoming {
  channel: ChannelName;
  /** The platform's chat id (string). The core hashes it before storing or logging. */
  chatId: string;
  /** Optional platform user id (hashed by the core like chatId). */
  userRef?: string;
  /**
   * What limits dossier lookups: something the sender cannot choose. The web chat sets the client's address (its
   * chatId is whatever the browser sends); Telegram and Zalo leave it unset and the platform's user id (userRef, else
   * chatId) is used.
   */
  limitKey?: string;
  /** The message text as typed (may be empty for actions). */
  text: string;
  receivedAt: Date;
  /** A slash command already split by the channel: /tt 1.001193 → { name: 'tt', args: '1.001193' }. */
  command?: { name: string; args: string };
  /** A button press: a choice from the last list (1-based), or feedback on the last answer. */
  action?: { type: 'choice'; index: number; code?: string } | { type: 'feedback'; value: 'up' | 'down' } | { type: 'handoff' };
}

/** 'handoff': about the conversation with an officer; an empty text means the officer answers and nothing is sent. */
export type Outcome = 'answered' | 'clarify' | 'unresolved' | 'dossier' | 'smalltalk' | 'emergency' | 'feedback' | 'error' | 'handoff';

export interface Citation {
  code: string;
  name: string;
  url?: string;
  /** "as of" date of the cited record (YYYY-MM-DD). */
  asOf?: string;
}

export interface Choice {
  /** 1-based number the citizen can type. */
  index: number;
  code: string;
  name: string;
  /** e.g. "Cấp xã" */
  level?: string;
}

/**
 * What the core returns. `text` is plain text with paragraphs separated by blank lines ("\n\n") and list items on
 * their own lines; channels format and split it. `sections` lets a channel show headings in bold when it can.
 */
export interface Reply {
  outcome: Outcome;
  text: string;
  citations: Citation[];
  choices: Choice[];
  /** true when the channel should offer 👍/👎 feedback buttons for this reply. */
  feedback: boolean;
  /** true when the channel should offer a "Gặp cán bộ" button (the text already says how to ask by typing). */
  offerHandoff?: boolean;
}

export interface AnswerService {
  /** Never throws for citizen input: failures become an `error` Reply with a polite Vietnamese text. */
  handle(incoming: Incoming): Promise<Reply>;
}

/** Lets background work (dossier notifications) reach a chat on its own channel. */
export interface ChannelSender {
  channel: ChannelName;
  send(chatId: string, reply: Reply): Promise<void>;
}

/** The centre's contact details as answers show them (knowledge/centre.yaml). */
export interface CentreInfo {
  name: string;
  hotline?: string;
  address?: string;
  hours?: string;
  website?: string;
  /** The province's public service portal (every procedure's page, online submission), when confirmed. */
  provincePortal?: string;
  /** The portal's dossier lookup page, when confirmed. */
  dossierLookup?: string;
}

/** One component's state on /health (the database, the centre's API, the recorder's spool, a channel's tokens). */
export interface HealthProbe {
  name: string;
  check(): Promise<{ ok: boolean; [k: string]: unknown }>;
}
