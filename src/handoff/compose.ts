/**
 * Builds the handoff from config for `serve`: on when the inbox can exist (ADMIN_TOKEN set), off otherwise (nobody
 * could answer). Channels are built after it (they need the wrapped answers) and push their senders into `senders`.
 */
import type { Hono } from 'hono';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import type { AppEnv } from '../server/app.js';
import type { CentreInfo } from '../answer/texts.js';
import type { ChannelSender } from '../channels/types.js';
import { createSessionStore } from '../answer/session.js';
import { loadWorkingCalendar } from '../dossier/calendar.js';
import { redactPersonal } from '../analytics/redact.js';
import { createWebInboxRoute } from '../channels/web/handoff-route.js';
import type { InboxDeps } from '../server/admin/inbox.js';
import { createCentreHours, loadWeekHours } from './hours.js';
import { createHandoffService, type HandoffService } from './service.js';
import { createHandoffStore } from './store.js';

export interface Handoff {
  service: HandoffService;
  /** Push senders of the channels (filled in by serve once they exist). */
  senders: ChannelSender[];
  inbox: InboxDeps;
  /** POST /api/chat/inbox for the web page. */
  webRoute: Hono<AppEnv>;
}

export interface HandoffFromConfigDeps {
  config: Pick<Config, 'ADMIN_TOKEN' | 'PUBLIC_URL' | 'STAFF_TELEGRAM_CHAT_ID' | 'SESSION_TIMEOUT_MINUTES'>;
  db: Db;
  logger: Logger;
  centre: CentreInfo;
  procedureName?: (code: string) => Promise<string | undefined>;
}

export function createHandoffFromConfig(deps: HandoffFromConfigDeps): Handoff | undefined {
  const { config } = deps;
  if (!config.ADMIN_TOKEN) return undefined;
  const senders: ChannelSender[] = [];
  const staffChat = config.STAFF_TELEGRAM_CHAT_ID;
  const service = createHandoffService({
    store: createHandoffStore(deps.db),
    hours: createCentreHours(loadWeekHours(), loadWorkingCalendar()),
    centre: deps.centre,
    logger: deps.logger,
    senders,
    pullChannels: ['web'],
    inboxUrl: `${(config.PUBLIC_URL ?? '').replace(/\/+$/, '')}/admin/inbox`,
    // Read only, and from the database each time: another store instance's cache could be stale.
    sessions: createSessionStore(deps.db, { timeoutMinutes: config.SESSION_TIMEOUT_MINUTES, cacheSize: 0 }),
    ...(deps.procedureName ? { procedureName: deps.procedureName } : {}),
    ...(staffChat
      ? {
          staffChat: { channel: 'telegram', chatId: staffChat },
          notifyStaff: async (line: string) => {
            const telegram = senders.find((s) => s.channel === 'telegram');
            if (!telegram) throw new Error('STAFF_TELEGRAM_CHAT_ID is set but Telegram is not configured');
            await telegram.send(staffChat, { outcome: 'handoff', text: line, citations: [], choices: [], feedback: false });
          },
        }
      : {}),
  });
  return { service, senders, inbox: { handoffs: service, mask: redactPersonal }, webRoute: createWebInboxRoute(service) };
}
