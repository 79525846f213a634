/** A small, hand-checked interaction log for the report tests and the admin dashboard tests. */
import type { Db } from '../../src/db/db.js';
import type { InteractionRecord } from '../../src/analytics/types.js';

export const T0 = new Date('2026-11-02T08:00:00Z'); // a Monday
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

export const fixtureProcedures = [
  { code: '1.001193', name: 'Đăng ký khai sinh' },
  { code: '1.000894', name: 'Đăng ký kết hôn' },
  { code: '1.004227', name: 'Đăng ký lại kết hôn' },
  { code: '2.000001', name: 'Cấp giấy phép nuôi chim yến' },
  { code: '2.000002', name: 'Cấp phiếu lý lịch tư pháp' },
  { code: '2.000003', name: 'Chứng thực bản sao' },
] as const;

export async function insertProcedures(db: Db) {
  for (const p of fixtureProcedures) {
    await db.query(
      `INSERT INTO procedures (code, name, field, origin, data, content_hash) VALUES ($1, $2, 'Hộ tịch', 'knowledge', $3::jsonb, 'x')
       ON CONFLICT (code) DO NOTHING`,
      [p.code, p.name, JSON.stringify({ code: p.code, name: p.name })],
    );
  }
}

const base = (chat: string, minutes: number, over: Partial<InteractionRecord>): InteractionRecord => ({
  at: at(minutes),
  channel: 'telegram',
  chatHash: chat,
  text: '',
  aspects: [],
  outcome: 'answered',
  candidates: [],
  latencyMs: 10,
  ...over,
});

/** Expected numbers, worked out by hand, are asserted in report.test.ts. Window: since T0 − 1 day, until T0 + 20 days. */
export function fixtureInteractions(): InteractionRecord[] {
  const out: InteractionRecord[] = [];
  const ks = [{ code: '1.001193', score: 0.91 }];
  // chat a: answered, then 👎 → negative on 1.001193 (documents)
  out.push(base('aaaaaaaaaaaaaaa1', 0, { text: 'làm giấy khai sinh cần giấy tờ gì', aspects: ['documents'], code: '1.001193', candidates: ks }));
  out.push(base('aaaaaaaaaaaaaaa1', 1, { text: 'sai rồi', outcome: 'feedback', feedback: 'down', code: '1.001193', comment: 'thiếu giấy chứng sinh' }));
  // chats b, c, d: the same unresolved question three ways → one cluster of 3
  const yen = [{ code: '2.000001', score: 0.31 }, { code: '2.000003', score: 0.2 }];
  out.push(base('bbbbbbbbbbbbbbb1', 60, { text: 'xin cấp phép nuôi chim yến', outcome: 'unresolved', candidates: yen }));
  out.push(base('ccccccccccccccc1', 61 + 24 * 60, { text: 'cấp phép nuôi chim yến ở đâu ạ', outcome: 'unresolved', aspects: ['where'], candidates: yen }));
  out.push(base('ddddddddddddddd1', 62 + 8 * 24 * 60, { text: 'Xin cấp phép nuôi chim yến', outcome: 'unresolved', candidates: yen }));
  out.push(base('jjjjjjjjjjjjjjj1', 90, { text: 'nuôi chim yến cần giấy phép gì', outcome: 'unresolved', candidates: yen }));
  // chat i: one answered question with 👎, on a procedure nobody else asked about (100 % raw rate on a volume of 1)
  const relh = [{ code: '1.004227', score: 0.8 }];
  out.push(base('iiiiiiiiiiiiiii1', 95, { text: 'đăng ký lại kết hôn khi mất giấy', code: '1.004227', candidates: relh }));
  out.push(base('iiiiiiiiiiiiiii1', 96, { text: '👎', outcome: 'feedback', feedback: 'down' }));
  // chat e: clarify, then a choice answered → resolved
  const kh = [{ code: '1.000894', score: 0.6 }, { code: '1.004227', score: 0.58 }];
  out.push(base('eeeeeeeeeeeeeee1', 120, { text: 'đăng ký kết hôn', outcome: 'clarify', candidates: kh }));
  out.push(base('eeeeeeeeeeeeeee1', 121, { text: '1', outcome: 'answered', code: '1.000894', candidates: kh }));
  // chat f: clarify, then another question → clarify left unanswered (on 1.000894)
  out.push(base('fffffffffffffff1', 180, { text: 'thủ tục kết hôn', outcome: 'clarify', candidates: kh }));
  out.push(base('fffffffffffffff1', 182, { text: 'thời tiết hôm nay', outcome: 'unresolved', candidates: [] }));
  // chat g: answered, then the same question again 2 minutes later → the first is "repeated"
  out.push(base('ggggggggggggggg1', 240, { text: 'đăng ký khai sinh mất bao lâu', aspects: ['deadline'], code: '1.001193', candidates: ks }));
  out.push(base('ggggggggggggggg1', 242, { text: 'đăng ký khai sinh mất bao lâu vậy', aspects: ['deadline'], code: '1.001193', candidates: ks }));
  // chat h: two different answered questions 30 minutes apart → nothing
  out.push(base('hhhhhhhhhhhhhhh1', 300, { text: 'kết hôn cần gì', aspects: ['documents'], code: '1.000894', candidates: kh }));
  out.push(base('hhhhhhhhhhhhhhh1', 330, { text: 'lệ phí kết hôn', aspects: ['fee'], code: '1.000894', candidates: kh }));
  // 2.000002: 20 answered questions, 12 of them followed by 👎 (high volume, 60 %)
  for (let i = 0; i < 20; i++) {
    const chat = `1111111111${String(i).padStart(5, '0')}a`;
    const disliked = i < 12;
    out.push(
      base(chat, 400 + i * 60, {
        text: disliked ? `lý lịch tư pháp số ${i} mẫu nào` : `phiếu lý lịch tư pháp lệ phí ${i}`,
        aspects: ['fee'],
        code: '2.000002',
        candidates: [{ code: '2.000002', score: 0.9 }],
      }),
    );
    if (disliked) out.push(base(chat, 401 + i * 60, { text: 'không đúng', outcome: 'feedback', feedback: 'down', code: '2.000002' }));
  }
  // 2.000003: 40 answered, no problem (sets a low overall rate)
  for (let i = 0; i < 40; i++) {
    out.push(
      base(`2222222222${String(i).padStart(5, '0')}b`, 2000 + i * 30, {
        text: `chứng thực bản sao ${i} giấy`,
        aspects: ['steps'],
        code: '2.000003',
        candidates: [{ code: '2.000003', score: 0.95 }],
      }),
    );
  }
  // a smalltalk message and a positive feedback event: not questions
  out.push(base('hhhhhhhhhhhhhhh1', 331, { text: 'cảm ơn', outcome: 'smalltalk' }));
  out.push(base('hhhhhhhhhhhhhhh1', 332, { text: 'đúng rồi', outcome: 'feedback', feedback: 'up' }));
  // outside the window (before since): ignored
  out.push(base('zzzzzzzzzzzzzzz1', -3 * 24 * 60, { text: 'câu hỏi cũ nuôi chim yến', outcome: 'unresolved' }));
  return out;
}
