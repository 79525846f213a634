/**
 * Reply → Zalo messages: plain text only (no buttons, no parse modes), each ≤ 2000 characters, split on paragraph
 * boundaries. Choices become a typed number ("Gõ 1, 2 hoặc 3 để chọn"), feedback a typed 👍/👎.
 */
import type { Choice, Reply } from '../types.js';

export const ZALO_MAX_TEXT = 2000;

export const zaloTexts = {
  textOnly: 'Hiện tại tôi chỉ đọc được tin nhắn chữ. Anh/chị vui lòng gõ câu hỏi bằng chữ.',
  feedback: 'Câu trả lời có hữu ích không? Gõ 👍 hoặc 👎.',
  tooFast: 'Anh/chị gửi hơi nhanh. Vui lòng đợi khoảng một phút rồi gửi tiếp, tôi sẽ trả lời ngay.',
};

export function choiceHint(count: number): string {
  if (count <= 1) return 'Gõ 1 để chọn.';
  const nums = Array.from({ length: Math.min(count, 9) }, (_, i) => String(i + 1));
  return `Gõ ${nums.slice(0, -1).join(', ')} hoặc ${nums.at(-1)} để chọn.`;
}

function choiceLine(c: Choice): string {
  return `${c.index}. ${c.name}${c.level ? ` (${c.level})` : ''}`;
}

/** Splits one over-long paragraph: lines, then words, then code points. */
function fit(p: string, max: number): string[] {
  if (p.length <= max) return [p];
  for (const sep of ['\n', ' ']) {
    const parts = p.split(sep);
    if (parts.length < 2) continue;
    const out: string[] = [];
    let buf: string | undefined;
    for (const part of parts) {
      for (const piece of fit(part, max)) {
        const joined = buf === undefined ? piece : buf + sep + piece;
        if (joined.length <= max) buf = joined;
        else {
          if (buf !== undefined) out.push(buf);
          buf = piece;
        }
      }
    }
    if (buf !== undefined) out.push(buf);
    return out.filter((s) => s.trim() !== '');
  }
  const out: string[] = [];
  let buf = '';
  for (const ch of Array.from(p)) {
    if (buf.length + ch.length > max) {
      out.push(buf);
      buf = '';
    }
    buf += ch;
  }
  if (buf.trim()) out.push(buf);
  return out.filter((s) => s.trim() !== '');
}

export function renderZalo(reply: Reply, max = ZALO_MAX_TEXT): string[] {
  // An empty handoff reply: an officer answers, the bot says nothing (on Zalo and Zalo OA alike).
  if (reply.outcome === 'handoff' && !reply.text.trim()) return [];
  const paragraphs = reply.text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+$/, ''))
    .filter((p) => p.trim() !== '');
  if (reply.choices.length) {
    // The core lists its choices in the text; add the list only when it did not.
    const listed = reply.choices.every((c) => new RegExp(`(^|\\n)${c.index}\\. `).test(reply.text));
    if (!listed) paragraphs.push(reply.choices.map(choiceLine).join('\n'));
    paragraphs.push(choiceHint(reply.choices.length));
  }
  const extra = reply.citations.filter((c) => !reply.text.includes(c.code));
  if (extra.length) {
    paragraphs.push(
      ['Nguồn:', ...extra.map((c) => `- ${c.code} — ${c.name.replace(/\s+/g, ' ')}${c.url ? `: ${c.url}` : ''}`)].join('\n'),
    );
  }
  if (reply.feedback) paragraphs.push(zaloTexts.feedback);
  const pieces = paragraphs.flatMap((p) => fit(p, max));
  const out: string[] = [];
  let buf = '';
  for (const p of pieces) {
    if (!buf) buf = p;
    else if (buf.length + 2 + p.length <= max) buf += '\n\n' + p;
    else {
      out.push(buf);
      buf = p;
    }
  }
  if (buf) out.push(buf);
  return out.length ? out : ['…'];
}
