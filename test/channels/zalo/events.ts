/** Zalo Bot Platform events as the platform sends them. */
export function zaloEvent(messageId: string, text: string | undefined, chatId = 'chat-1', eventName = 'message.text.received') {
  return {
    event_name: eventName,
    message: {
      from: { id: `u-${chatId}`, display_name: 'Lan', is_bot: false },
      chat: { id: chatId, chat_type: 'PRIVATE' },
      ...(text !== undefined ? { text } : {}),
      message_id: messageId,
      date: 1_764_000_000_000,
    },
  };
}

export const wrapped = (event: ReturnType<typeof zaloEvent>) => ({ ok: true, result: event });
