/**
 * Zalo Official Account webhook events, validated with zod after the signature matched. Every event carries
 * `event_name`, `app_id`, `timestamp` (ms, as a string), `sender.id` and `recipient.id`; user messages carry
 * `message.msg_id` (and `message.text` for text). Ids arrive as strings; numbers are accepted and turned into strings.
 * Unknown fields are kept (looseObject): Zalo adds fields without notice.
 */
import { z } from 'zod';

const id = z.union([z.string().min(1).max(128), z.number()]).transform(String);

export const zaloOaEventSchema = z.looseObject({
  event_name: z.string().min(1).max(100),
  app_id: id,
  timestamp: z.union([z.string(), z.number()]).transform(String).optional(),
  sender: z.looseObject({ id }),
  recipient: z.looseObject({ id }).optional(),
  // follow/unfollow name the user in `follower` in some deliveries; `sender` is there too.
  follower: z.looseObject({ id }).optional(),
  message: z
    .looseObject({
      msg_id: id.optional(),
      text: z.string().max(10_000).optional(),
    })
    .optional(),
});

export type ZaloOaEvent = z.infer<typeof zaloOaEventSchema>;

export const ZALO_OA_TEXT = 'user_send_text';
export const ZALO_OA_FOLLOW = 'follow';
export const ZALO_OA_UNFOLLOW = 'unfollow';

/** Events a user sends (a message): they open the interaction window and are deduplicated on msg_id. */
export function isUserMessageEvent(name: string): boolean {
  return name.startsWith('user_send_');
}

/** The user an event is about: the follower for follow/unfollow, else the sender. */
export function eventUserId(ev: ZaloOaEvent): string {
  if (ev.event_name === ZALO_OA_FOLLOW || ev.event_name === ZALO_OA_UNFOLLOW) return ev.follower?.id ?? ev.sender.id;
  return ev.sender.id;
}
