/**
 * Questions generated from the catalog itself, for calibrating the answer thresholds without fitting them to the few
 * dev questions. Each query is made from one procedure's own fields (name, aliases, result, documents), the way
 * citizens shorten and retype them; its right answers are that procedure and its same-name twins at other levels.
 * Deterministic for a seed.
 */
import type { Procedure } from '../../src/catalog/schema.js';
import { levelFreeName } from '../../src/text/names.js';
import { stripDiacritics } from '../../src/text/normalize.js';
import type { LexiconEntry } from '../../src/text/lexicon.js';
import { createRandom, type Random } from './random.js';

export const queryKinds = ['drop', 'reorder', 'alias', 'result', 'document', 'aspect', 'bare', 'abbrev', 'everyday', 'story'] as const;
export type QueryKind = (typeof queryKinds)[number];

export interface GeneratedQuery {
  q: string;
  kind: QueryKind;
  /** The procedure the query was made from. */
  code: string;
  /** It and every procedure with the same name once the level qualifier is removed. */
  right: string[];
}

export interface GenerateOptions {
  seed: number;
  /** How many queries in all (about: a procedure gives `perProcedure`). */
  count: number;
  perProcedure?: number;
  /**
   * Share of the sampled procedures drawn from the curated ones (origin knowledge: the procedures people ask about
   * most, and the only ones with aliases); the rest uniformly from the whole catalog.
   */
  curatedShare?: number;
  /**
   * The lexicon's entries (everyday word → catalog wording), read backwards to say a procedure's name the way people
   * do ("giấy chứng nhận quyền sử dụng đất" → "sổ đỏ"); without it no 'everyday' queries.
   */
  lexicon?: readonly LexiconEntry[];
}

/** Long forms in procedure names and the abbreviations people type for them. */
const abbreviations: [RegExp, string][] = [
  [/căn cước công dân/, 'CCCD'],
  [/chứng minh nhân dân/, 'CMND'],
  [/giấy phép lái xe/, 'GPLX'],
  [/bảo hiểm xã hội/, 'BHXH'],
  [/bảo hiểm y tế/, 'BHYT'],
  [/bảo hiểm thất nghiệp/, 'BHTN'],
  [/giấy chứng nhận quyền sử dụng đất/, 'GCN QSDĐ'],
  [/quyền sử dụng đất/, 'QSDĐ'],
  [/(ủy|uỷ) ban nhân dân/, 'UBND'],
  [/hội đồng nhân dân/, 'HĐND'],
  [/giấy phép xây dựng/, 'GPXD'],
  [/lý lịch tư pháp/, 'LLTP'],
  [/trách nhiệm hữu hạn/, 'TNHH'],
  [/hợp tác xã/, 'HTX'],
  [/phòng cháy,? chữa cháy/, 'PCCC'],
  [/an toàn thực phẩm/, 'ATTP'],
  [/đăng ký kinh doanh/, 'ĐKKD'],
  [/giấy chứng nhận/, 'GCN'],
  [/doanh nghiệp/, 'DN'],
];

/** Generic ways of asking about one aspect, appended to what names the procedure. */
const aspectTails = [
  'cần giấy tờ gì',
  'hồ sơ gồm những gì',
  'cần chuẩn bị những gì',
  'mất bao lâu',
  'bao lâu thì xong',
  'mấy ngày có kết quả',
  'lệ phí bao nhiêu',
  'hết bao nhiêu tiền',
  'có mất phí không',
  'nộp ở đâu',
  'làm ở đâu',
  'đến cơ quan nào',
  'làm như thế nào',
];
const askHeads = ['', '', 'cho hỏi ', 'xin hỏi ', 'tôi muốn ', 'muốn '];

/**
 * Sentences of a citizen's own situation, told before the question (written for this generator; they mention family,
 * places and time the way such messages do, and name no procedure). {q} is the question.
 */
