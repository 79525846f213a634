import type { Hono } from 'hono';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Db } from './db/db.js';
import { createCore, type Core } from './runtime.js';
import { createApp, type AppEnv, type HealthProbe } from './server/app.js';
import { listen } from './server/listen.js';
import type { ChannelSender } from './channels/types.js';
import { createTelegramChannel } from './channels/telegram/channel.js';
import { createZaloChannel } from './channels/zalo/channel.js';
import { createZaloOaChannel } from './channels/zalo-oa/channel.js';
import { createWebChat } from './channels/web/routes.js';
import { createAdminRoutes } from './server/admin/routes.js';
import { createReportService } from './analytics/report.js';
import { recorderHealthProbe } from './analytics/recorder.js';
import { createCentreHealthProbe } from './dossier/health.js';
import { createDossierPoller } from './dossier/poller.js';
import { renderProcedureText } from './catalog/render-text.js';
import { guessingAlertText } from './dossier/throttle.js';
import { createRetentionScheduler } from './privacy/retention.js';
import { createAuthThrottle, createDbAdminSessions } from './server/admin/auth.js';
import { createStaffStore } from './server/admin/staff.js';
import { createHandoffFromConfig } from './handoff/compose.js';

export interface Running {
  port: number;
  core: Core;
  stop(): Promise<void>;
}

interface Startable {
  routes: Hono<AppEnv>;
  sender: ChannelSender;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds every component from config and starts the HTTP server: web chat, chat API, Telegram and Zalo webhooks (when
 * configured), admin dashboard, and the dossier notification poller. Used by `npm start` (main.ts) and `cli serve`.
 * stop() stops accepting, finishes in-flight work (webhook queues, analytics), then closes the database.
 */
export async function startServer(config: Config, logger: Logger, options: { db?: Db } = {}): Promise<Running> {
  const core = await createCore(config, logger, options);
  const { db } = core;
  // Officers take conversations when the inbox exists: the handoff sits in front of the answer core on every channel.
  const handoff = createHandoffFromConfig({
    config,
    db,
    logger,
    centre: core.centre,
    procedureName: async (code) => (await core.catalog.getProcedure(code))?.procedure.name,
  });
  const answers = handoff ? handoff.service.wrap(core.answers) : core.answers;
  const channels: Startable[] = [];
  if (config.TELEGRAM_BOT_TOKEN) channels.push(createTelegramChannel({ config, answers, db, logger }));
  if (config.ZALO_BOT_TOKEN) channels.push(createZaloChannel({ config, answers, db, logger }));
  const zaloOa = config.ZALO_OA_APP_ID ? createZaloOaChannel({ config, answers, db, logger }) : undefined;
  if (zaloOa) channels.push(zaloOa);

  handoff?.senders.push(...channels.map((c) => c.sender));

  const report = createReportService({ db, embedder: core.embedder }, { clarifyTimeoutMs: config.SESSION_TIMEOUT_MINUTES * 60_000 });
  // One count of failed ADMIN_TOKEN attempts per address, for the admin and for /health's details.
  const authThrottle = createAuthThrottle();
  const admin = createAdminRoutes(
    {
      config,
      db,
      report,
      lookup: {
        searcher: core.searcher,
        getProcedure: async (code) => (await core.catalog.getProcedure(code))?.procedure ?? null,
        renderProcedure: renderProcedureText,
      },
      ...(handoff ? { inbox: handoff.inbox } : {}),
      // Corrections and notes apply on this worker before the redirect; other workers at their next version check.
      catalog: { db, searcher: core.searcher, renderProcedure: renderProcedureText, changed: () => core.catalogWatcher.check() },
      alerts: async () => {
        const g = await core.dossier.guessingState();
        const oa = zaloOa ? await zaloOa.alerts().catch(() => []) : [];
        return [...(g.active ? [guessingAlertText(g)] : []), ...oa];
      },
      erase: core.eraseChat,
      sessions: createDbAdminSessions(db),
      staff: createStaffStore(db),
      authThrottle,
    },
    { basePath: '/admin' },
  );
  const probes: HealthProbe[] = [createCentreHealthProbe(core.dossierProvider), recorderHealthProbe(core.recorder)];
  if (zaloOa) probes.push(zaloOa.probe);
  const mounts = [
    ...channels.map((c) => ({ path: '/', app: c.routes })),
    { path: '/admin', app: admin },
    ...(handoff ? [{ path: '/', app: handoff.webRoute }] : []),
  ];
  const app = createApp({ db, logger, answers, mounts, probes, webChat: createWebChat(), trustedProxies: config.TRUSTED_PROXIES, adminToken: config.ADMIN_TOKEN, authThrottle });

  const poller = createDossierPoller({
    db,
    provider: core.dossierProvider,
    senders: channels.map((c) => c.sender),
    intervalMs: config.CENTER_POLL_INTERVAL_SECONDS * 1000,
    logger,
  });

  const server = await listen(app, { port: config.PORT, host: config.HOST });
  for (const c of channels) {
    await c.start().catch((err) => logger.error({ err: { message: (err as Error).message } }, 'channel failed to start'));
  }
  if (channels.length) poller.start();
  core.catalogWatcher.start();
  // RETENTION_DAYS: one scheduled prune over every table with per-chat data, whichever channels are on.
  const retention = createRetentionScheduler({ db, days: config.RETENTION_DAYS, logger });
  retention.start();
  handoff?.service.start();
  logger.info({ port: server.port, db: db.kind, channels: channels.length }, 'motcua listening');

  let stopping: Promise<void> | undefined;
  return {
    port: server.port,
    core,
    stop() {
      stopping ??= (async () => {
        logger.info('shutting down: no new connections, finishing in-flight work');
        await server.close();
        await poller.stop();
        await retention.stop();
        await handoff?.service.stop();
        for (const c of channels) await c.stop().catch(() => undefined);
        await core.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}
