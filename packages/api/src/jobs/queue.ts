import type { MikroORM } from '@mikro-orm/postgresql';
import { EventEmitter } from 'node:events';
import { Logger, run, runMigrations, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import type { AppConfig } from '../config/env.js';
import { ALERT_DERIVED_SQL } from '../modules/alerts/alerts.service.js';
import { notifyEscalations } from '../modules/notifications/notifications.write.js';
import { refreshComplianceSnapshot } from '../modules/compliance/compliance.snapshot.js';
import { refreshRollups, rolledPeriodsInOrder } from '../modules/reports/reports.rollup.js';
import { notifyReportsDue } from '../modules/reports/reports.submission.js';
import { sendSms } from '../modules/notifications/sms.js';
import { deliverWebhook, queueFeedChanged } from '../modules/webhooks/webhooks.delivery.js';
import { archiveOldAuditPartitions, ensureHistoryPartitions } from './partitions.js';

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
  notifyReportsDue: 'notify_reports_due',
  refreshReports: 'refresh_reports',
  ensureReports: 'ensure_refresh_reports',
  ensurePartitions: 'ensure_partitions',
  auditRetention: 'audit_retention',
  failedJobsRetention: 'failed_jobs_retention',
} as const;

/**
 * Days a job that failed for good (every attempt used) stays in the queue's table. Its outcome is kept where people
 * look (a webhook delivery's row, a notification's status); the queue's row, with its last error, only for diagnosis.
 */
export const FAILED_JOB_DAYS = 30;

/**
 * Removes jobs that failed for good and last ran more than FAILED_JOB_DAYS before `now`, through the queue's own
 * `complete_jobs` (which leaves a locked job alone); returns how many. Without it they would pile up for ever.
 */
export async function deleteFailedJobs(query: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>, now: Date): Promise<number> {
  const { rows } = await query(
    `select count(*)::int as n from graphile_worker.complete_jobs(array(
       select id from graphile_worker.jobs
        where attempts >= max_attempts and locked_at is null and updated_at < $1::timestamptz - make_interval(days => $2::int)))`,
    [now, FAILED_JOB_DAYS],
  );
  return (rows[0] as { n: number }).n;
}

/** The one job key of the report refresher: at most one such job exists per database, whatever runs. */
const REPORTS_KEY = 'refresh_reports';

/**
 * Each minute: escalations that reached a new level are notified, and FEED_CHANGED subscribers told of new changes.
 * `?max=1`: after downtime each runs once, not once per missed minute (both look at the whole state, not at a minute).
 */
export const CRONTAB = [
  `* * * * * ${TASKS.notifyEscalations} ?max=1`,
  `* * * * * ${TASKS.webhookFeed} ?max=1`,
  // Reports due within three days: each hour is often enough (the dedupe key makes each reminder once).
  `7 * * * * ${TASKS.notifyReportsDue} ?max=1`,
  // The history tables' monthly partitions, made months ahead (jobs/partitions.ts): daily, so a failed run has months
  // to be noticed before a month starts without its partitions.
  `17 3 * * * ${TASKS.ensurePartitions} ?max=1`,
  // Audit retention (does nothing unless TANFANG_AUDIT_RETENTION_MONTHS is set): daily, at night (China time 11:47 is
  // 03:47 UTC: the cron runs in the server's zone; either is a quiet hour for the detach's brief lock).
  `47 3 * * * ${TASKS.auditRetention} ?max=1`,
  `53 3 * * * ${TASKS.failedJobsRetention} ?max=1`,
].join('\n');
/** With the report refresher on: each minute, make sure its job exists (after a crash, or on a fresh database). */
const REPORTS_CRON = `* * * * * ${TASKS.ensureReports} ?max=1`;

export interface WorkerOptions {
  /** Either a pool the caller owns or a connection string (the worker then owns its pool). */
  pgPool?: pg.Pool;
  connectionString?: string;
  config: Pick<AppConfig, 'webhooks' | 'sms'> & Partial<Pick<AppConfig, 'auditRetentionMonths' | 'auditArchiveDir'>>;
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
  /**
   * Refresh today's compliance snapshot and the running periods' report rollups every this many seconds
   * (TANFANG_ROLLUP_SECONDS; 0 or absent: off). One self-rescheduling job under one job key, so the refresh runs
   * once per interval across every instance and worker, never N times with N instances (the old setInterval did).
   */
  reportSeconds?: number;
}

/**
 * Queues the report refresher under its key. Rescheduling (the run itself, at its end): `seconds` ahead, replacing.
 * Seeding (a worker starting, the ensure cron): at once, unless a refresher job is queued or running (locked in the
 * last 10 minutes: a refresh never takes that long; an older lock is a crashed worker's). Without that check a seed
 * while a refresh runs would start a second one beside it. The interval travels in the payload, so any worker runs it.
 */
