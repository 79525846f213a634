/**
 * What the web page fetches on its own while an officer has its conversation: POST /api/chat/inbox { chatId } →
 * { open, messages: [{ from, text, at, feedback }] }. Messages are handed out once (the database marks them sent as
 * they are read, whichever worker serves the request). The page polls every few seconds while `open` is true.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { readJson, type AppEnv } from '../../server/app.js';

const WEB_INBOX_PATH = '/api/chat/inbox';

export interface WebInboxPort {
  take(channel: string, chatId: string): Promise<{ open: boolean; messages: { from: string; text: string; at: string; feedback: boolean }[] }>;
}

const bodySchema = z.object({ chatId: z.string().min(1, 'chatId must not be empty').max(128, 'chatId is at most 128 characters') });

export function createWebInboxRoute(port: WebInboxPort): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post(WEB_INBOX_PATH, async (c) => {
    const { chatId } = await readJson(c, bodySchema);
    return c.json(await port.take('web', chatId), 200, { 'cache-control': 'no-store' });
  });
  return app;
}
