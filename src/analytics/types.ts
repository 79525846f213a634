import type { ChannelName, Outcome } from '../core/types.js';

/** One citizen interaction as stored for managers. Personal data is redacted before it gets here. */
export interface InteractionRecord {
  at: Date;
  channel: ChannelName;
  /** hashId(chatId) — never the raw id. */
  chatHash: string;
  /** Normalised text with phone, CCCD, email and dossier codes redacted. */
  text: string;
  aspects: string[];
  outcome: Outcome;
  /** Procedure the reply was about, if any. */
  code?: string;
  candidates: { code: string; score: number }[];
  latencyMs: number;
  /** 'up' | 'down' for feedback events; a repeated question flag, etc. */
  feedback?: 'up' | 'down';
  /** Free-text feedback (/gopy), redacted. */
  comment?: string;
}

export interface InteractionRecorder {
  /** Never throws, never blocks the caller on the database: writes in the background, spools on failure. */
  record(r: InteractionRecord): void;
  /** Waits for pending writes (tests, shutdown). */
  flush(): Promise<void>;
}
