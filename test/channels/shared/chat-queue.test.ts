import { describe, expect, it } from 'vitest';
import { createChatQueue } from '../../../src/channels/shared/chat-queue.js';

const tick = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('per-chat queue', () => {
  it('runs one chat in order and other chats alongside', async () => {
    const q = createChatQueue();
    const log: string[] = [];
    q.push('a', async () => {
      await tick(40);
      log.push('a1');
    });
    q.push('a', async () => void log.push('a2'));
    q.push('b', async () => void log.push('b1'));
    await q.idle();
    expect(log).toEqual(['b1', 'a1', 'a2']);
    expect(q.pending).toBe(0);
  });

  it('never runs more than `concurrency` tasks at once', async () => {
    const q = createChatQueue({ concurrency: 3 });
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 20; i++) {
      q.push(`chat${i}`, async () => {
        running++;
        peak = Math.max(peak, running);
        await tick(5);
        running--;
      });
    }
    await q.idle();
    expect(peak).toBe(3);
  });

  it('refuses work beyond maxPending and accepts again once drained', async () => {
    const q = createChatQueue({ maxPending: 2 });
    expect(q.push('a', () => tick(10))).toBe(true);
    expect(q.push('b', () => tick(10))).toBe(true);
    expect(q.push('c', () => tick(10))).toBe(false);
    await q.idle();
    expect(q.push('c', async () => undefined)).toBe(true);
    await q.idle();
  });

  it('reports a failing task and goes on with the chat', async () => {
    const errors: unknown[] = [];
    const q = createChatQueue({ onError: (e) => errors.push(e) });
    const done: string[] = [];
    q.push('a', async () => {
      throw new Error('x');
    });
    q.push('a', async () => void done.push('next'));
    await q.idle();
    expect(errors).toHaveLength(1);
    expect(done).toEqual(['next']);
  });
});
