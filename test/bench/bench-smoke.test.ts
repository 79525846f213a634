import { describe, expect, it } from 'vitest';
import { measureWebhookThroughput, pipelineTarget, trivialTarget } from '../../scripts/bench/webhook.js';

// A correctness check of the benchmark's webhook load, not a timing assertion: timings belong to `npm run bench`.
const texts = ['đăng ký kết hôn cần gì', 'lam can cuoc cho con duoi 14 tuoi', 'xin chào', 'sang tên sổ đỏ mất bao lâu'];

describe('webhook throughput load (tiny)', () => {
  it('answers every update from every chat with exactly one sendMessage through the real server', async () => {
    const r = await measureWebhookThroughput(pipelineTarget({ logLevel: 'silent' }), { updates: 20, chats: 10, concurrency: 8, texts });
    expect(r.refused).toBe(0);
    expect(r.notices).toBe(0);
    expect(r.perChat).toHaveLength(10);
    for (const c of r.perChat) expect(c).toMatchObject({ expected: 2, received: 2 });
    expect(r.sendMessage).toBe(20);
    expect(r.answered).toBe(20);
  }, 180_000); // it starts a whole server with the shipped catalog: minutes on a loaded machine

  it('baseline target echoes each update once', async () => {
    const r = await measureWebhookThroughput(trivialTarget(), { updates: 20, chats: 5, concurrency: 8, texts });
    expect(r.sendMessage).toBe(20);
    expect(r.perChat.every((c) => c.received === c.expected)).toBe(true);
  });

  it('sends to several targets in turn when a target lists urls (workers behind a balancer)', async () => {
    const r = await measureWebhookThroughput(async (apiRoot) => {
      const a = await trivialTarget()(apiRoot);
      const b = await trivialTarget()(apiRoot);
      // `url` is an address nobody listens on: reached only if the sender ignored `urls`.
      return {
        url: 'http://127.0.0.1:9/refused',
        urls: [a.url, b.url],
        secret: a.secret,
        drain: async () => {
          await Promise.all([a.drain(), b.drain()]);
        },
      };
    }, { updates: 20, chats: 5, concurrency: 4, texts });
    expect(r.refused).toBe(0);
    expect(r.sendMessage).toBe(20);
  });
});
