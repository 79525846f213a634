/** Builders for Telegram updates as the Bot API sends them. */
import type { Update } from 'grammy/types';

const user = (id: number) => ({ id, is_bot: false, first_name: 'Lan', language_code: 'vi' });
const chat = (id: number) => ({ id, type: 'private' as const, first_name: 'Lan' });

export function textUpdate(updateId: number, text: string, chatId = 1001): Update {
  const entities = text.startsWith('/')
    ? [{ type: 'bot_command' as const, offset: 0, length: text.split(/\s/)[0]!.length }]
    : undefined;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_764_000_000,
      chat: chat(chatId),
      from: user(chatId),
      text,
      ...(entities ? { entities } : {}),
    },
  } as Update;
}

export function callbackUpdate(updateId: number, data: string, chatId = 1001): Update {
  return {
    update_id: updateId,
    callback_query: {
      id: `cb${updateId}`,
      from: user(chatId),
      chat_instance: 'ci',
      data,
      message: { message_id: 5, date: 1_764_000_000, chat: chat(chatId), from: user(42), text: 'Chọn thủ tục' },
    },
  } as Update;
}

export function photoUpdate(updateId: number, chatId = 1001): Update {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_764_000_000,
      chat: chat(chatId),
      from: user(chatId),
      photo: [{ file_id: 'f', file_unique_id: 'u', width: 10, height: 10 }],
    },
  } as Update;
}