const storyFrames = [
  'Gia đình tôi ở một xã vùng cao, đi lại khó khăn, con cái đều đi làm xa. Cho tôi hỏi {q}?',
  'Tôi năm nay ngoài năm mươi tuổi, trước đây làm ruộng, nay sống cùng vợ và hai con ở thị trấn. Tôi muốn {q} thì làm thế nào?',
  'Năm ngoái nhà tôi đã ra xã hỏi một lần nhưng cán bộ bảo thiếu giấy tờ nên phải về. Nay tôi cần {q}, vậy phải chuẩn bị gì?',
  'Chào anh chị. Mẹ tôi đã lớn tuổi, mắt kém, nhờ tôi đi làm giúp. Xin hỏi {q} nộp ở đâu và mất bao lâu?',
  'Tôi đang làm công nhân ở tỉnh khác, cuối năm mới về quê được. Tôi muốn hỏi {q} có làm qua mạng được không?',
  'Vợ chồng tôi mới chuyển về ở nhà của bố mẹ vợ được mấy tháng. Cho hỏi {q} cần những giấy tờ gì ạ? Cảm ơn.',
  // The situation told inside the asking sentence itself, with its own content words, as most long messages do.
  'Bố tôi năm nay bảy mươi hai tuổi, chân yếu không đi lại được, ông muốn {q} thì con cháu có làm thay được không?',
  'Tôi đi làm ăn xa từ mấy năm trước, giờ về quê muốn {q} thì có phải về nơi đăng ký ban đầu không hay làm ở đây được?',
  'Nhà tôi ở thôn xa trung tâm hơn ba mươi cây số, tôi hỏi {q} có phải lên tận tỉnh không hay nộp ở xã cũng được?',
  'Em là sinh viên năm cuối, đang cần {q} cho kịp hạn nộp hồ sơ xin việc tháng sau, làm gấp có nhanh hơn không ạ?',
  'Lần trước tôi nộp rồi nhưng bị trả lại vì ghi sai thông tin trên tờ khai, bây giờ muốn {q} lại thì phải sửa những gì?',
  'Chị gái tôi đang ở nước ngoài, nhờ tôi ở nhà {q} giúp, vậy tôi cần giấy ủy quyền không và mang theo những gì?',
];
const resultHeads = ['xin ', 'muốn có ', 'làm ', 'xin cấp '];

/** Words after which a name can be cut in two and the halves swapped ("cấp thẻ … cho người …" → "cho người … cấp thẻ …"). */
const clauseStarts = new Set(['cho', 'đối', 'của', 'tại', 'trong', 'khi', 'theo', 'thuộc']);

const words = (s: string) => s.split(/\s+/).filter(Boolean);
const tidy = (s: string) => s.replace(/\s+([,.;:])/g, '$1').replace(/[,;:.\s]+$/, '').replace(/^[,;:.\s]+/, '').replace(/\s+/g, ' ').trim();

/** The name without "Thủ tục" in front and without its level qualifier ("(thực hiện tại cấp tỉnh)", "tại cấp xã"). */
export function nameWithoutLevel(name: string): string {
  return tidy(
    name
      .replace(/\((thực hiện )?(tại )?cấp [^)]*\)/giu, '')
      .replace(/(thực hiện )?tại cấp (tỉnh|xã|huyện|trung ương)/giu, '')
      .replace(/^thủ tục\s+/iu, ''),
  );
}

/** The head of a long catalog phrase: up to the first bracket, semicolon or "theo mẫu", at most `max` words, no leading count or copy form. */
function headPhrase(s: string, max: number): string {
  const head = s.split(/[;(]| hoặc | theo (mẫu|quy định)| ban hành/iu)[0] ?? '';
  const w = words(
    head
      .replace(/^\s*([a-zđ]\)|[-–•+*]|\d+[.)])\s*/iu, '')
      .replace(/^\s*\d+\s*(bản|tờ)?\s*/iu, '')
      .replace(/^(bản (chính|sao|chụp)( có chứng thực| chứng thực)?( hoặc bản (chính|sao|chụp))?)\s*/iu, ''),
  );
  return tidy(w.slice(0, max).join(' '));
}

