/**
 * Background checks of followed dossiers. Each tick claims due subscriptions (a lease taken with
 * FOR UPDATE SKIP LOCKED, so workers sharing one PostgreSQL never take the same row), asks the centre once per code,
 * and on a status change moves last_status by compare-and-set before sending: one message per change, on the chat's
 * own channel. Closed dossiers (3, 7, 8, 9, 10) stop being polled.
 */
import type { Db } from '../db/db.js';
import type { ChannelSender, Reply } from '../core/types.js';
import type { Logger } from '../logger.js';
import { isAppError } from '../errors.js';
import { composeStatusChangeText } from './compose.js';
import { maskDossierCode } from './mask.js';
import type { Dossier, DossierProvider } from './provider.js';
import { isClosedStatus, type DossierStatus } from './status.js';

export interface DossierPollerDeps {
  db: Db;
  provider: DossierProvider;
  senders: ChannelSender[];
  /** How often to tick, and how long a subscription waits between checks. From CENTER_POLL_INTERVAL_SECONDS. */
  intervalMs: number;
  logger: Logger;
  clock?: () => Date;
  /** Subscriptions claimed per tick. Default 100. */
  batchSize?: number;
  /** How long a claim holds before another worker may take the row over (a crashed tick). Default 5 min. */
  leaseMs?: number;
  /** Time allowed for the centre per code. Default 20 s. */
  fetchDeadlineMs?: number;
  /** Failed deliveries in a row after which a subscription is switched off (e.g. the chat blocked the bot). Default 5. */
  maxSendFailures?: number;
}

export interface TickReport {
  claimed: number;
  notified: number;
  failed: number;
  stopped: number;
}

export interface DossierPoller {
  /** Ticks every intervalMs (the first one after intervalMs); overlapping ticks are skipped. */
  start(): void;
  /** Stops the timer and waits for a running tick. */
  stop(): Promise<void>;
  /** One pass over due subscriptions. Never throws. */
  tick(): Promise<TickReport>;
}

interface SubRow {
  id: number;
  channel: string;
  chat_id: string;
  code: string;
  last_status: number | null;
}

