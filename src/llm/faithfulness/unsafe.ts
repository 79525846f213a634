/**
 * Unsafe content in an LLM's text, matched on folded text so that unaccented text is caught too: asking for OTPs,
 * passwords or ID photos, promising an outcome, echoing injected instructions, claiming a procedure is free.
 */

const idDocs = String.raw`(?:cccd|can cuoc|cmnd|chung minh nhan dan|chung minh thu|giay to tuy than|ho chieu)`;
export const sensitivePatterns = [
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
export const promisePatterns = [
  /\bchac chan (?:se )?(?:duoc|dat|co ket qua|du dieu kien|thanh cong)/g,
  /\bdam bao (?:se )?(?:duoc|dat|thanh cong)/g,
  /\bcam ket (?:se )?(?:duoc|cap|giai quyet)/g,
  /\b100 ?% (?:se )?(?:duoc|dat|thanh cong)/g,
  /\byen tam (?:la )?(?:se )?duoc (?:cap|duyet|chap thuan)/g,
];
export const absolutePromisePatterns = [/\bkhong (?:the|bao gio) bi tu choi/g];
export const injectionPatterns = [
  /\b(?:ignore|disregard|forget) (?:all |any )?(?:the |your )?(?:previous|prior|above|earlier)\b/g,
  /\b(?:previous|prior|above) instructions\b/g,
  /\bsystem prompt\b/g,
  /\bbo qua (?:moi |tat ca |cac |nhung )?(?:huong dan|chi dan|chi thi|yeu cau|quy tac|lenh)/g,
  /<\/?(?:grounded_answer|question)>/g,
];
export const freeClaimPatterns = [
  /\bmien (?:phi|le phi)\b/g,
  /\bkhong (?:mat|thu|tinh|ton|phai (?:nop|dong|tra)|can (?:nop|dong|tra)) (?:phi|le phi|tien)\b/g,
  /\bkhong (?:mat |ton |phai tra |phai nop )?(?:mot )?dong nao\b/g,
  /\bfree of charge\b/g,
];
export const freeFeeText = /^(?:le phi:?\s*|phi:?\s*)?(?:mien|khong thu|khong co|khong mat|0 dong)/;
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
export function findUnsafe(
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