const bigramsOf = (s: string) => {
  const w = words(levelFreeName(s));
  return new Set(w.slice(1).map((x, i) => `${w[i]} ${x}`));
};

/** Words people leave out when they type a procedure's name. */
const fillerWords = new Set(['và', 'của', 'các', 'việc', 'được', 'những', 'đối', 'với', 'về', 'thủ', 'tục']);

/** The name cut to at most `max` syllables, at a clause start when there is one after the first four syllables. */
function truncated(name: string, max: number): string {
  const w = words(name.toLowerCase());
  if (w.length <= max) return tidy(w.join(' '));
  const cut = w.findIndex((x, i) => i >= 4 && i <= max && clauseStarts.has(x));
  return tidy(w.slice(0, cut > 0 ? cut : max).join(' '));
}

/** Filler words left out, or else one two-syllable word (after the verb), from the name cut to 12 syllables. */
function dropWords(name: string, rnd: Random): string | undefined {
  const w = words(truncated(name, 12).replace(/,/g, ''));
  const fillers = w.flatMap((x, i) => (i > 0 && fillerWords.has(x) ? [i] : []));
  if (fillers.length) return tidy(w.filter((_, i) => !fillers.includes(i)).join(' '));
  if (w.length < 6) return undefined;
  const at = 2 + rnd.int(w.length - 3);
  w.splice(at, 2);
  return tidy(w.join(' '));
}

function reorder(name: string, rnd: Random): string | undefined {
  const w = words(name.toLowerCase().replace(/,/g, ' ,'));
  const cuts = w.flatMap((x, i) => (i >= 2 && i <= w.length - 2 && clauseStarts.has(x) ? [i] : []));
  if (!cuts.length || w.length > 18) return undefined;
  const at = rnd.pick(cuts);
  return tidy([...w.slice(at), ...w.slice(0, at)].join(' ').replace(/ ,/g, ','));
}

function abbreviate(name: string, rnd: Random): string | undefined {
  const lower = name.toLowerCase();
  const found = abbreviations.find(([re]) => re.test(lower));
  if (!found) return undefined;
  const [re, short] = found;
  return tidy(lower.replace(re, rnd.next() < 0.5 ? short : short.toLowerCase()));
}

/**
 * The name with a catalog phrase said in everyday words, from a lexicon entry read backwards: the longest of the entry's
 * catalog phrases (two syllables or more) found in the name is replaced by one of the entry's everyday terms.
 */
function everyday(name: string, lexicon: readonly LexiconEntry[], rnd: Random): string | undefined {
  const lower = name.toLowerCase();
  const options: { means: string; term: string }[] = [];
  for (const e of lexicon) {
    const means = e.means.filter((m) => words(m).length >= 2 && lower.includes(m.toLowerCase())).sort((a, b) => b.length - a.length)[0];
    const terms = e.terms.filter((t) => !lower.includes(t.toLowerCase()));
    if (means && terms.length) options.push({ means: means.toLowerCase(), term: rnd.pick(terms) });
  }
  if (!options.length) return undefined;
  const { means, term } = rnd.pick(options);
  return tidy(truncated(lower.replace(means, term), 12));
}

/** The document whose name shares most name bigrams with the procedure (the others are generic: "Tờ khai", "Ảnh"). */
function telltaleDocument(p: Procedure): string | undefined {
  const nb = bigramsOf(p.name);
  let best: { doc: string; shared: number } | undefined;
  for (const d of p.documents) {
    const doc = headPhrase(d.name, 12);
    const shared = [...bigramsOf(doc)].filter((b) => nb.has(b)).length;
    if (shared >= 2 && (!best || shared > best.shared)) best = { doc, shared };
  }
  return best?.doc.toLowerCase();
}

