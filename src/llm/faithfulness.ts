import { foldInPlace } from '../text/normalize.js';
import { canonUrl, describeQuantity as describe, extractFacts, lower, type Facts, type Quantity, type Unit } from '../text/quantities.js';
import { abbreviations, tokenize, unsupportedDocumentMentions } from './faithfulness/documents.js';
import {
  absolutePromisePatterns,
  findUnsafe,
  freeClaimPatterns,
  freeFeeText,
  injectionPatterns,
  promisePatterns,
  sensitivePatterns,
} from './faithfulness/unsafe.js';
import type { Procedure } from '../catalog/schema.js';

/**
 * The faithfulness guard: an LLM may only rephrase the grounded (deterministic) answer, so everything checkable in its
 * text (numbers with their units, dates, times, legal references, procedure codes, URLs, document names) must be found
 * in the grounded text or in the cited records, and nothing unsafe (asking for OTPs/passwords/ID photos, promising
 * eligibility, echoing injected instructions) may appear unless the grounded text itself says it.
 *
 * The grounded text is trusted: checking it against itself is always ok (a property test holds us to that).
 *
 * By concern: text/quantities.ts extracts the checkable facts, faithfulness/documents.ts the document names,
 * faithfulness/unsafe.ts the unsafe content; this module compares them with the sources.
 */

export interface FaithfulnessSources {
  /** The deterministic answer the LLM was asked to rephrase. */
  grounded: string;
  /** The procedures that answer cites. */
  records: Procedure[];
}

export type FaithfulnessProblemKind =
  | 'number'
  | 'date'
  | 'time'
  | 'legal_ref'
  | 'procedure_code'
  | 'url'
  | 'document'
  | 'sensitive_request'
  | 'promise'
  | 'injection'
  | 'free_claim'
  | 'fact_dropped'
  | 'language'
  | 'citation_dropped';

export interface FaithfulnessResult {
  ok: boolean;
  /** Human-readable, `kind: detail`; details quote the checked text, so do not log them. */
  problems: string[];
  /** The kind of each problem, parallel to `problems`; safe to log. */
  kinds: FaithfulnessProblemKind[];
}

export function checkFaithfulness(text: string, sources: FaithfulnessSources): FaithfulnessResult {
  const problems: string[] = [];
  const kinds: FaithfulnessProblemKind[] = [];
  const add = (kind: FaithfulnessProblemKind, detail: string) => {
    problems.push(`${kind}: ${detail}`);
    kinds.push(kind);
  };

  const src = buildSources(sources);
  const facts = extractFacts(text);

  for (const url of facts.urls) {
    if (!src.urls.has(url)) add('url', `${url} is not among the cited links`);
  }
  for (const host of facts.domains) {
    if (!src.lowerText.includes(host)) add('url', `${host} does not appear in the sources`);
  }
  for (const ref of facts.legalRefs) {
    if (!src.facts.legalRefs.has(ref)) add('legal_ref', `${ref} is not in the sources`);
  }
  for (const code of facts.procedureCodes) {
    if (!src.codes.has(code)) add('procedure_code', `${code} is not a cited procedure`);
  }
  for (const date of facts.dates) {
    if (!dateSupported(date, src.facts.dates)) add('date', `${date} is not in the sources`);
  }
  for (const time of facts.times) {
    const hour = time.split(':')[0]!;
    const onTheHour = time.endsWith(':00') && src.facts.quantities.has(`hour:${Number(hour)}`);
    if (!src.facts.times.has(time) && !onTheHour) add('time', `${time} is not in the sources`);
  }
  for (const q of facts.quantityList) {
    if (!quantitySupported(q, src)) add('number', `${describe(q)} is not in the grounded text or the cited records`);
  }

  for (const phrase of unsupportedDocumentMentions(text, src.corpus)) {
    add('document', `"${phrase}" does not match a document of the cited records`);
  }
  const llmFolded = fold(text);
  for (const [abbr, expansions] of abbreviations) {
    if (new RegExp(`\\b${abbr}\\b`).test(llmFolded) && !expansions.some((e) => src.folded.includes(e))) {
      add('document', `${abbr.toUpperCase()} is not mentioned in the sources`);
    }
  }

  const groundedFolded = fold(sources.grounded);
  for (const m of findUnsafe(llmFolded, groundedFolded, sensitivePatterns, { negatable: true, scope: 'clause' })) {
    add('sensitive_request', `asks for "${m}"`);
  }
  for (const m of findUnsafe(llmFolded, groundedFolded, promisePatterns, { negatable: true, scope: 'clause' })) add('promise', `promises "${m}"`);
  for (const m of findUnsafe(llmFolded, groundedFolded, absolutePromisePatterns, { negatable: false, scope: 'clause' })) {
    add('promise', `promises "${m}"`);
  }
  for (const m of findUnsafe(llmFolded, groundedFolded, injectionPatterns, { negatable: false, scope: 'clause' })) {
    add('injection', `echoes instructions "${m}"`);
  }
  for (const m of findUnsafe(llmFolded, groundedFolded, freeClaimPatterns, { negatable: false, scope: 'rest' })) {
    if (!src.free) add('free_claim', `says "${m}" but no source says the procedure is free`);
  }

  // Rephrasing may merge repeated facts but not lose one: every fee and time span of the grounded text stays.
  const kept = new Set(facts.quantityList.map((q) => `${q.unit}:${q.value}`));
  for (const q of extractFacts(sources.grounded).quantityList) {
    const key = `${q.unit}:${q.value}`;
    if (mustKeep.has(q.unit) && !kept.has(key)) {
      kept.add(key);
      add('fact_dropped', `${describe(q)} from the grounded text is missing`);
    }
  }
  // Nor may it lose a paper the grounded answer lists (compared on the first words of its name).
  const llmTokens = ` ${tokenize(text).join(' ')} `;
  const groundedTokens = ` ${tokenize(sources.grounded).join(' ')} `;
  const listed = new Set<string>();
  for (const doc of sources.records.flatMap((r) => r.documents)) {
    const words = tokenize(doc.name);
    const cut = words.indexOf('|');
    const key = ` ${(cut >= 0 ? words.slice(0, cut) : words).slice(0, 4).join(' ')} `;
    if (key.split(' ').length < 4 || listed.has(key)) continue; // fewer than two words: too generic to check
    listed.add(key);
    if (groundedTokens.includes(key) && !llmTokens.includes(key)) {
      add('fact_dropped', `the paper "${doc.name}" from the grounded text is missing`);
    }
  }
  if (vietnameseShare(sources.grounded) >= 0.15 && vietnameseShare(text) < 0.12) {
    add('language', 'the text is not in Vietnamese');
  }

  for (const code of src.citedCodes) {
    if (!text.includes(code)) add('citation_dropped', `procedure code ${code} was dropped`);
  }
  for (const url of src.citedUrls) {
    if (!facts.urls.has(url)) add('citation_dropped', `source link ${url} was dropped`);
  }

  return { ok: problems.length === 0, problems, kinds };
}


