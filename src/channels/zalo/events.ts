/**
 * Zalo Bot Platform events, validated with zod at the edge. Webhook bodies come wrapped
 * ({ ok, result: { event_name, message } }) or, in some integrations, unwrapped ({ event_name, message }): both pass.
 * IDs are strings on the wire; numbers are accepted and turned into strings.
 */
import { z } from 'zod';

const id = z.union([z.string().min(1).max(128), z.number()]).transform(String);

const zaloMessageSchema = z.looseObject({
  message_id: id,
  from: z.looseObject({ id, display_name: z.string().optional(), is_bot: z.boolean().optional() }),
  chat: z.looseObject({ id, chat_type: z.string().optional() }),
  text: z.string().max(10_000).optional(),
  date: z.number().optional(),
});

export const zaloEventSchema = z.looseObject({
  event_name: z.string().min(1).max(100),
  message: zaloMessageSchema,
});

export const zaloWebhookBodySchema = z.union([
  z.looseObject({ ok: z.boolean().optional(), result: zaloEventSchema }).transform((b) => b.result),
  zaloEventSchema,
]);

export type ZaloMessage = z.infer<typeof zaloMessageSchema>;
export type ZaloEvent = z.infer<typeof zaloEventSchema>;

export const ZALO_TEXT_EVENT = 'message.text.received';
