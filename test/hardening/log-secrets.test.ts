import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../helpers/db.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/openai-server.js';
import { SIM_CODE_PREFIX } from '../../src/dossier/simulator.js';
import { secrets, startStack, telegramText, until, zaloText, type Stack } from './helpers.js';

const PHONE = '0912345678';
const CCCD = '001203004567';
const APPLICANT = 'Nguyễn Văn An'; // the simulator's applicant of dossier …0002
const ZALO_NAME = 'Nguyễn Thị Bích Ngọc';
const TG_NAME = { first_name: 'Trần Minh', last_name: 'Khôi Nguyên' };
const personal = `Tôi là ${ZALO_NAME}, số điện thoại ${PHONE}, CCCD ${CCCD}, muốn hỏi làm căn cước cho con cần gì`;

/**
 * A full scripted session (web chat, Telegram and Zalo webhooks including failures of both peers, admin login and
 * API, a dossier lookup, questions carrying a phone and a CCCD number) with LLM mode on against the fake OpenAI server,
 * every log line captured at debug level: no token, secret, key, phone, CCCD number or full name appears in any.
 */
describe('no secret or personal data in any log line', () => {
  let stack: Stack;
  let openai: FakeOpenAiServer;
  beforeAll(async () => {
    openai = await startFakeOpenAiServer();
    openai.chat({ reply: 'OK' });
    stack = await startStack({
      db: await createTestDb(),
      env: { OPENAI_API_KEY: secrets.OPENAI_API_KEY, OPENAI_BASE_URL: openai.baseUrl, LLM_TIMEOUT_MS: '2000' },
    });
    // Start-up imports and indexes the shipped catalog with the province's list (1,785 procedures).
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await openai?.close();
  });

  it('runs the session and greps every line', async () => {
    const dossier = `${SIM_CODE_PREFIX}0002`;
    // Web chat
    for (const text of ['làm giấy khai sinh cần gì', personal, `tra cứu hồ sơ ${dossier}`, `/hoso ${dossier}`, `Tôi tên ${APPLICANT}, hồ sơ ${dossier} đến đâu rồi?`]) {
      expect((await stack.chat('web-secrets', text)).status).toBe(200);
    }
    const lookup = (await (await stack.chat('web-secrets-2', `hồ sơ ${dossier}`)).json()) as { text: string };
    // The dossier reply itself masks the applicant.
    expect(lookup.text).not.toContain(APPLICANT);

    // Telegram: questions, a dossier lookup, a button, a wrong secret, and a Bot API failure.
    const tgUser = { id: 5550001, is_bot: false, ...TG_NAME, username: 'khoi_nguyen_real', language_code: 'vi' };
    const tg = (id: number, text: string) => {
      const u = telegramText(id, 5550001, text);
      return { ...u, message: { ...u.message, from: tgUser, chat: { id: 5550001, type: 'private', ...TG_NAME } } };
    };
    stack.telegram.failNext('sendMessage', 403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    expect((await stack.postTelegram(tg(61, personal))).status).toBe(200);
    expect((await stack.postTelegram(tg(62, `/hoso ${dossier}`))).status).toBe(200);
    expect((await stack.postTelegram(tg(63, `/theodoi ${dossier}`))).status).toBe(200);
    expect((await stack.postTelegram(tg(64, 'đăng ký kết hôn cần gì'))).status).toBe(200);
    expect(
      (await stack.postTelegram({ update_id: 65, callback_query: { id: 'cb65', from: tgUser, chat_instance: 'ci', data: 'f:down', message: { message_id: 9, date: 0, chat: { id: 5550001, type: 'private' }, text: 'x' } } })).status,
    ).toBe(200);
    expect((await stack.postTelegram(tg(66, 'x'), `${secrets.TELEGRAM_WEBHOOK_SECRET}-wrong`)).status).toBe(401);
    await until(() => stack.telegram.callsOf('sendMessage').length >= 5, 'Telegram answers');

    // Zalo: the same, with a full display name, a failure of the Zalo API and a wrong secret.
    stack.zalo.failNext('sendMessage', 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    expect((await stack.postZalo(zaloText('zs-1', 'zalo-secrets', personal, ZALO_NAME))).status).toBe(200);
    expect((await stack.postZalo(zaloText('zs-2', 'zalo-secrets', `hồ sơ ${dossier}`, ZALO_NAME))).status).toBe(200);
    expect((await stack.postZalo(zaloText('zs-3', 'zalo-secrets', `/gopy tôi là ${ZALO_NAME}, gọi ${PHONE}`, ZALO_NAME))).status).toBe(200);
    expect((await stack.postZalo(zaloText('zs-4', 'x', 'x'), 'wrong-secret-value')).status).toBe(401);
    await until(() => stack.zalo.callsOf('sendMessage').length >= 3, 'Zalo answers');

    // Admin: a failed and a good login, the API with the bearer token, the staff lookup.
    const form = (token: string) => fetch(`${stack.base}/admin/login`, { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
    expect((await form('wrong-token-but-long-enough')).status).toBe(401);
    const login = await form(secrets.ADMIN_TOKEN);
    expect(login.status).toBe(303);
    const auth = { authorization: `Bearer ${secrets.ADMIN_TOKEN}` };
    expect((await fetch(`${stack.base}/admin/api/report`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${stack.base}/admin/api/search?q=khai%20sinh`, { headers: auth })).status).toBeLessThan(500);
    expect((await fetch(`${stack.base}/admin/api/report`, { headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}x` } })).status).toBe(401);

    await stack.running.core.recorder.flush();
    await stack.stop();

    const lines = stack.log.lines;
    expect(lines.length).toBeGreaterThan(30);
    // The failure paths ran and were logged (so the grep covers error lines too).
    expect(lines.some((l) => l.includes('"level":50'))).toBe(true);
    // The LLM is a third party too: it was asked (so the check means something) and never saw the numbers.
    const toLlm = JSON.stringify(openai.chatRequests());
    expect(openai.chatRequests().length).toBeGreaterThan(0);
    expect(toLlm).not.toContain(PHONE);
    expect(toLlm).not.toContain(CCCD);
    const forbidden: Record<string, string> = {
      ...secrets,
      // The token without its bot-id prefix, and the bot-id-less path form grammY/axios would use in URLs.
      TELEGRAM_TOKEN_TAIL: secrets.TELEGRAM_BOT_TOKEN.split(':')[1]!,
      PHONE,
      CCCD,
      APPLICANT,
      ZALO_NAME,
      TG_NAME: `${TG_NAME.first_name} ${TG_NAME.last_name}`,
      TG_LAST: TG_NAME.last_name,
      TG_USERNAME: 'khoi_nguyen_real',
      TG_USER_ID: '5550001',
    };
    const leaks = lines.flatMap((line) =>
      Object.entries(forbidden)
        .filter(([, value]) => line.includes(value) || line.normalize('NFC').includes(value.normalize('NFC')))
        .map(([name]) => `${name}: ${line.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  }, 60_000);
});
