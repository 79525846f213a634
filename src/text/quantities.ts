/**
 * What can be checked mechanically in a Vietnamese text: links, web domains, legal references, procedure codes, dates,
 * times, and quantities with their units (money in digits or words, "50 nghìn", "ba ngày làm việc", percentages, copy
 * counts). Read by the faithfulness guard (an LLM's text against its sources).
 */
import { foldInPlace } from './normalize.js';


/** NFC + lower case: the form the extraction regexes below are written against. */
export function lower(text: string): string {
  return text.normalize('NFC').toLowerCase();
}



export type Unit =
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

export interface Quantity {
  unit: Unit;
  value: number;
  raw: string;
}

export interface Facts {
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

export function extractFacts(input: string): Facts {
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
  for (const m of t.matchAll(numberPattern())) {
    const v = parseNumber(m[0]);
    if (v !== undefined) facts.values.add(v);
    for (const part of m[0].split(/[.,\u00a0\u202f ]/)) facts.values.add(Number(part));
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

export function canonUrl(url: string): string {
  return url
    .replace(/[.,;:!?)\]}>»"']+$/, '')
    .toLowerCase()
    .replace(/^http:\/\//, 'https://')
    .replace(/^https:\/\/www\./, 'https://')
    .replace(/\/+$/, '');
}

function canonLegalRef(ref: string): string {
  return foldInPlace(ref).toUpperCase().replace(/^0+(?=\d)/, '');
}

/** "50.000" → 50000, "10,000" → 10000, "1,5" → 1.5, "1.500.000,5" → 1500000.5; undefined when it is not one number. */
export function parseNumber(raw: string): number | undefined {
  const s = raw.replace(/[\u00a0\u202f]/g, ' ');
  if (/^\d+$/.test(s)) return Number(s);
  if (/^\d{1,3}(?: \d{3})+$/.test(s)) return Number(s.replace(/ /g, ''));
  if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(s)) return Number(s.replace(/\./g, '').replace(',', '.'));
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) return Number(s.replace(/,/g, ''));
  if (/^\d+[.,]\d+$/.test(s)) return Number(s.replace(',', '.'));
  return undefined;
}

/**
 * A number in digits: groups joined by dots, commas or no-break spaces ("1.500.000", "1,5", "1\u00a0000"), or groups of
 * three digits after one to three, joined by ordinary spaces ("1 000 000": the Vietnamese way of writing thousands).
 * Digits just before, with one space between, make it a run of separate numbers instead (a phone "0912 345 678").
 */
function numberPattern(): RegExp {
  return /(?<![\d.,]|\d )\d{1,3}(?: \d{3}(?!\d))+(?![.,\u00a0\u202f]\d)|\d+(?:[.,\u00a0\u202f]\d+)*/g;
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
  const numberRe = numberPattern();
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

/** A quantity as a problem report quotes it. */
export function describeQuantity(q: Quantity): string {
  return q.unit === 'bare' ? `number ${q.raw}` : `${q.raw} (${q.unit} ${q.value})`;
}
