import { accentKey, foldInPlace } from '../text/normalize.js';
import type { Procedure } from '../catalog/schema.js';

/**
 * The faithfulness guard: an LLM may only rephrase the grounded (deterministic) answer, so everything checkable in its
 * text (numbers with their units, dates, times, legal references, procedure codes, URLs, document names) must be found
 * in the grounded text or in the cited records, and nothing unsafe (asking for OTPs/passwords/ID photos, promising
 * eligibility, echoing injected instructions) may appear unless the grounded text itself says it.
 *
 * The grounded text is trusted: checking it against itself is always ok (a property test holds us to that).
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

// ---------------------------------------------------------------------------------------------------------------------
// Normalisation

/** NFC + lower case: the form the extraction regexes below are written against. */
function lower(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** Lower case without diacritics, đ → d, every other character kept where it was (offsets stay comparable). */
const fold = foldInPlace;

/**
 * One word in a form that ignores where the tone mark sits (hoà = hòa, uỷ = ủy) but keeps every other diacritic, so
 * sổ, số and sở stay apart.
 */
function canonWord(word: string): string {
  return accentKey(word.normalize('NFC').toLowerCase());
}

/** Words become canonical tokens; every punctuation mark becomes "|" so phrases never match across it. */
function tokenize(text: string): string[] {
  return rawTokens(text).map(canonToken);
}

/** Line breaks count as punctuation: a list item's name does not run on into the next line. */
function rawTokens(text: string): string[] {
  return text.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]|\n/gu) ?? [];
}

function canonToken(t: string): string {
  return /[\p{L}\p{N}]/u.test(t) ? canonWord(t) : '|';
}

// ---------------------------------------------------------------------------------------------------------------------
// Facts: what can be checked mechanically

type Unit =
  | 'money'
  | 'usd'
  | 'workday'
  | 'day'
  | 'week'
  | 'month'
  | 'year'
  | 'hour'
  | 'minute'
  | 'percent'
  | 'copies'
  | 'bare';

interface Quantity {
  unit: Unit;
  value: number;
  raw: string;
}

interface Facts {
  urls: Set<string>;
  domains: Set<string>;
  legalRefs: Set<string>;
  procedureCodes: Set<string>;
  /** "d-m-y", "d-m-" or "-m-y". */
  dates: Set<string>;
  /** "H:MM". */
  times: Set<string>;
  quantityList: Quantity[];
  /** `${unit}:${value}`. */
  quantities: Set<string>;
  /** Every number seen anywhere, whatever its unit (also inside dates, references and codes). */
  values: Set<number>;
}

const mask = ' ¶ ';