const fold = foldInPlace;

const mustKeep = new Set<Unit>(['money', 'usd', 'workday', 'day', 'week', 'month', 'year', 'hour', 'minute', 'percent']);

/**
 * Share of letters that only Vietnamese writes (ă â đ ê ô ơ ư and the tone marks): about a quarter in our answers,
 * a few percent in English with Vietnamese units in it.
 */
function vietnameseShare(input: string): number {
  const text = input.replace(/https?:\/\/\S+/g, ' ');
  const letters = text.normalize('NFD').match(/\p{L}/gu)?.length ?? 0;
  if (letters < 40) return 1;
  const marked = text.normalize('NFC').match(/[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/giu)?.length ?? 0;
  return marked / letters;
}

// ---------------------------------------------------------------------------------------------------------------------
// Sources

interface Sources {
  facts: Facts;
  urls: Set<string>;
  codes: Set<string>;
  lowerText: string;
  folded: string;
  /** Canonical tokens of every source text, " | " between texts. */
  corpus: string;
  free: boolean;
  citedCodes: string[];
  citedUrls: string[];
}

function buildSources({ grounded, records }: FaithfulnessSources): Sources {
  const texts = [grounded];
  for (const r of records) collectStrings(r, texts);
  const joined = texts.join('\n¶\n');
  const facts = extractFacts(joined);

  for (const r of records) {
    for (const c of r.channels) {
      const d = c.deadline;
      if (d?.workingDays !== undefined) facts.quantities.add(`workday:${d.workingDays}`);
      if (d?.days !== undefined) facts.quantities.add(`day:${d.days}`);
      if (d?.hours !== undefined) facts.quantities.add(`hour:${d.hours}`);
      if (d?.months !== undefined) facts.quantities.add(`month:${d.months}`);
      for (const a of c.fee?.amountsVnd ?? []) {
        facts.quantities.add(`money:${a}`);
        facts.values.add(a);
      }
      for (const a of c.fee?.amountsUsd ?? []) {
        facts.quantities.add(`usd:${a}`);
        facts.values.add(a);
      }
    }
    for (const doc of r.documents) if (doc.copies !== undefined) facts.quantities.add(`copies:${doc.copies}`);
  }

  const groundedFacts = extractFacts(grounded);
  const recordCodes = records.map((r) => r.code);
  const recordUrls = records.flatMap((r) => (r.sourceUrl ? [canonUrl(r.sourceUrl)] : []));
  const folded = fold(joined);
  return {
    facts,
    urls: facts.urls,
    codes: new Set([...recordCodes, ...groundedFacts.procedureCodes]),
    lowerText: lower(joined),
    folded,
    corpus: ' ' + texts.map((x) => tokenize(x).join(' ')).join(' | ') + ' ',
    // Only a fee field that says so makes a procedure free; "miễn lệ phí cho hộ nghèo" elsewhere does not.
    free: records.some((r) =>
      r.channels.some((c) => c.fee?.free === true || (c.fee !== undefined && freeFeeText.test(fold(c.fee.text).trim()))),
    ),
    citedCodes: [...new Set(recordCodes.filter((c) => grounded.includes(c)))],
    citedUrls: [...new Set(recordUrls.filter((u) => groundedFacts.urls.has(u)))],
  };
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, out);
}

function quantitySupported(q: Quantity, src: Sources): boolean {
  if (q.unit === 'bare') return src.facts.values.has(q.value);
  if (src.facts.quantities.has(`${q.unit}:${q.value}`)) return true;
  // Amounts whose unit the source lost ("Trực tiếp 3 Ngày làm việc 10.000") still count when they look like money.
  return q.unit === 'money' && q.value >= 1000 && src.facts.values.has(q.value);
}

function dateSupported(date: string, dates: Set<string>): boolean {
  if (dates.has(date)) return true;
  const [d, m, y] = date.split('-');
  for (const s of dates) {
    const [sd, sm, sy] = s.split('-');
    if (sm === m && (d === '' || sd === d) && (y === '' || sy === y)) return true;
  }
  return false;
}