export function createDossierPoller(deps: DossierPollerDeps): DossierPoller {
  const { db, provider, logger } = deps;
  const log = logger.child({ component: 'dossier-poller' });
  const clock = deps.clock ?? (() => new Date());
  const batch = deps.batchSize ?? 100;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const fetchDeadlineMs = deps.fetchDeadlineMs ?? 20_000;
  const maxSendFailures = deps.maxSendFailures ?? 5;
  const senders = new Map(deps.senders.map((s) => [s.channel, s]));
  const ts = (ms: number) => new Date(ms).toISOString();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<TickReport> | undefined;

  // The next check counts from the tick that claimed the row, not from when the centre answered: counted from the
  // answer it would fall just after the worker's next tick and wait a whole extra interval. A timer may also fire a
  // few milliseconds early, hence the slack when claiming.
  const dueSlackMs = Math.min(1000, Math.floor(deps.intervalMs / 10));

  async function release(id: number, tickAt: number, now: number, extra = '') {
    await db.query(
      `UPDATE dossier_subscriptions SET claimed_until = NULL, next_check_at = $2::timestamptz,
         last_checked_at = $3::timestamptz, updated_at = $3::timestamptz${extra} WHERE id = $1`,
      [id, ts(tickAt + deps.intervalMs), ts(now)],
    );
  }

  async function notify(row: SubRow, d: Dossier, tickAt: number, now: number): Promise<'sent' | 'skipped' | 'failed'> {
    const closed = isClosedStatus(d.status);
    // Compare-and-set: only the worker that moves last_status from the value it saw sends the message.
    const moved = await db.query(
      `UPDATE dossier_subscriptions SET last_status = $2, active = $4, claimed_until = NULL,
         next_check_at = $5::timestamptz, last_checked_at = $6::timestamptz, updated_at = $6::timestamptz
       WHERE id = $1 AND last_status IS NOT DISTINCT FROM $3 RETURNING id`,
      [row.id, d.status, row.last_status, !closed, ts(tickAt + deps.intervalMs), ts(now)],
    );
    if (!moved.length) return 'skipped';
    const reply: Reply = { outcome: 'dossier', text: composeStatusChangeText(d), citations: [], choices: [], feedback: false };
    const sender = senders.get(row.channel as ChannelSender['channel']);
    try {
      if (!sender) throw new Error(`no sender for channel ${row.channel}`);
      await sender.send(row.chat_id, reply);
    } catch (err) {
      if (isAppError(err, 'channel:undeliverable')) {
        // The platform does not let us write to this chat now (Zalo OA outside its interaction window): the channel
        // recorded the change as not delivered (shown in the admin); retrying would only record it again.
        log.info({ code: row.code.slice(0, 4) + '…', channel: row.channel, reason: err.details?.reason }, 'dossier change not deliverable');
        return 'failed';
      }
      // Put the old status back so the next tick tries again (the message was not delivered), unless this chat
      // keeps failing: then stop, rather than retry a blocked chat forever.
      await db
        .query(
          `UPDATE dossier_subscriptions SET last_status = $3, send_failures = send_failures + 1,
             active = (send_failures + 1 < $4)
           WHERE id = $1 AND last_status = $2`,
          [row.id, d.status, row.last_status, maxSendFailures],
        )
        .catch(() => undefined);
      log.warn(
        { subscription: row.id, code: maskDossierCode(row.code), channel: row.channel, err: { message: (err as Error).message } },
        'dossier change not sent, will retry',
      );
      return 'failed';
    }
    log.info({ subscription: row.id, code: maskDossierCode(row.code), status: d.status, channel: row.channel }, 'dossier change sent');
    await db
      .query(`UPDATE dossier_subscriptions SET send_failures = 0 WHERE id = $1 AND send_failures > 0`, [row.id])
      .catch(() => undefined);
    return 'sent';
  }

  async function runTick(): Promise<TickReport> {
    const report: TickReport = { claimed: 0, notified: 0, failed: 0, stopped: 0 };
    const channels = [...senders.keys()];
    if (!channels.length) return report;
    const now = clock().getTime();
    const rows = await db.query<SubRow>(
      `UPDATE dossier_subscriptions SET claimed_until = $2::timestamptz
       WHERE id IN (
         SELECT id FROM dossier_subscriptions
         WHERE active AND next_check_at <= $5::timestamptz
           AND (claimed_until IS NULL OR claimed_until < $1::timestamptz)
           AND channel = ANY(string_to_array($3, ','))
         ORDER BY next_check_at, id
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING id, channel, chat_id, code, last_status`,
      [ts(now), ts(now + leaseMs), channels.join(','), batch, ts(now + dueSlackMs)],
    );
    report.claimed = rows.length;
    const byCode = new Map<string, SubRow[]>();
    for (const r of rows) byCode.set(r.code, [...(byCode.get(r.code) ?? []), r]);
    let circuitOpen = false;
    for (const [code, subs] of byCode) {
      let dossier: Dossier | null = null;
      let failed = circuitOpen;
      if (!circuitOpen) {
        try {
          dossier = await provider.getDossier(code, { signal: AbortSignal.timeout(fetchDeadlineMs) });
        } catch (err) {
          failed = true;
          if (isAppError(err, 'center_api:circuit_open')) circuitOpen = true;
          log.warn({ code: maskDossierCode(code), errorCode: isAppError(err) ? err.code : 'internal' }, 'dossier poll failed');
        }
      }
      for (const row of subs) {
        try {
          const t = clock().getTime();
          if (failed || !dossier || dossier.status === row.last_status) {
            if (failed) report.failed++;
            await release(row.id, now, t);
            continue;
          }
          const outcome = await notify(row, dossier, now, t);
          if (outcome === 'sent') report.notified++;
          if (outcome === 'failed') {
            report.failed++;
            await release(row.id, now, t);
          }
          if (outcome === 'sent' && isClosedStatus(dossier.status as DossierStatus)) report.stopped++;
        } catch (err) {
          report.failed++;
          log.error({ code: maskDossierCode(code), err: { message: (err as Error).message } }, 'dossier subscription update failed');
        }
      }
    }
    if (report.claimed) log.info(report, 'dossier poll tick');
    return report;
  }

  function tick(): Promise<TickReport> {
    running ??= runTick()
      .catch((err: Error) => {
        log.error({ err: { message: err.message } }, 'dossier poll tick failed');
        return { claimed: 0, notified: 0, failed: 0, stopped: 0 };
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    tick,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (!running) void tick();
      }, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