function extractFacts(input: string): Facts {
  const facts: Facts = {
    urls: new Set(),
    domains: new Set(),
    legalRefs: new Set(),
    procedureCodes: new Set(),
    dates: new Set(),
    times: new Set(),
    quantityList: [],
    quantities: new Set(),
    values: new Set(),
  };
  let t = lower(input);
  for (const m of t.matchAll(/\d+(?:[.,\u00a0\u202f]\d+)*/g)) {
    const v = parseNumber(m[0]);
    if (v !== undefined) facts.values.add(v);
    for (const part of m[0].split(/[.,\u00a0\u202f]/)) facts.values.add(Number(part));
  }

  t = t.replace(/https?:\/\/[^\s<>"'`]+/g, (m) => {
    facts.urls.add(canonUrl(m));
    return mask;
  });
  t = t.replace(
    /(?<![\p{L}\p{N}@.-])(?:[a-z0-9-]+\.)+(?:vn|com|net|org|gov|edu|info|io)(?![\p{L}\p{N}-])(?:\/[^\s]*)?/gu,
    (m) => {
      facts.domains.add(m.split('/')[0]!.replace(/^www\./, ''));
      return mask;
    },
  );
  t = t.replace(
    /(?<![\p{L}\p{N}])\d+(?:\/\d{2,4})?\/[a-zđ][a-zđ0-9]*(?:-[a-zđ0-9]+)+|(?<![\p{L}\p{N}])\d+\/\d{4}\/[a-zđ][a-zđ0-9]*/gu,
    (m) => {
      facts.legalRefs.add(canonLegalRef(m));
      return mask;
    },
  );
  t = t.replace(/(?<![\d.,])\d\.\d{6}(?!\d)/g, (m) => {
    facts.procedureCodes.add(m);
    return mask;
  });

  const addDate = (d: string | undefined, m: string | undefined, y: string | undefined) => {
    const day = d === undefined ? '' : String(Number(d));
    const month = String(Number(m));
    const year = y === undefined ? '' : String(Number(y));
    facts.dates.add(`${day}-${month}-${year}`);
  };
  const validDm = (d: string, m: string) => Number(d) >= 1 && Number(d) <= 31 && Number(m) >= 1 && Number(m) <= 12;
  t = t.replace(/(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/g, (all, y: string, m: string, d: string) => {
    if (!validDm(d, m)) return all;
    addDate(d, m, y);
    return mask;
  });
  t = t.replace(/(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/])/g, (all, d: string, m: string, y: string) => {
    if (!validDm(d, m)) return all;
    addDate(d, m, y);
    return mask;
  });
  t = t.replace(
    /ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s*(?:năm\s+|[/-]\s*)(\d{4}))?(?!\d)/g,
    (all, d: string, m: string, y: string | undefined) => {
      if (!validDm(d, m)) return all;
      addDate(d, m, y);
      return mask;
    },
  );
  t = t.replace(/ngày\s+(\d{1,2})[/-](\d{1,2})(?![\d/])/g, (all, d: string, m: string) => {
    if (!validDm(d, m)) return all;
    addDate(d, m, undefined);
    return mask;
  });
  t = t.replace(/tháng\s+(\d{1,2})(?:\s+năm\s+|\s*[/-]\s*)(\d{4})(?!\d)/g, (all, m: string, y: string) => {
    if (!validDm('1', m)) return all;
    addDate(undefined, m, y);
    return mask;
  });

  t = t.replace(/(?<![\d.,])(\d{1,2})\s*(?:h|giờ|:)\s*(\d{2})(?:\s*phút)?(?![\d\p{L}])/gu, (all, h: string, mi: string) => {
    if (Number(h) > 24 || Number(mi) > 59) return all;
    facts.times.add(`${Number(h)}:${mi}`);
    return mask;
  });

  const addQuantity = (q: Quantity) => {
    facts.quantityList.push(q);
    facts.quantities.add(`${q.unit}:${q.value}`);
    facts.values.add(q.value);
  };
  t = extractNumberWords(t, addQuantity);
  extractDigitQuantities(t, addQuantity);
  return facts;
}

function canonUrl(url: string): string {
  return url
    .replace(/[.,;:!?)\]}>»"']+$/, '')
    .toLowerCase()
    .replace(/^http:\/\//, 'https://')
    .replace(/^https:\/\/www\./, 'https://')
    .replace(/\/+$/, '');
}

function canonLegalRef(ref: string): string {
  return fold(ref).toUpperCase().replace(/^0+(?=\d)/, '');
}

/** "50.000" → 50000, "10,000" → 10000, "1,5" → 1.5, "1.500.000,5" → 1500000.5; undefined when it is not one number. */
function parseNumber(raw: string): number | undefined {
  const s = raw.replace(/[\u00a0\u202f]/g, ' ');
  if (/^\d+$/.test(s)) return Number(s);
  if (/^\d{1,3}(?: \d{3})+$/.test(s)) return Number(s.replace(/ /g, ''));
  if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(s)) return Number(s.replace(/\./g, '').replace(',', '.'));
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) return Number(s.replace(/,/g, ''));
  if (/^\d+[.,]\d+$/.test(s)) return Number(s.replace(',', '.'));
  return undefined;
}

const currency = String.raw`(?:việt nam đồng|vnđ|vnd|đồng|đ|₫)(?![\p{L}])`;
const multipliers: Record<string, number> = { nghìn: 1e3, ngàn: 1e3, k: 1e3, triệu: 1e6, tr: 1e6, tỷ: 1e9, tỉ: 1e9 };

