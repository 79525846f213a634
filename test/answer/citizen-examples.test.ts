import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDb } from '../../src/db/pglite.js';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/db.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import { readKnowledgeProcedures } from '../../src/catalog/knowledge.js';
import { syncIndex } from '../../src/retrieval/indexer.js';
import { createSearcher } from '../../src/retrieval/searcher.js';
import { createLocalEmbedder } from '../../src/retrieval/embedders.js';
import { defaultLexicon } from '../../src/text/lexicon.js';
import { createEvalAnswerService } from '../../scripts/eval/answers.js';
import type { Reply } from '../../src/channels/types.js';

/**
 * How the bot treats the kinds of message a citizen really sends, over the shipped catalog (what `npm start` serves),
 * through the answer service with the calibrated decision. Every message was written for this test.
 */
describe('citizens as they write, over the shipped catalog', () => {
  let db: Db;
  let ask: (text: string, chat?: string) => Promise<Reply>;
  let n = 0;
  const codes = (r: Reply) => [...r.citations, ...r.choices].map((c) => c.code);

  beforeAll(async () => {
    db = await createPgliteDb();
    await migrate(db);
    await createCatalogRepository(db).upsertProcedures(readKnowledgeProcedures('knowledge/procedures').procedures, { source: 'knowledge' });
    const embedder = createLocalEmbedder('hash');
    await syncIndex(db, embedder);
    const lexicon = defaultLexicon();
    const searcher = createSearcher({ db, embedder, lexicon });
    await searcher.refresh();
    const service = createEvalAnswerService(db, searcher, lexicon);
    ask = (text, chat = `c${n++}`) => service.handle({ channel: 'web', chatId: chat, text, receivedAt: new Date() });
  }, 120_000);
  afterAll(async () => db?.close());

  it('a bare topic is answered or offered, never "unresolved"', async () => {
    const r = await ask('cưới vợ cần giấy tờ gì');
    expect(['answered', 'clarify']).toContain(r.outcome);
    expect(codes(r)).toContain('1.000894');
  });

  it('a question that says nothing foreign gets the general procedure, not a list with its foreign-element variant', async () => {
    const marry = await ask('tôi muốn làm giấy đăng ký kết hôn với chồng sắp cưới');
    expect(marry.outcome).toBe('answered');
    expect(marry.citations[0]?.name).toBe('Đăng ký kết hôn');
    const death = await ask('đăng ký khai tử cho bố tôi');
    expect(death.outcome).toBe('answered');
    expect(death.citations[0]?.name).toBe('Đăng ký khai tử');
    // Saying it is what makes the variant the answer.
    const foreign = await ask('lấy chồng người trung quốc thì đăng ký kết hôn ở đâu');
    expect(foreign.outcome).toBe('answered');
    expect(foreign.citations[0]?.name).toBe('Đăng ký kết hôn có yếu tố nước ngoài');
  });

  it('a generic paper ("giấy tờ", "xác nhận") is a choice between procedures, not one of them stated', async () => {
    for (const text of ['làm giấy tờ', 'cho tôi xin xác nhận']) {
      const r = await ask(text);
      expect(r.outcome, text).toBe('clarify');
      expect(r.choices.length, text).toBeGreaterThanOrEqual(2);
    }
  });

  it('an identity card without "again" or "lost" is not answered with the re-issue: the citizen picks first issue or re-issue', async () => {
    const r = await ask('con tôi cần làm căn cước thì sao');
    expect(r.outcome).toBe('clarify');
    const names = r.choices.map((c) => c.name);
    expect(names).toContain('Cấp lại thẻ căn cước');
    expect(names.some((n) => n.startsWith('Cấp thẻ căn cước'))).toBe(true);
    // Saying it was lost asks for the re-issue, and that is answered.
    const lost = await ask('tôi bị mất căn cước');
    expect(lost.outcome).toBe('answered');
    expect(lost.citations[0]?.name).toBe('Cấp lại thẻ căn cước');
  });

  it('a bare action lists the common procedures it can mean', async () => {
    const r = await ask('xin cấp lại');
    expect(r.outcome).toBe('clarify');
    expect(r.choices.length).toBeGreaterThanOrEqual(2);
    for (const c of r.choices) expect(c.name).toMatch(/^Cấp lại/);
  });

  it('a bare everyday name of a paper offers choices instead of picking one procedure', async () => {
    const r = await ask('bìa đỏ');
    expect(r.outcome).toBe('clarify');
    expect(r.choices.length).toBeGreaterThanOrEqual(2);
  });

  it('a mistake on a paper is a question about correcting it, not feedback on the bot', async () => {
    const r = await ask('giấy đăng ký kết hôn in sai tên vợ');
    expect(r.outcome).not.toBe('feedback');
    expect(codes(r)).toContain('1.004859');
  });

  it('a slow web site is not an emergency; a fire is', async () => {
    expect((await ask('cổng dịch vụ công tải trang chậm quá')).outcome).not.toBe('emergency');
    expect((await ask('ung dung dang chay rat cham')).outcome).not.toBe('emergency');
    expect((await ask('nhà bên cạnh đang cháy, cứu với')).outcome).toBe('emergency');
  });

  it('"có tốn tiền không" asks the fee of the procedure named, not a procedure about losing something', async () => {
    const r = await ask('đăng ký tạm trú có tốn tiền không');
    expect(codes(r)[0]).toBe('1.004194');
    expect(r.text).toMatch(/Phí, lệ phí|lệ phí/i);
  });

  it('a licence the catalog does not have is not answered with a nearby one', async () => {
    expect((await ask('mở quán karaoke cần giấy phép gì')).outcome).not.toBe('answered');
  });

  it('in a conversation, a message about another matter is a new question', async () => {
    const first = await ask('đăng ký kết hôn cần gì', 'talk');
    expect(codes(first)).toContain('1.000894');
    const next = await ask('mở quán tạp hóa thì đăng ký ở đâu', 'talk');
    expect(next.citations.map((c) => c.code)).not.toContain('1.000894');
    expect(codes(next)).toContain('1.001612');
  });

  it('"còn X thì sao" after an answer asks about the sibling procedure X names, and the same aspect stays', async () => {
    await ask('đăng ký tạm trú cần giấy tờ gì', 'stay');
    const next = await ask('còn thường trú thì sao', 'stay');
    expect(next.outcome).toBe('answered');
    expect(next.citations[0]?.name).toBe('Đăng ký thường trú');
    expect(next.text).toMatch(/Thành phần hồ sơ/);
    await ask('cấp lại giấy phép lái xe', 'licence');
    expect((await ask('còn đổi thì sao', 'licence')).citations[0]?.name).toBe('Đổi giấy phép lái xe');
    // A word the last procedure already has moves nowhere.
    await ask('đăng ký kết hôn', 'fee');
    expect((await ask('còn lệ phí kết hôn?', 'fee')).citations[0]?.name).toBe('Đăng ký kết hôn');
  });

  it('two papers lost at once are both offered, neither answered alone', async () => {
    const r = await ask('túi xách bị trộm mất cả thẻ căn cước lẫn bằng lái xe');
    expect(r.outcome).toBe('clarify');
    expect(r.choices).toHaveLength(2);
    expect(r.choices.some((c) => /căn cước/.test(c.name))).toBe(true);
    expect(r.choices.some((c) => /giấy phép lái xe/.test(c.name))).toBe(true);
    const both = await ask('làm khai sinh và nhập hộ khẩu cho cháu');
    expect(both.choices.map((c) => c.code).sort()).toEqual(['1.001193', '1.004222']);
    // Two aspects of one procedure joined the same way are one question.
    expect((await ask('đăng ký kết hôn cần giấy tờ gì và lệ phí bao nhiêu')).outcome).toBe('answered');
  });
});
