import { MikroORM, type EntityManager, type Options } from '@mikro-orm/postgresql';
import { isDatabaseUnavailable } from './availability.js';
import { ormConfig, POOL_IDLE_MS } from './orm-config.js';

/**
 * The streaming replicas of this instance (DATABASE_REPLICA_URLS), one ORM each, with what this process last learnt
 * of their health.
 *
 * Why one ORM per replica rather than MikroORM's `replicas` option: that option picks a replica at random for each
 * query with no notion of health, so one dead replica would fail a share of every list; and `em.execute`, knex and
 * `executeBound` (most of our lists and reports are raw SQL) always go to the primary. An EntityManager bound to a
 * chosen replica serves every kind of read the same way, and the choice can skip a replica that is down or behind.
 *
 * Health is per process and only advisory: a replica that refuses a read is set aside for a few seconds (the read is
 * run again on the primary, see shared/read-replica.ts), and /readyz measures each one's replay lag; one further
 * behind than `maxLagSeconds` gets no reads until a later measure finds it caught up.
 */

/** A replica that failed is tried again after this long (one failed attempt then costs a refused connection). */
const RETRY_AFTER_MS = 5000;
/** A lag measure older than this no longer keeps a replica out (a later read tries it again). */
const LAG_VALID_MS = 60_000;

export interface ReplicaReport {
  /** host:port/database, never the password. */
  name: string;
  up: boolean;
  /** Seconds the replica's data is behind the primary (0 when it has replayed all it received); null when down. */
  lagSeconds: number | null;
  /** Whether reads go to it now (up, not set aside after an error, not further behind than the limit). */
  serving: boolean;
  error?: string;
}

class Replica {
  downUntil = 0;
  lagSeconds: number | null = null;
  lagMeasuredAt = 0;
  constructor(
    readonly name: string,
    readonly orm: MikroORM,
  ) {}

  serving(now: number, maxLagSeconds: number): boolean {
    if (now < this.downUntil) return false;
    return !(this.lagSeconds !== null && this.lagSeconds > maxLagSeconds && now - this.lagMeasuredAt < LAG_VALID_MS);
  }
}

/** host:port/database of a URL, for reports and logs (never the credentials). */
function displayName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'replica';
  }
}

export class ReplicaSet {
  private next = 0;

  private constructor(
    private readonly replicas: Replica[],
    readonly maxLagSeconds: number,
  ) {}

  /**
   * Opens an ORM per URL without connecting: a replica that is down at start costs nothing until a read tries it,
   * and the API starts anyway (reads then stay on the primary).
   */
  static async open(urls: readonly string[], options: { maxLagSeconds: number; pool?: number; overrides?: Partial<Options> }): Promise<ReplicaSet> {
    const replicas: Replica[] = [];
    for (const url of urls) {
      const orm = await MikroORM.init(
        ormConfig(url, {
          connect: false,
          ensureDatabase: false,
          // A replica that does not answer is given up quickly: the read then runs on the primary.
          pool: { min: 0, max: options.pool ?? Number(process.env.TANFANG_DB_POOL ?? 10), acquireTimeoutMillis: 3000, idleTimeoutMillis: POOL_IDLE_MS },
          ...options.overrides,
        }),
      );
      replicas.push(new Replica(displayName(url), orm));
    }
    return new ReplicaSet(replicas, options.maxLagSeconds);
  }

  get size(): number {
    return this.replicas.length;
  }

  /** The next serving replica, round robin; null when none serves (reads go to the primary). */
  pick(): { name: string; em: EntityManager } | null {
    const now = Date.now();
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[(this.next + i) % this.replicas.length]!;
      if (replica.serving(now, this.maxLagSeconds)) {
        this.next = (this.next + i + 1) % this.replicas.length;
        return { name: replica.name, em: replica.orm.em.fork() };
      }
    }
    return null;
  }

  /** A read on this replica failed because it cannot be reached: no reads go to it for a few seconds. */
  setAside(name: string, error: unknown): void {
    if (!isDatabaseUnavailable(error)) return;
    const replica = this.replicas.find((r) => r.name === name);
    if (replica) replica.downUntil = Date.now() + RETRY_AFTER_MS;
  }

  /**
   * Each replica's state for /readyz: reachable, in recovery, and its lag as the time since the last transaction it
   * replayed, or 0 when it has replayed all the WAL it received (an idle primary sends none, which is not lag).
   */
  async probe(): Promise<ReplicaReport[]> {
    return Promise.all(
      this.replicas.map(async (replica): Promise<ReplicaReport> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const measure = replica.orm.em.getConnection().execute<{ lag: string | number | null; recovery: boolean }[]>(
            `select pg_is_in_recovery() as recovery,
                    case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                         else extract(epoch from now() - pg_last_xact_replay_timestamp()) end as lag`,
          );
          // Within the readiness probe's own 3 s: a replica that does not answer is reported down, not waited for.
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('no answer within 2.5 s')), 2500);
          });
          const [row] = await Promise.race([measure, timeout]);
          const lag = row?.lag === null || row?.lag === undefined ? null : Math.max(0, Number(row.lag));
          replica.lagSeconds = lag;
          replica.lagMeasuredAt = Date.now();
          replica.downUntil = 0;
          return {
            name: replica.name,
            up: true,
            lagSeconds: lag,
            serving: replica.serving(Date.now(), this.maxLagSeconds),
            ...(row?.recovery ? {} : { error: 'not a replica (not in recovery)' }),
          };
        } catch (error) {
          replica.downUntil = Date.now() + RETRY_AFTER_MS;
          return { name: replica.name, up: false, lagSeconds: null, serving: false, error: (error as Error).message };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.orm.close(true)));
  }
}