const unitPatterns: [RegExp, Unit][] = [
  [new RegExp(String.raw`^\s*${currency}`, 'u'), 'money'],
  [/^\s*(?:usd|đô\s+la(?:\s+mỹ)?)(?![\p{L}])/u, 'usd'],
  [/^\s*ngày\s+làm\s+việc/u, 'workday'],
  [/^\s*ngày(?![\p{L}])/u, 'day'],
  [/^\s*tuần(?![\p{L}])/u, 'week'],
  [/^\s*tháng(?![\p{L}])/u, 'month'],
  [/^\s*năm(?![\p{L}])/u, 'year'],
  [/^\s*(?:giờ|tiếng|h)(?![\p{L}])/u, 'hour'],
  [/^\s*phút(?![\p{L}])/u, 'minute'],
  [/^\s*(?:%|phần\s+trăm)/u, 'percent'],
  [/^\s*bản(?![\p{L}])/u, 'copies'],
];

function extractDigitQuantities(t: string, add: (q: Quantity) => void): void {
  const numberRe = /\d+(?:(?:[.,]|[\u00a0\u202f])\d+)*/g;
  let m: RegExpExecArray | null;
  while ((m = numberRe.exec(t))) {
    const raw = m[0];
    const start = m.index;
    let end = start + raw.length;
    // Number-list markers ("1. Tờ khai", "2) ...") at the start of a line are layout, not facts.
    const lineStart = t.lastIndexOf('\n', start - 1) + 1;
    if (/^[\s\-*•]*$/.test(t.slice(lineStart, start)) && /^[.)]\s/.test(t.slice(end, end + 2))) continue;

    let value = parseNumber(raw);
    if (value === undefined) {
      // Not one number ("1.2.3"): check each part as a bare number.
      for (const part of raw.split(/[.,\u00a0\u202f]/)) add({ unit: 'bare', value: Number(part), raw: part });
      continue;
    }
    const rest = t.slice(end);
    let unit: Unit = 'bare';
    const mult = /^\s*(nghìn|ngàn|k|triệu|tr|tỷ|tỉ)(?![\p{L}\p{N}])/u.exec(rest);
    if (mult) {
      value = Math.round(value * multipliers[mult[1]!]!);
      end += mult[0].length;
      // "1 triệu 500 nghìn"
      const more = /^\s*(\d{1,3})\s*(nghìn|ngàn|k)(?![\p{L}\p{N}])/u.exec(t.slice(end));
      if (mult[1] !== 'nghìn' && mult[1] !== 'ngàn' && mult[1] !== 'k' && more) {
        value += Number(more[1]) * 1e3;
        end += more[0].length;
      }
      const cur = new RegExp(String.raw`^\s*${currency}`, 'u').exec(t.slice(end));
      if (cur) end += cur[0].length;
      unit = 'money';
    } else {
      for (const [re, u] of unitPatterns) {
        const um = re.exec(rest);
        if (um) {
          unit = u;
          end += um[0].length;
          break;
        }
      }
      if (unit === 'bare' && /(?:phí|giá|tiền)\s*(?:là|:|bằng|chỉ|còn)?\s*$/u.test(t.slice(Math.max(0, start - 20), start))) {
        unit = 'money';
      }
    }
    add({ unit, value, raw: t.slice(start, end).trim() });
    numberRe.lastIndex = end;
  }
}

/** After number words, "h" and "%" are not units ("năm h..." is not five hours). */
const wordUnitPatterns: [RegExp, Unit][] = unitPatterns.map(([re, u]) =>
  u === 'hour' ? [/^\s*(?:giờ|tiếng)(?![\p{L}])/u, u] : u === 'percent' ? [/^\s*phần\s+trăm/u, u] : [re, u],
);

