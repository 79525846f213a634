import type { Level } from '../catalog/schema.js';

/** Turns texts into vectors. The local default needs no network and no downloaded weights. */
export interface Embedder {
  /** Stable id stored with each vector (e.g. "local-hash-v1:256", "openai:text-embedding-3-small:256"); a change re-indexes. */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
}

export interface SearchHit {
  code: string;
  name: string;
  /** 0..1, higher is better; comparable within one query. */
  score: number;
  field?: string;
  levels?: Level[];
  /** Which chunk kinds matched (name, documents, fee_deadline, steps, conditions, result, legal). */
  matched?: string[];
  /** Codes of procedures with the same name at other levels, folded into this hit. */
  sameAs?: string[];
}

export interface SearchResult {
  results: SearchHit[];
  /** true when the top hit is good enough to answer directly. */
  confident: boolean;
  /** 0..1 confidence in the top hit; the answer layer chooses answer / clarify / unresolved from it. */
  confidence: number;
  /** Time the query took inside the process, in ms. */
  ms: number;
  /** The evidence behind `confidence`, for the answer decision and its calibration (absent from simple searchers). */
  signals?: SearchSignals;
}

export interface SearchSignals {
  /** Share of the top procedure's name that the question covers (0..1). */
  cover: number;
  /** Lexical margin of the top procedure over the best other one (0..1). */
  margin: number;
  /**
   * IDF-weighted share of the question's content words (in the sentences that ask) found anywhere in the top procedure's text (0..1). Low when
   * the question is about something the procedure never mentions ("… karaoke" against a generic business licence).
   */
  queryCover: number;
  /**
   * The same over the question's words that name procedures somewhere in the catalog (words of some procedure's name,
   * aliases or field), weighted by how rare they are among names, counting those in the top procedure's own name.
   * Low when the question says "cấp lại" or "xóa" and the top procedure's name does not.
   */
  nameQueryCover: number;
  /** The same share for the best other procedure (not a level twin): 1 when the question also names it whole. */
  rivalCover: number;
  /** false when the question and the top procedure's name disagree on a variant action ("cấp lại" vs "cấp", "xóa"). */
  actionsAgree: boolean;
  /**
   * Codes of the other hits the question tells apart from the top one: the words their names add to the top name are
   * none of them in the question, and the words the top name adds to theirs all are ("… có yếu tố nước ngoài" when
   * nothing foreign is mentioned; "khai tử" when the question says "khai sinh"). Offered in a list, but no rival to
   * the top hit. Absent: none (or a searcher that does not tell).
   */
  unasked?: string[];
  /**
   * How many procedures (level twins once) have every naming word of the question in their names: few when it names
   * one procedure, dozens for a generic "xin xác nhận". 0 without naming words, or when they are spread over names.
   * Absent: a searcher that does not tell.
   */
  nameFits?: number;
  /**
   * When the top procedure's name is a variant the question does not ask for ("Cấp lại thẻ căn cước" for "làm căn
   * cước"): the other hits whose actions agree with the question. Absent otherwise.
   */
  actionRivals?: string[];
}

export interface SearchOptions {
  top?: number;
  /** Restrict to these codes (e.g. follow-ups among the last choices). */
  codes?: string[];
}

export interface Searcher {
  search(question: string, options?: SearchOptions): Promise<SearchResult>;
}
