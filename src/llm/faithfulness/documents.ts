/**
 * Document names in an LLM's text: a phrase that starts like a paper's name (Giấy …, Tờ khai …, Văn bản …) must occur
 * word for word in the sources, and an abbreviation (CCCD, GPLX…) must be spelled out or used there.
 */
import { accentKey } from '../../text/normalize.js';

/**
 * One word in a form that ignores where the tone mark sits (hoà = hòa, uỷ = ủy) but keeps every other diacritic, so
 * sổ, số and sở stay apart.
 */
function canonWord(word: string): string {
  return accentKey(word.normalize('NFC').toLowerCase());
}

/** Words become canonical tokens; every punctuation mark becomes "|" so phrases never match across it. */
export function tokenize(text: string): string[] {
  return rawTokens(text).map(canonToken);
}

/** Line breaks count as punctuation: a list item's name does not run on into the next line. */
function rawTokens(text: string): string[] {
  return text.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]|\n/gu) ?? [];
}

function canonToken(t: string): string {
  return /[\p{L}\p{N}]/u.test(t) ? canonWord(t) : '|';
}


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
export function unsupportedDocumentMentions(text: string, corpus: string): string[] {
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

export const abbreviations: [string, string[]][] = [
  ['cccd', ['cccd', 'can cuoc']],
  ['cmnd', ['cmnd', 'chung minh nhan dan', 'chung minh thu']],
  ['gks', ['gks', 'giay khai sinh']],
  ['gplx', ['gplx', 'giay phep lai xe']],
];
