import type { MikroORM } from '@mikro-orm/postgresql';
import { Logger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import pg from 'pg';
import type { AppConfig } from '../config/env.js';
import { ALERT_DERIVED_SQL } from '../modules/alerts/alerts.service.js';
import { notifyEscalations } from '../modules/notifications/notifications.write.js';
import { sendSms } from '../modules/notifications/sms.js';
import { deliverWebhook, queueFeedChanged } from '../modules/webhooks/webhooks.delivery.js';

/**
 * The job queue: graphile-worker on the application's own PostgreSQL (no other server to run). Jobs are rows in its
 * schema, queued by the events' own transactions (`graphile_worker.add_job` in SQL: the outbox is the queue), locked
 * by one worker at a time (FOR UPDATE SKIP LOCKED) and retried when they fail; cron items run once per minute across
 * every instance (graphile-worker records each run in its `known_crontabs`).
 */

/** Warnings and errors only: a job's every start and finish would drown the API's own log. */
const quietLogger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') console.warn(`[jobs] ${message}`);
});

/** graphile-worker's own schema, migrated by its runMigrations (idempotent; run by every start, see db/bootstrap.ts). */
export async function migrateJobQueue(connectionString: string): Promise<void> {
  const pool = new pg.Pool({ connectionString, max: 1 });
  // An idle client cut off by the server: the next query reports it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    await runMigrations({ pgPool: pool, logger: quietLogger });
  } finally {
    await pool.end();
  }
}

export const TASKS = {
  deliverWebhook: 'deliver_webhook',
  sendSms: 'send_sms',
  notifyEscalations: 'notify_escalations',
  webhookFeed: 'webhook_feed',
} as const;

/**
 * Each minute: escalations that reached a new level are notified, and FEED_CHANGED subscribers told of new changes.
 * `?max=1`: after downtime each runs once, not once per missed minute (both look at the whole state, not at a minute).
 */
export const CRONTAB = [
  `* * * * * ${TASKS.notifyEscalations} ?max=1`,
  `* * * * * ${TASKS.webhookFeed} ?max=1`,
].join('\n');

export interface WorkerOptions {
  /** Either a pool the caller owns or a connection string (the worker then owns its pool). */
  pgPool?: pg.Pool;
  connectionString?: string;
  config: Pick<AppConfig, 'webhooks' | 'sms'>;
  orm: MikroORM;
  /** The clock of the escalation job (tests control it). */
  now?: () => Date;
  concurrency?: number;
  /** Milliseconds between polls for jobs scheduled in the future (new jobs are announced with LISTEN/NOTIFY). */
  pollInterval?: number;
  /** Milliseconds a graceful stop waits before aborting running jobs (an HTTP request still waiting is cut off). */
  abortAfterMs?: number;
  /** Run the cron items (default true). */
  cron?: boolean;
}

export interface JobWorker {
  runner: Runner;
  /** Graceful: takes no new job, aborts running ones after `abortAfterMs`, waits for them to record their outcome. */
  stop(): Promise<void>;
}

export function taskList(options: WorkerOptions): TaskList {
  const { orm, config } = options;
  const now = options.now ?? (() => new Date());
  return {
    [TASKS.deliverWebhook]: async (payload, helpers) => {
      await deliverWebhook(orm.em.fork(), config.webhooks, payload as { deliveryId: string }, helpers.abortSignal);
    },
    [TASKS.sendSms]: async (payload, helpers) => {
      await sendSms(orm.em.fork(), config.sms, payload as { notificationId: string }, helpers.abortSignal);
    },
    [TASKS.notifyEscalations]: async () => {
      await notifyEscalations(orm.em.fork(), ALERT_DERIVED_SQL, now());
    },
    [TASKS.webhookFeed]: async () => {
      await queueFeedChanged(orm.em.fork(), now());
    },
  };
}

/** Starts a worker: inside the API process (main.ts, TANFANG_WORKER=inline) or alone (worker.ts, `pnpm worker`). */
export async function startWorker(options: WorkerOptions): Promise<JobWorker> {
  const runner = await run({
    ...(options.pgPool ? { pgPool: options.pgPool } : { connectionString: options.connectionString }),
    taskList: taskList(options),
    crontab: options.cron === false ? '' : CRONTAB,
    concurrency: options.concurrency ?? 4,
    pollInterval: options.pollInterval ?? 2000,
    gracefulShutdownAbortTimeout: options.abortAfterMs ?? 5000,
    // The process's own shutdown (main.ts, worker.ts) stops the worker in its order: HTTP, worker, ORM, database.
    noHandleSignals: true,
    logger: quietLogger,
  });
  let stopped: Promise<void> | null = null;
  return {
    runner,
    stop() {
      stopped ??= runner.stop().then(() => runner.promise.catch(() => undefined));
      return stopped;
    },
  };
}