async function queueReports(query: (text: string, values?: unknown[]) => Promise<unknown>, seconds: number, seed: boolean, runInSeconds = seed ? 0 : seconds): Promise<void> {
  await query(
    `select graphile_worker.add_job($1, json_build_object('seconds', $2::int), run_at := now() + make_interval(secs => $3::int),
                                    job_key := $4, job_key_mode := 'replace', max_attempts := 1)
      where not $5::boolean
         or not exists (select 1 from graphile_worker.jobs j
                         where j.task_identifier = $1
                           and (j.attempts < j.max_attempts or j.locked_at > now() - interval '10 minutes'))`,
    [TASKS.refreshReports, seconds, runInSeconds, REPORTS_KEY, seed],
  );
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
    [TASKS.notifyReportsDue]: async () => {
      await notifyReportsDue(orm.em.fork(), now());
    },
    [TASKS.refreshReports]: async (payload, helpers) => {
      const seconds = Number((payload as { seconds?: number } | null)?.seconds ?? options.reportSeconds ?? 0);
      if (seconds <= 0) return;
      // The worker's abort signal (a stop past its grace) ends each refresh between towns: a stop no longer waits
      // for a whole refresh, and the job is not left locked by a process that is gone.
      const signal = helpers.abortSignal;
      let stopped = false;
      try {
        const at = now();
        // A period never rolled up (a new month's first minutes, a first deploy) is computed live over whole regions
        // on every report until its first refresh: that one first, before anything else. A period already rolled up
        // answers from its last refresh meanwhile (stale, and saying so), so it can wait.
        const { unrolled, rolled } = await rolledPeriodsInOrder(orm.em.fork(), at);
        for (const period of unrolled) await refreshRollups(orm.em, period, at, signal);
        await refreshComplianceSnapshot(orm.em, at, signal);
        for (const period of rolled) await refreshRollups(orm.em, period, at, signal);
      } catch (error) {
        // Cut short by the stop (not a failure): what was done stays, the rest is the next run's, queued at once
        // below so that another worker, or this one's next start, takes it up.
        if (!signal.aborted) throw error;
        stopped = true;
      } finally {
        // The next run, whether this one failed or not (a failure is logged by the queue; the next may succeed).
        await queueReports((text, values) => helpers.query(text, values), seconds, false, stopped ? 0 : seconds);
      }
    },
    [TASKS.ensurePartitions]: async (_payload, helpers) => {
      await ensureHistoryPartitions((text, values) => helpers.query(text, values), now());
    },
    [TASKS.auditRetention]: async (_payload, helpers) => {
      const months = config.auditRetentionMonths ?? null;
      if (months == null || !config.auditArchiveDir) return;
      // Its own connection: the COPY stream and the session advisory lock need one client for the whole run.
      await helpers.withPgClient((client) => archiveOldAuditPartitions(client, { months, dir: config.auditArchiveDir!, now: now() }));
    },
    [TASKS.failedJobsRetention]: async (_payload, helpers) => {
      await deleteFailedJobs((text, values) => helpers.query(text, values), now());
    },
    [TASKS.ensureReports]: async (_payload, helpers) => {
      if ((options.reportSeconds ?? 0) > 0) await queueReports((text, values) => helpers.query(text, values), options.reportSeconds!, true);
    },
  };
}

/** Starts a worker: inside the API process (main.ts, TANFANG_WORKER=inline) or alone (worker.ts, `pnpm worker`). */
export async function startWorker(options: WorkerOptions): Promise<JobWorker> {
  // Our own pool when given a URL: stop() ends it only after the runner let go, so no connection is cut under it.
  const ownPool = options.pgPool ? null : new pg.Pool({ connectionString: options.connectionString, max: (options.concurrency ?? 4) + 2 });
  ownPool?.on('error', () => undefined);
  ownPool?.on('connect', (client) => client.on('error', () => undefined));
  // The pool's id is what its jobs are locked by (see stop()).
  const events: WorkerEvents = new EventEmitter();
  let poolId: string | null = null;
  events.on('pool:create', ({ workerPool }) => {
    poolId = workerPool.id;
  });
  const runner = await run({
    events,
    pgPool: options.pgPool ?? ownPool!,
    taskList: taskList(options),
    crontab: options.cron === false ? '' : (options.reportSeconds ?? 0) > 0 ? `${CRONTAB}\n${REPORTS_CRON}` : CRONTAB,
    concurrency: options.concurrency ?? 4,
    pollInterval: options.pollInterval ?? 2000,
    gracefulShutdownAbortTimeout: options.abortAfterMs ?? 5000,
    // The process's own shutdown (main.ts, worker.ts) stops the worker in its order: HTTP, worker, ORM, database.
    noHandleSignals: true,
    logger: quietLogger,
  });
  // The first refresh at once (a job already queued keeps its time).
  if ((options.reportSeconds ?? 0) > 0) {
    const pool = options.pgPool ?? ownPool!;
    await queueReports((text, values) => pool.query(text, values), options.reportSeconds!, true);
  }
  let stopped: Promise<void> | null = null;
  return {
    runner,
    stop() {
      stopped ??= runner
        .stop()
        .then(() => runner.promise.catch(() => undefined))
        // graphile-worker records a finished job without waiting for it (completeJob is not awaited), so a job that
        // ended during the stop could stay locked by this gone pool for its 4-hour lock timeout. Unlock ours with its
        // own function for dead workers: a job already recorded is gone and unaffected.
        .then(() => (poolId ? (options.pgPool ?? ownPool!).query(`select graphile_worker.force_unlock_workers(array[$1::text])`, [poolId]).catch(() => undefined) : null))
        .then(() => ownPool?.end());
      return stopped;
    },
  };
}
