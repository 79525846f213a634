/**
 * Reply → Telegram messages. HTML parse mode: every piece of text from the core is escaped, the only markup is ours
 * (<b> for short headings, <a href> for citations). Plain text is split on paragraph boundaries first and each part
 * formatted afterwards, so that no message exceeds Telegram's 4096 characters and no tag is ever cut in half.
 */
import type { Choice, Citation, Reply } from '../types.js';

export const TELEGRAM_MAX_TEXT = 4096;
const CALLBACK_DATA_MAX_BYTES = 64;
const BUTTON_TEXT_MAX = 60;

export interface InlineButton {
  text: string;
  callback_data: string;
}

export interface TelegramMessage {
  /** HTML, ≤ 4096 characters. */
  text: string;
  /** Inline keyboard rows; only on the last message of a reply. */
  keyboard?: InlineButton[][];
}

export type CallbackAction = { type: 'choice'; index: number; code?: string } | { type: 'feedback'; value: 'up' | 'down' } | { type: 'handoff' };

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return escapeHtml(s).replace(/"/g, '&quot;');
}

function isWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A short line ending with ":" reads as a heading ("Hồ sơ gồm:") and is shown in bold. */
function formatLine(line: string): string {
  const t = line.trim();
  if (t.length > 1 && t.length <= 80 && t.endsWith(':') && !t.startsWith('-')) return `<b>${escapeHtml(line)}</b>`;
  return escapeHtml(line);
}

function formatParagraph(p: string): string {
  return p.split('\n').map(formatLine).join('\n');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function citationLine(c: Citation, max: number): string {
  const plain = `- ${oneLine(`${c.code} — ${c.name}`)}${c.asOf ? ` (cập nhật ${oneLine(c.asOf)})` : ''}`;
  if (c.url && isWebUrl(c.url)) {
    const label = escapeHtml(oneLine(`${c.code} — ${c.name}`));
    const linked = `- <a href="${escapeAttr(c.url)}">${label}</a>${c.asOf ? escapeHtml(` (cập nhật ${oneLine(c.asOf)})`) : ''}`;
    if (linked.length <= max) return linked;
  }
  return escapeHtml(fitPieces(plain, max)[0] ?? '');
}

/**
 * Splits plain text into pieces whose formatted (escaped) length fits `max`: whole paragraphs when they fit, then
 * lines, then words, and as a last resort code points (never halving a surrogate pair).
 */
function fitPieces(plain: string, max: number): string[] {
  if (formatParagraph(plain).length <= max) return [plain];
  const byLine = plain.split('\n');
  if (byLine.length > 1) return packPieces(byLine, '\n', max).filter((p) => p.trim() !== '');
  const byWord = plain.split(' ');
  if (byWord.length > 1) return packPieces(byWord, ' ', max).filter((p) => p.trim() !== '');
  const out: string[] = [];
  let buf = '';
  for (const ch of Array.from(plain)) {
    if (escapeHtml(buf + ch).length > max) {
      out.push(buf);
      buf = '';
    }
    buf += ch;
  }
  if (buf.trim()) out.push(buf);
  return out.filter((p) => p.trim() !== '');
}

function packPieces(parts: string[], sep: string, max: number): string[] {
  const out: string[] = [];
  let buf: string | undefined;
  for (const part of parts) {
    for (const piece of fitPieces(part, max)) {
      const joined = buf === undefined ? piece : buf + sep + piece;
      if (formatParagraph(joined).length <= max) buf = joined;
      else {
        if (buf !== undefined) out.push(buf);
        buf = piece;
      }
    }
  }
  if (buf !== undefined) out.push(buf);
  return out;
}

/** Packs HTML blocks (each ≤ max) into messages of at most `max` characters, joined by `sep`. */
function packHtml(paragraphs: string[], max: number, sep = '\n\n'): string[] {
  const out: string[] = [];
  let buf = '';
  for (const p of paragraphs) {
    if (!buf) buf = p;
    else if (buf.length + sep.length + p.length <= max) buf += sep + p;
    else {
      out.push(buf);
      buf = p;
    }
  }
  if (buf) out.push(buf);
  return out;
}

export function callbackDataFor(action: CallbackAction): string {
  if (action.type === 'feedback') return `f:${action.value}`;
  if (action.type === 'handoff') return 'h';
  const withCode = `c:${action.index}:${action.code ?? ''}`;
  return Buffer.byteLength(withCode, 'utf8') <= CALLBACK_DATA_MAX_BYTES ? withCode : `c:${action.index}:`;
}

/** Reads our own callback_data back; undefined for anything we did not produce. */
export function parseCallbackData(data: string): CallbackAction | undefined {
  if (data === 'f:up' || data === 'f:down') return { type: 'feedback', value: data === 'f:up' ? 'up' : 'down' };
  if (data === 'h') return { type: 'handoff' };
  const m = /^c:(\d{1,2}):(.{0,60})$/s.exec(data);
  if (!m) return undefined;
  const index = Number(m[1]);
  if (index < 1 || index > 20) return undefined;
  return m[2] ? { type: 'choice', index, code: m[2] } : { type: 'choice', index };
}

function buttonText(c: Choice): string {
  const full = `${c.index}. ${c.name}${c.level ? ` (${c.level})` : ''}`;
  const chars = Array.from(full);
  return chars.length <= BUTTON_TEXT_MAX ? full : chars.slice(0, BUTTON_TEXT_MAX - 1).join('') + '…';
}

function keyboardFor(reply: Pick<Reply, 'choices' | 'feedback' | 'offerHandoff'>): InlineButton[][] | undefined {
  const rows: InlineButton[][] = reply.choices.map((c) => [
    { text: buttonText(c), callback_data: callbackDataFor({ type: 'choice', index: c.index, code: c.code }) },
  ]);
  if (reply.feedback) {
    rows.push([
      { text: '👍 Hữu ích', callback_data: callbackDataFor({ type: 'feedback', value: 'up' }) },
      { text: '👎 Chưa đúng', callback_data: callbackDataFor({ type: 'feedback', value: 'down' }) },
    ]);
  }
  if (reply.offerHandoff) rows.push([{ text: '👤 Gặp cán bộ', callback_data: callbackDataFor({ type: 'handoff' }) }]);
  return rows.length ? rows : undefined;
}

/** Renders a Reply as one or more Telegram messages; the keyboard (choices, feedback) goes on the last one. */
export function renderTelegram(reply: Reply, max = TELEGRAM_MAX_TEXT): TelegramMessage[] {
  const paragraphs = reply.text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+$/, ''))
    .filter((p) => p.trim() !== '');
  const html: string[] = [];
  for (const p of paragraphs) for (const piece of fitPieces(p, max)) html.push(formatParagraph(piece));
  // The core usually writes its own "Nguồn: …" line; only citations the text does not mention get a linked list.
  const extra = reply.citations.filter((c) => !reply.text.includes(c.code));
  if (extra.length) {
    html.push(...packHtml(['<b>Nguồn:</b>', ...extra.map((c) => citationLine(c, max))], max, '\n'));
  }
  if (!html.length) html.push(escapeHtml(reply.choices.length ? 'Anh/chị chọn một mục bên dưới:' : '…'));
  const texts = packHtml(html, max);
  const keyboard = keyboardFor(reply);
  return texts.map((text, i) => (i === texts.length - 1 && keyboard ? { text, keyboard } : { text }));
}