const digitWords: Record<string, number> = {
  một: 1,
  mốt: 1,
  hai: 2,
  ba: 3,
  bốn: 4,
  tư: 4,
  năm: 5,
  lăm: 5,
  sáu: 6,
  bảy: 7,
  bẩy: 7,
  tám: 8,
  chín: 9,
};
const numberWordSet = new Set([...Object.keys(digitWords), 'mười', 'mươi', 'trăm', 'linh', 'lẻ', ...Object.keys(multipliers)]);
const numberWordStarts = new Set(['một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'bẩy', 'tám', 'chín', 'mười']);

/** "hai mươi lăm" → 25, "năm mươi nghìn" → 50000; undefined when the words do not form a number. */
function parseNumberWords(words: string[]): number | undefined {
  let total = 0;
  let group = 0;
  let digit: number | undefined;
  for (const w of words) {
    const d = digitWords[w];
    if (d !== undefined) {
      if (digit !== undefined) return undefined;
      digit = d;
    } else if (w === 'mười') {
      group += 10;
    } else if (w === 'mươi') {
      group += (digit ?? 1) * 10;
      digit = undefined;
    } else if (w === 'trăm') {
      group += (digit ?? 1) * 100;
      digit = undefined;
    } else if (w === 'linh' || w === 'lẻ') {
      // filler: "một trăm linh năm"
    } else if (w !== 'k' && w !== 'tr' && multipliers[w] !== undefined) {
      total += (group + (digit ?? 0) || 1) * multipliers[w]!;
      group = 0;
      digit = undefined;
    } else {
      return undefined;
    }
  }
  return total + group + (digit ?? 0);
}

/**
 * Number words followed by a unit ("ba ngày làm việc", "năm mươi nghìn đồng") become quantities; number words are
 * only numbers in front of a unit (năm is also "year", tư also "private", ba also "father").
 */
function extractNumberWords(t: string, add: (q: Quantity) => void): string {
  const wordRe = /[\p{L}]+/gu;
  const words: { w: string; start: number; end: number }[] = [];
  let m: RegExpExecArray | null;
  while ((m = wordRe.exec(t))) words.push({ w: m[0], start: m.index, end: m.index + m[0].length });
  const spans: [number, number][] = [];
  let i = 0;
  while (i < words.length) {
    const first = words[i]!;
    const prev = words[i - 1];
    const adjacent = (a: { end: number }, b: { start: number }) => /^\s+$/.test(t.slice(a.end, b.start));
    if (!numberWordStarts.has(first.w) || (prev && prev.w === 'thứ' && adjacent(prev, first))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < words.length && numberWordSet.has(words[j]!.w) && adjacent(words[j - 1]!, words[j]!)) j++;
    // Try the longest run first; "hai năm" may be two years rather than the number 25.
    let matched = false;
    for (let k = j; k > i && !matched; k--) {
      const run = words.slice(i, k).map((x) => x.w);
      const value = parseNumberWords(run);
      if (value === undefined) continue;
      const after = t.slice(words[k - 1]!.end);
      const last = run[run.length - 1]!;
      let unit: Unit | undefined;
      let end = words[k - 1]!.end;
      if (multipliers[last] !== undefined && last !== 'k' && last !== 'tr') {
        unit = 'money';
        const cur = new RegExp(String.raw`^\s*${currency}`, 'u').exec(after);
        if (cur) end += cur[0].length;
      } else {
        for (const [re, u] of wordUnitPatterns) {
          const um = re.exec(after);
          if (um) {
            unit = u;
            end += um[0].length;
            break;
          }
        }
      }
      if (unit) {
        add({ unit, value, raw: t.slice(first.start, end).trim() });
        spans.push([first.start, end]);
        matched = true;
        while (i < words.length && words[i]!.start < end) i++;
      }
    }
    if (!matched) i++;
  }
  let out = t;
  for (const [s, e] of spans.reverse()) out = out.slice(0, s) + mask + out.slice(e);
  return out;
}

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

function describe(q: Quantity): string {
  return q.unit === 'bare' ? `number ${q.raw}` : `${q.raw} (${q.unit} ${q.value})`;
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

// ---------------------------------------------------------------------------------------------------------------------
// Document names

const documentHeads = [
  'tờ khai',
  'giấy',
  'đơn',
  'văn bản',
  'biên bản',
  'bản sao',
  'bản chụp',
  'sổ',
  'phiếu',
  'hộ chiếu',
  'thẻ',
  'chứng chỉ',
  'hợp đồng',
  'trích lục',
  'ảnh',
].map((h) => tokenize(h));

/** Words after a head that make it something other than a paper (đơn giản, đơn vị, ảnh hưởng). */
const notDocuments = new Set(['đơn giản', 'đơn vị', 'đơn thuần', 'đơn lẻ', 'đơn độc', 'ảnh hưởng'].map((p) => tokenize(p).join(' ')));

/** Words that may follow a document's name without being part of it. */
const phraseBoundaries = new Set(
  (
    'và hoặc hay cùng kèm với nếu khi để theo do tại ở của cho từ đến trong ngoài sau trước cần phải được bị là có ' +
    'thì mà gồm như này đó kia trên dưới nộp xuất mang đã sẽ đang nhé ạ nữa luôn không chưa vui xin đều cũng chỉ ' +
    'vẫn bản anh chị ông bà bạn nhưng còn vì nên rồi lại ra vào thêm online giấy mẫu số loại tương gì nào các những khác trên ' +
    'mỗi một hai ba'
  )
    .split(' ')
    .map(canonWord),
);

/**
 * Finds phrases that start like a document's name (Giấy ..., Tờ khai ..., Văn bản ...). The LLM's phrase runs from the
 * head to the next punctuation mark, number or function word; it must occur word for word in the sources (the longest
 * match from the head reaches at least that far), otherwise the LLM named a paper the records do not list.
 */
function unsupportedDocumentMentions(text: string, corpus: string): string[] {
  const raw = rawTokens(text);
  const tokens = raw.map(canonToken);
  const found: string[] = [];
  const occurs = (from: number, to: number) => corpus.includes(' ' + tokens.slice(from, to).join(' ') + ' ');
  const endsPhrase = (k: number) => {
    const t = tokens[k];
    if (t === undefined || t === '|' || /^\p{N}/u.test(t)) return true;
    // "... có công chứng", "... được chứng thực" still describe the paper.
    if (certifiedBy.has(t) && certifications.has(tokens[k + 1] ?? '')) return false;
    // "... của trưởng thôn" says whose paper it is; "... của anh/chị" does not.
    if (t === ofWord) return pronouns.has(tokens[k + 1] ?? '|') || tokens[k + 1] === '|';
    return phraseBoundaries.has(t);
  };
  for (let i = 0; i < tokens.length; i++) {
    const head = documentHeads.find((h) => h.every((w, k) => tokens[i + k] === w));
    if (!head) continue;
    const afterHead = i + head.length;
    if (tokens[afterHead] && notDocuments.has([...head, tokens[afterHead]].join(' '))) continue;
    let phraseEnd = afterHead;
    while (!endsPhrase(phraseEnd)) phraseEnd++;
    // A bare "giấy" or "sổ" ("nộp bản giấy"), or "giấy tờ" on its own, names no particular paper.
    if (phraseEnd === afterHead && head.length === 1) continue;
    if (phraseEnd === afterHead + 1 && genericAfterHead.has([...head, tokens[afterHead]].join(' '))) continue;
    let matched = i;
    while (matched < phraseEnd && occurs(i, matched + 1)) matched++;
    if (matched < phraseEnd) found.push(raw.slice(i, phraseEnd).join(' '));
  }
  return [...new Set(found)];
}

const genericAfterHead = new Set(['giấy tờ', 'đơn từ', 'sổ sách'].map((p) => tokenize(p).join(' ')));
const ofWord = canonWord('của');
const pronouns = new Set(['anh', 'chị', 'ông', 'bà', 'bạn', 'mình', 'em', 'quý', 'các', 'những'].map(canonWord));
const certifiedBy = new Set(['có', 'được', 'đã'].map(canonWord));
const certifications = new Set(['công', 'chứng', 'xác', 'ký', 'đóng', 'hợp', 'dịch'].map(canonWord));

const abbreviations: [string, string[]][] = [
  ['cccd', ['cccd', 'can cuoc']],
  ['cmnd', ['cmnd', 'chung minh nhan dan', 'chung minh thu']],
  ['gks', ['gks', 'giay khai sinh']],
  ['gplx', ['gplx', 'giay phep lai xe']],
];

// ---------------------------------------------------------------------------------------------------------------------
// Unsafe content (patterns over folded text so unaccented text is caught too)

const idDocs = String.raw`(?:cccd|can cuoc|cmnd|chung minh nhan dan|chung minh thu|giay to tuy than|ho chieu)`;
const sensitivePatterns = [
  /\botp\b/g,
  /\bmat khau\b/g,
  /\bpassword\b/g,
  /\bma xac (?:thuc|nhan)\b/g,
  /\bma pin\b/g,
  // Photos of ID papers sent to us: "gửi ảnh chụp CCCD", "ảnh CCCD qua tin nhắn". A photo listed as a paper of the
  // dossier ("ảnh trang nhân thân hộ chiếu") is not a request to send it here.
  new RegExp(String.raw`\b(?:gui|upload|tai len)(?: \S+){0,5}? (?:anh|hinh|ban chup)(?: \S+){0,4}? ${idDocs}`, 'g'),
  new RegExp(String.raw`\b(?:anh|hinh|ban chup)(?: \S+){0,4}? ${idDocs}(?: \S+){0,6}? qua (?:tin nhan|zalo|telegram|chat|messenger|email|day)\b`, 'g'),
];
const promisePatterns = [
  /\bchac chan (?:se )?(?:duoc|dat|co ket qua|du dieu kien|thanh cong)/g,
  /\bdam bao (?:se )?(?:duoc|dat|thanh cong)/g,
  /\bcam ket (?:se )?(?:duoc|cap|giai quyet)/g,
  /\b100 ?% (?:se )?(?:duoc|dat|thanh cong)/g,
  /\byen tam (?:la )?(?:se )?duoc (?:cap|duyet|chap thuan)/g,
];
const absolutePromisePatterns = [/\bkhong (?:the|bao gio) bi tu choi/g];
const injectionPatterns = [
  /\b(?:ignore|disregard|forget) (?:all |any )?(?:the |your )?(?:previous|prior|above|earlier)\b/g,
  /\b(?:previous|prior|above) instructions\b/g,
  /\bsystem prompt\b/g,
  /\bbo qua (?:moi |tat ca |cac |nhung )?(?:huong dan|chi dan|chi thi|yeu cau|quy tac|lenh)/g,
  /<\/?(?:grounded_answer|question)>/g,
];
const freeClaimPatterns = [
  /\bmien (?:phi|le phi)\b/g,
  /\bkhong (?:mat|thu|tinh|ton|phai (?:nop|dong|tra)|can (?:nop|dong|tra)) (?:phi|le phi|tien)\b/g,
  /\bkhong (?:mat |ton |phai tra |phai nop )?(?:mot )?dong nao\b/g,
  /\bfree of charge\b/g,
];
const freeFeeText = /^(?:le phi:?\s*|phi:?\s*)?(?:mien|khong thu|khong co|khong mat|0 dong)/;
const negations = /\b(?:khong|chua|dung|cha|chang|tuyet doi|never|not|no)\b/;

const clauseMarks = ['.', '!', '?', ';', ',', ':', '(', ')', '\n'];
const clauseEnd = String.raw`\s*(?:[.!?;,:()\n]|$)`;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Matches of the patterns in the LLM's text, except where the grounded text says the same. "The same" is the whole
 * clause around the match (scope 'clause': "vui lòng gửi mã OTP" is not excused by "không cung cấp mã OTP"), or the
 * match to the end of its clause (scope 'rest': "miễn lệ phí" alone is not excused by "miễn lệ phí cho hộ nghèo").
 */
function findUnsafe(
  llm: string,
  grounded: string,
  patterns: RegExp[],
  options: { negatable: boolean; scope: 'clause' | 'rest' },
): string[] {
  const out: string[] = [];
  const reported: [number, number][] = [];
  for (const p of patterns) {
    for (const m of llm.matchAll(new RegExp(p.source, 'g'))) {
      const span: [number, number] = [m.index, m.index + m[0].length];
      if (reported.some(([s, e]) => span[0] < e && s < span[1])) continue;
      const start = Math.max(...clauseMarks.map((c) => llm.lastIndexOf(c, m.index - 1))) + 1;
      const ends = clauseMarks.map((c) => llm.indexOf(c, span[1])).filter((i) => i >= 0);
      const end = ends.length > 0 ? Math.min(...ends) : llm.length;
      if (options.negatable && negations.test(llm.slice(start, m.index))) continue;
      const said = llm.slice(options.scope === 'clause' ? start : m.index, end).trim();
      const lead = options.scope === 'clause' ? String.raw`(?:^|[.!?;,:()\n])\s*` : '';
      if (new RegExp(lead + escapeRegExp(said) + clauseEnd).test(grounded)) continue;
      out.push(m[0]);
      reported.push(span);
    }
  }
  return out;
}
