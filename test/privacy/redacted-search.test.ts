/** What leaves the answer core for search (and an embedding provider) and for analytics is the redacted text. */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createAnswerService } from '../../src/answer/service.js';
import { redactPersonal } from '../../src/analytics/redact.js';
import type { InteractionRecord } from '../../src/analytics/types.js';
import type { Searcher } from '../../src/retrieval/types.js';
import { all, fakeSearcher } from '../answer/fixtures.js';

describe('redacted before it leaves the core', () => {
  function service() {
    const queries: string[] = [];
    const records: InteractionRecord[] = [];
    const inner = fakeSearcher();
    const searcher: Searcher = { search: (q, o) => (queries.push(q), inner.search(q, o)) };
    const memory = new Map<string, never>();
    const s = createAnswerService({
      searcher,
      catalog: { getProcedure: async (code) => all.find((p) => p.code === code) },
      sessions: { get: async (k) => memory.get(k), set: async () => undefined },
      centre: { name: 'Trung tâm', hotline: '0000' },
      logger: pino({ level: 'silent' }),
      redact: redactPersonal,
      recorder: { record: (r) => records.push(r), flush: async () => undefined },
      dossier: {
        detect: () => undefined,
        lookup: async () => ({ text: 'ok' }),
        follow: async () => ({ text: 'ok' }),
        unfollow: async () => ({ text: 'ok' }),
      },
    });
    return { s, queries, records };
  }
  const msg = (text: string, command?: { name: string; args: string }) => ({ channel: 'web' as const, chatId: 'c', text, receivedAt: new Date(), command });

  it('searches with phone and ID numbers removed', async () => {
    const { s, queries, records } = service();
    await s.handle(msg('đăng ký kết hôn cần gì, sđt 0912 345 678, cccd 001090012345'));
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) expect(q).not.toMatch(/0912|345 678|001090012345/);
    expect(records[0]!.text).not.toMatch(/0912|001090012345/);
  });

  it('records a dossier command without its code, whatever its shape', async () => {
    const { s, records } = service();
    await s.handle(msg('/hoso ABC123456', { name: 'hoso', args: 'ABC123456' }));
    await s.handle(msg('/tt 0912345678', { name: 'tt', args: '0912345678' }));
    expect(records.map((r) => r.text)).toEqual(['/hoso [MÃ HỒ SƠ]', '/tt [SĐT]']);
  });
});