/** One query of each kind this procedure can give; undefined entries are kinds it cannot give. */
function candidates(p: Procedure, rnd: Random, lexicon: readonly LexiconEntry[]): Partial<Record<QueryKind, string>> {
  const name = nameWithoutLevel(p.name);
  const short = truncated(name, 10);
  const alias = p.aliases.length ? rnd.pick(p.aliases) : undefined;
  const asked = (base: string) => tidy(`${rnd.pick(askHeads)}${base} ${rnd.pick(aspectTails)}`);
  const result = p.result ? headPhrase(p.result, 10).toLowerCase() : '';
  return {
    drop: dropWords(name, rnd),
    reorder: reorder(name, rnd),
    alias,
    result: words(result).length >= 2 ? tidy(`${rnd.pick(resultHeads)}${result}`) : undefined,
    document: telltaleDocument(p),
    aspect: asked(alias && rnd.next() < 0.5 ? alias : short),
    bare: stripDiacritics(asked(alias && rnd.next() < 0.3 ? alias : short)),
    abbrev: abbreviate(name, rnd),
    everyday: everyday(name, lexicon, rnd),
  };
}

/**
 * A citizen's story around one of the other queries (not the name itself: people telling a story name the procedure
 * the way they remember it).
 */
function story(c: Partial<Record<QueryKind, string>>, rnd: Random): string | undefined {
  const inner = (['drop', 'alias', 'result', 'document', 'reorder', 'everyday'] as const).map((k) => c[k]).filter((x): x is string => Boolean(x?.trim()));
  if (!inner.length) return undefined;
  return tidy(rnd.pick(storyFrames).replace('{q}', rnd.pick(inner).toLowerCase()));
}

/**
 * `count` queries (about) over a seeded sample of procedures, `perProcedure` kinds each (the rarer kinds — alias,
 * abbreviation — first when a procedure can give them). Never an empty query; the same seed gives the same list.
 */
export function generateQueries(procedures: readonly Procedure[], options: GenerateOptions): GeneratedQuery[] {
  const rnd = createRandom(options.seed);
  const per = options.perProcedure ?? 3;
  const curatedShare = options.curatedShare ?? 0.25;
  const twins = new Map<string, string[]>();
  for (const p of procedures) {
    const k = levelFreeName(p.name);
    twins.set(k, [...(twins.get(k) ?? []), p.code]);
  }
  const nProcs = Math.ceil(options.count / per);
  const curated = rnd.shuffle(procedures.filter((p) => p.origin === 'knowledge'));
  const fromCurated = curated.slice(0, Math.round(nProcs * curatedShare));
  const taken = new Set(fromCurated.map((p) => p.code));
  const rest = rnd.shuffle(procedures.filter((p) => !taken.has(p.code))).slice(0, nProcs - fromCurated.length);
  const sample = rnd.shuffle([...fromCurated, ...rest]);

  const out: GeneratedQuery[] = [];
  for (const p of sample) {
    const c = candidates(p, rnd, options.lexicon ?? []);
    c.story = story(c, rnd);
    const available = queryKinds.filter((k) => c[k]?.trim());
    // A story whenever one can be told (citizens mostly write their situation, not a name), then the rarer kinds.
    const told: QueryKind[] = available.filter((k) => k === 'story');
    const rare: QueryKind[] = available.filter((k) => k === 'alias' || k === 'abbrev' || k === 'everyday');
    const rest = available.filter((k) => !rare.includes(k) && k !== 'story');
    const kinds = [...told, ...rnd.shuffle(rare), ...rnd.shuffle(rest)].slice(0, per);
    const right = twins.get(levelFreeName(p.name)) ?? [p.code];
    for (const kind of kinds) out.push({ q: c[kind]!.trim(), kind, code: p.code, right });
  }
  return out.slice(0, options.count);
}
