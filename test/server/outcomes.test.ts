/**
 * Every answer outcome and every fixed citizen-facing reply, through POST /api/chat of the whole server as `npm start`
 * builds it (startServer: the real answer core over the shipped knowledge catalog, the built-in dossier simulator),
 * then the same conversations through the Telegram and Zalo webhooks: what the fake platform receives must be
 * exactly what the channel's renderer makes of the reply the web chat got.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDb } from '../../src/db/pglite.js';
import type { Db, Queryable } from '../../src/db/db.js';
import { texts } from '../../src/answer/texts.js';
import { loadCentreInfo } from '../../src/catalog/centre.js';
import { userMessages } from '../../src/errors.js';
import { renderTelegram } from '../../src/channels/telegram/render.js';
import { renderZalo } from '../../src/channels/zalo/render.js';
import type { Reply } from '../../src/channels/types.js';
import { startStack, telegramText, until, zaloText, type Stack } from '../hardening/helpers.js';
import { callbackUpdate } from '../channels/telegram/updates.js';

const centre = loadCentreInfo();
const OPEN_DOSSIER = 'H37.30-20261116-0002'; // a simulator dossier in progress
const withOffer = (text: string) => `${text}\n\n${texts.handoffOffer()}`;
const plain = (outcome: Reply['outcome'], text: string, extra: Partial<Reply> = {}): Reply => ({ outcome, text, citations: [], choices: [], feedback: false, ...extra });
const asSent = (r: Reply) => renderTelegram(r).map((m) => ({ text: m.text, markup: m.keyboard ? { inline_keyboard: m.keyboard } : undefined }));

/** A PGlite database whose session reads or transactions can be made to fail, counting each injected failure. */
async function faultyDb() {
  const inner = await createPgliteDb();
  const faults = { sessionReads: false, transactions: false, fired: { sessionReads: 0, transactions: 0 } };
  const query: Queryable['query'] = async (sql, params) => {
    if (faults.sessionReads && /SELECT \* FROM chat_sessions/.test(sql)) {
      faults.fired.sessionReads++;
      throw new Error('injected: session read failed');
    }
    return inner.query(sql, params);
  };
  const db: Db = {
    kind: inner.kind,
    query,
    exec: (sql) => inner.exec(sql),
    transaction: (fn) => {
      if (faults.transactions) {
        faults.fired.transactions++;
        return Promise.reject(new Error('injected: transaction failed'));
      }
      return inner.transaction(fn);
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { db, faults };
}

let stack: Stack;
let faults: Awaited<ReturnType<typeof faultyDb>>['faults'];
let db: Db;
let chatN = 0;

async function chat(chatId: string, text: string, action?: unknown): Promise<Reply> {
  const res = await stack.post('/api/chat', { chatId, text, ...(action ? { action } : {}) });
  expect(res.status).toBe(200);
  return (await res.json()) as Reply;
}

/** Sends messages in order on a fresh web chat; returns every reply. */
async function web(...messages: string[]): Promise<Reply[]> {
  const id = `outcomes-${chatN++}`;
  const out: Reply[] = [];
  for (const m of messages) out.push(await chat(id, m));
  return out;
}

beforeAll(async () => {
  const f = await faultyDb();
  faults = f.faults;
  db = f.db;
  stack = await startStack({ db });
}, 120_000);
afterAll(async () => stack?.close());

describe('every outcome through /api/chat, real core, shipped catalog', () => {
  it('answered: the procedure asked about, cited, with feedback offered', async () => {
    const [r] = await web('đăng ký khai sinh cần giấy tờ gì');
    expect(r).toMatchObject({ outcome: 'answered', feedback: true, choices: [] });
    expect(r!.citations.map((c) => c.code)).toEqual(['1.001193']);
    expect(r!.text).toMatch(/^Đăng ký khai sinh \(mã 1\.001193/);
    expect(r!.text).toContain('Thành phần hồ sơ');
  });

  it('noOtherLevel: a follow-up at a level the procedure is not published at says so and keeps the citation', async () => {
    const [, r] = await web('đăng ký khai sinh cần giấy tờ gì', 'ở cấp tỉnh thì sao?');
    expect(r).toMatchObject({ outcome: 'answered', text: texts.noOtherLevel('Cấp xã') });
    expect(r!.citations.map((c) => c.code)).toEqual(['1.001193']);
  });

  it('clarify, then badChoice for a number off the list, then the choice answered', async () => {
    const [list, bad, picked] = await web('xin cấp lại', '9', '1');
    expect(list!.outcome).toBe('clarify');
    expect(list!.choices.length).toBeGreaterThanOrEqual(2);
    expect(list!.text.startsWith(`${texts.clarify()}\n1. ${list!.choices[0]!.name}`)).toBe(true);
    expect(list!.text).toContain(texts.clarifyNone());
    expect(bad!.outcome).toBe('clarify');
    expect(bad!.text.startsWith(texts.badChoice(list!.choices.length))).toBe(true);
    expect(bad!.choices).toEqual(list!.choices);
    expect(picked!.outcome).toBe('answered');
    expect(picked!.citations.map((c) => c.code)).toEqual([list!.choices[0]!.code]);
  });

  it('a choice button picks from the list; the same button with no list is noChoices', async () => {
    const id = `outcomes-${chatN++}`;
    const list = await chat(id, 'xin cấp lại');
    const second = await chat(id, '', { type: 'choice', index: 2 });
    expect(second.outcome).toBe('answered');
    expect(second.citations.map((c) => c.code)).toEqual([list.choices[1]!.code]);
    const none = await chat(`outcomes-${chatN++}`, '', { type: 'choice', index: 1 });
    expect(none).toMatchObject({ outcome: 'smalltalk', text: texts.noChoices() });
  });

  it('noChoices: a bare number with no list before it', async () => {
    const [r] = await web('2');
    expect(r).toMatchObject({ outcome: 'smalltalk', text: texts.noChoices(), choices: [] });
  });

  it('unresolved: nothing in the catalog, with the centre to contact', async () => {
    const [r] = await web('qwzx plorb vintu');
    // With the officers' inbox on (as `npm start` runs), an unresolved reply also offers an officer.
    expect(r).toMatchObject({ outcome: 'unresolved', text: withOffer(texts.unresolved(centre)), offerHandoff: true, citations: [], choices: [] });
  });

  it('emergency: the emergency numbers, nothing else', async () => {
    const [r] = await web('cháy nhà cứu với');
    expect(r).toMatchObject({ outcome: 'emergency', text: texts.emergency(), feedback: false });
  });

  it('smalltalk: greeting, help, thanks and an empty message each get their own text', async () => {
    const [hello, help, thanks, empty] = await web('xin chào', 'bạn giúp được gì', 'cảm ơn', '');
    expect(hello).toMatchObject({ outcome: 'smalltalk', text: texts.greeting(centre) });
    expect(help).toMatchObject({ outcome: 'smalltalk', text: texts.help() });
    expect(thanks).toMatchObject({ outcome: 'smalltalk', text: texts.thanks() });
    expect(empty).toMatchObject({ outcome: 'smalltalk', text: texts.empty() });
  });

  it('noContext: "xem thêm" with no answer before it; after an answer it shows the whole record', async () => {
    const [none] = await web('xem thêm');
    expect(none).toMatchObject({ outcome: 'smalltalk', text: texts.noContext() });
    const [first, more] = await web('đăng ký khai sinh cần giấy tờ gì', 'xem thêm');
    expect(more!.outcome).toBe('answered');
    expect(more!.citations).toEqual(first!.citations);
    expect(more!.text.length).toBeGreaterThan(first!.text.length);
  });

  it('feedback in words and by the buttons', async () => {
    const [, words] = await web('đăng ký khai sinh cần giấy tờ gì', 'trả lời sai rồi');
    expect(words).toMatchObject({ outcome: 'feedback', text: texts.feedbackDown(centre) });
    const id = `outcomes-${chatN++}`;
    await chat(id, 'đăng ký khai sinh cần giấy tờ gì');
    expect(await chat(id, '', { type: 'feedback', value: 'up' })).toMatchObject({ outcome: 'feedback', text: texts.feedbackUp() });
    expect(await chat(id, '', { type: 'feedback', value: 'down' })).toMatchObject({ outcome: 'feedback', text: texts.feedbackDown(centre) });
  });

  it('dossier: a code is looked up; free-text follow and unfollow are told apart', async () => {
    const [lookup, stop, follow] = await web(OPEN_DOSSIER, `ngừng theo dõi hồ sơ ${OPEN_DOSSIER} giúp tôi`, `theo dõi hồ sơ ${OPEN_DOSSIER}`);
    expect(lookup!.outcome).toBe('dossier');
    expect(lookup!.text).toContain(OPEN_DOSSIER);
    expect(lookup!.text).toContain('Đăng ký kết hôn');
    // The web chat cannot be notified: "follow" says so, "stop following" finds nothing to stop.
    expect(stop).toMatchObject({ outcome: 'dossier', text: `Anh/chị chưa theo dõi hồ sơ ${OPEN_DOSSIER}.` });
    expect(follow!.outcome).toBe('dossier');
    expect(follow!.text).toMatch(/^Tính năng nhận tin báo khi hồ sơ thay đổi trạng thái chỉ có trên Telegram và Zalo/);
    const [noCode] = await web('theo dõi hồ sơ');
    expect(noCode).toMatchObject({ outcome: 'dossier', text: texts.dossierUsage() });
  });

  it('a failed session read still answers (the fault fires, is logged, and the reply is the normal one)', async () => {
    faults.sessionReads = true;
    const before = faults.fired.sessionReads;
    try {
      const [r] = await web('đăng ký khai sinh cần giấy tờ gì');
      expect(faults.fired.sessionReads).toBeGreaterThan(before);
      expect(r!.outcome).toBe('answered');
      expect(r!.citations.map((c) => c.code)).toEqual(['1.001193']);
    } finally {
      faults.sessionReads = false;
    }
    expect(stack.log.lines.some((l) => l.includes('session unavailable') && l.includes('injected: session read failed'))).toBe(true);
  });

  it('error: a failure while answering becomes the polite error reply, not a 500', async () => {
    const id = `outcomes-${chatN++}`;
    expect(await chat(id, 'xóa dữ liệu của tôi')).toMatchObject({ outcome: 'smalltalk', text: texts.eraseAsk() });
    faults.transactions = true;
    const before = faults.fired.transactions;
    try {
      const r = await chat(id, 'đồng ý');
      expect(faults.fired.transactions).toBeGreaterThan(before);
      expect(r).toMatchObject({ outcome: 'error', text: userMessages.internal, citations: [], choices: [] });
    } finally {
      faults.transactions = false;
    }
    expect(stack.log.lines.some((l) => l.includes('answer failed'))).toBe(true);
  });
});

describe('/admin/api/search', () => {
  const auth = () => ({ authorization: `Bearer ${stack.config.ADMIN_TOKEN}` });
  it('answers the searcher\'s result: ranked hits with code, name and score', async () => {
    const res = await fetch(`${stack.base}/admin/api/search?q=${encodeURIComponent('đăng ký khai sinh')}`, { headers: auth() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { code: string; name: string; score: number }[]; confident: boolean };
    expect(typeof body.confident).toBe('boolean');
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results.length).toBeLessThanOrEqual(20);
    expect(body.results.map((h) => h.code)).toContain('1.001193');
    for (const h of body.results) {
      expect(h.code).toMatch(/\S/);
      expect(h.name).toMatch(/\S/);
      expect(Number.isFinite(h.score)).toBe(true);
    }
    const scores = body.results.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('400 with a message naming q when q is missing or blank; 401 without the token', async () => {
    for (const q of ['', '?q=', '?q=%20%20']) {
      const res = await fetch(`${stack.base}/admin/api/search${q}`, { headers: auth() });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/^q: /);
    }
    expect((await fetch(`${stack.base}/admin/api/search?q=x`)).status).toBe(401);
  });
});

describe('the same conversations through the Telegram and Zalo renderers', () => {
  // Each: the messages of one conversation; the last reply is compared.
  const cases: [string, string[]][] = [
    ['answered', ['đăng ký khai sinh cần giấy tờ gì']],
    ['noOtherLevel', ['đăng ký khai sinh cần giấy tờ gì', 'ở cấp tỉnh thì sao?']],
    ['clarify', ['xin cấp lại']],
    ['badChoice', ['xin cấp lại', '9']],
    ['choice', ['xin cấp lại', '1']],
    ['noChoices', ['2']],
    ['unresolved', ['qwzx plorb vintu']],
    ['emergency', ['cháy nhà cứu với']],
    ['greeting', ['xin chào']],
    ['thanks', ['cảm ơn']],
    ['noContext', ['xem thêm']],
    ['feedback', ['đăng ký khai sinh cần giấy tờ gì', 'trả lời sai rồi']],
    ['dossier', [OPEN_DOSSIER]],
  ];
  let update = 1;

  /** Sends one message on Telegram; returns the messages sent back to that chat for it. */
  async function viaTelegram(chatId: number, message: string): Promise<{ text: string; markup: unknown }[]> {
    const sentTo = () => stack.telegram.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(chatId));
    const before = sentTo().length;
    expect((await stack.postTelegram(telegramText(update++, chatId, message))).status).toBe(200);
    await until(() => sentTo().length > before, `a Telegram reply to ${message}`);
    return sentTo().slice(before).map((c) => ({ text: String(c.payload.text), markup: c.payload.reply_markup }));
  }

  it.each(cases)('%s: Telegram gets renderTelegram of each web reply', async (_name, messages) => {
    const expected = (await web(...messages)).flatMap((r) =>
      renderTelegram(r).map((m) => ({ text: m.text, markup: m.keyboard ? { inline_keyboard: m.keyboard } : undefined })),
    );
    const chatId = 700_000 + update;
    const sentTo = () => stack.telegram.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(chatId));
    for (const m of messages) {
      const before = sentTo().length;
      expect((await stack.postTelegram(telegramText(update++, chatId, m))).status).toBe(200);
      await until(() => sentTo().length > before, `a Telegram reply to ${m}`);
    }
    await until(() => sentTo().length >= expected.length, 'every part of the replies');
    expect(sentTo().map((c) => ({ text: c.payload.text, markup: c.payload.reply_markup }))).toEqual(expected);
  });

  it.each(cases)('%s: Zalo gets renderZalo of each web reply', async (_name, messages) => {
    const expected = (await web(...messages)).flatMap((r) => renderZalo(r));
    const chatId = `zalo-outcomes-${update++}`;
    const sentTo = () => stack.zalo.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === chatId);
    for (const [i, m] of messages.entries()) {
      const before = sentTo().length;
      expect((await stack.postZalo(zaloText(`${chatId}-m${i}`, chatId, m))).status).toBe(200);
      await until(() => sentTo().length > before, `a Zalo reply to ${m}`);
    }
    await until(() => sentTo().length >= expected.length, 'every part of the replies');
    expect(sentTo().map((c) => c.payload.text)).toEqual(expected);
  });

  it('Telegram: free-text follow and unfollow of a dossier change the subscription both ways', async () => {
    const chatId = 800_001;
    const [follow] = await viaTelegram(chatId, `theo dõi hồ sơ ${OPEN_DOSSIER}`);
    expect(follow!.text).toMatch(new RegExp(`^Đã bật theo dõi hồ sơ ${OPEN_DOSSIER.replace(/\./g, '\\.')}`));
    const active = () => db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dossier_subscriptions WHERE channel = 'telegram' AND chat_id = $1 AND code = $2 AND active`, [String(chatId), OPEN_DOSSIER]);
    expect(await active()).toEqual([{ n: 1 }]);
    const [stop] = await viaTelegram(chatId, `ngừng theo dõi hồ sơ ${OPEN_DOSSIER}`);
    expect(stop!.text).toBe(`Đã tắt theo dõi hồ sơ ${OPEN_DOSSIER}.`);
    expect(await active()).toEqual([{ n: 0 }]);
    // Stopping again finds nothing: it was not read as "follow".
    const [again] = await viaTelegram(chatId, `thôi theo dõi hồ sơ ${OPEN_DOSSIER}`);
    expect(again!.text).toBe(`Anh/chị chưa theo dõi hồ sơ ${OPEN_DOSSIER}.`);
  });

  it('Zalo: free-text follow and unfollow of a dossier change the subscription both ways', async () => {
    const chatId = 'zalo-follow-1';
    const sentTo = () => stack.zalo.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === chatId);
    const say = async (text: string) => {
      const before = sentTo().length;
      expect((await stack.postZalo(zaloText(`${chatId}-${update++}`, chatId, text))).status).toBe(200);
      await until(() => sentTo().length > before, `a Zalo reply to ${text}`);
      return String(sentTo()[before]!.payload.text);
    };
    const active = () => db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dossier_subscriptions WHERE channel = 'zalo' AND chat_id = $1 AND code = $2 AND active`, [chatId, OPEN_DOSSIER]);
    expect(await say(`theo dõi hồ sơ ${OPEN_DOSSIER}`)).toMatch(/^Đã bật theo dõi hồ sơ/);
    expect(await active()).toEqual([{ n: 1 }]);
    expect(await say(`ngừng theo dõi hồ sơ ${OPEN_DOSSIER}`)).toBe(`Đã tắt theo dõi hồ sơ ${OPEN_DOSSIER}.`);
    expect(await active()).toEqual([{ n: 0 }]);
  });

  it('Telegram: /gopy thanks and asks for text when empty; /tt names what it did not find; the feedback button', async () => {
    const chatId = 800_002;
    expect(await viaTelegram(chatId, '/gopy trang web dễ dùng')).toEqual(asSent(plain('feedback', texts.gopyThanks())));
    expect(await viaTelegram(chatId, '/gopy')).toEqual(asSent(plain('smalltalk', texts.gopyUsage())));
    expect(await viaTelegram(chatId, '/tt')).toEqual(asSent(plain('smalltalk', texts.ttUsage())));
    expect(await viaTelegram(chatId, '/tt !!!')).toEqual(asSent(plain('unresolved', withOffer(texts.ttNotFound('!!!')), { offerHandoff: true })));
    // A typo finds nothing plausible: "not found", not the nearest unrelated record.
    expect(await viaTelegram(chatId, '/tt qwzxplorb')).toEqual(asSent(plain('unresolved', withOffer(texts.ttNotFound('qwzxplorb')), { offerHandoff: true })));
    const answered = await viaTelegram(chatId, 'đăng ký khai sinh cần giấy tờ gì');
    const buttons = (answered.at(-1)!.markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
    const down = buttons.find((b) => b.text.includes('Chưa đúng'))!;
    const sentTo = () => stack.telegram.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(chatId));
    const before = sentTo().length;
    await stack.postTelegram(callbackUpdate(update++, down.callback_data, chatId));
    await until(() => sentTo().length > before, 'the reply to the feedback button');
    expect(String(sentTo().at(-1)!.payload.text)).toBe(asSent(plain('feedback', texts.feedbackDown(centre)))[0]!.text);
  });
});

describe('dossier lookups off', () => {
  it('dossierOff: PUBLIC_URL without CENTER_API_URL; a code or a follow request is told lookups are not enabled', async () => {
    const off = await startStack({ env: { PUBLIC_URL: 'https://motcua.example.vn' } });
    try {
      const res = await off.chat('off-1', OPEN_DOSSIER);
      expect(await res.json()).toMatchObject({ outcome: 'dossier', text: texts.dossierOff(centre) });
      for (const text of [`ngừng theo dõi hồ sơ ${OPEN_DOSSIER}`, 'theo dõi hồ sơ', `tra cứu hồ sơ ${OPEN_DOSSIER} giúp tôi`]) {
        const res2 = await off.chat('off-2', text);
        expect(await res2.json()).toMatchObject({ outcome: 'dossier', text: texts.dossierOff(centre) });
      }
    } finally {
      await off.close();
    }
  }, 120_000);
});
