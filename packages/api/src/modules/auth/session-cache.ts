import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Actor } from './actor.js';
import { hashToken, resolveToken } from './auth.service.js';

/** The channel the database's triggers announce revocations on (Migration20261206017000_stateless_instances). */
export const SESSION_CHANNEL = 'tanfang_session';
/** Tokens kept at most; past it the oldest go first (a busy instance sees a few thousand people in a few seconds). */
const MAX_ENTRIES = 20_000;
/** A listener that does not answer its heartbeat within this long is treated as gone. */
const HEARTBEAT_TIMEOUT_MS = 2000;

interface Entry {
  actor: Actor;
  /** The session's own expiry in the request clock's terms (Infinity for an API key). */
  expiresAt: number;
  /** When it was stored, on this process's monotonic clock. */
  storedAt: number;
}

/**
 * The actor of each recent token, kept in this process for `ttlSeconds` (issue 17 item 2: every request looked its
 * session up), with revocation still immediate on every instance: the database's triggers NOTIFY `tanfang_session`
 * at the commit of any change that ends or alters what a token may do, and each instance holds one LISTENing
 * connection (DATABASE_LISTEN_URL: LISTEN needs a session of its own, so not through PgBouncer in transaction mode).
 *
 * Never a stale actor:
 * - while the listener is not connected (not yet, dropped, or silent past its heartbeat) the cache is off and emptied:
 *   every request looks its token up until LISTEN is back, and what was cached before is forgotten then too;
 * - a lookup that was under way when any notification arrived is not stored (its answer may predate the change);
 * - an entry lives `ttlSeconds` at most and never past its session's expiry.
 * Only a NOTIFY still in flight between the database and this process when the next request arrives could be missed:
 * it is sent at the revoking commit, before the revoking request's answer leaves the other instance.
 */
export class SessionCache extends EventEmitter {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every notification and every loss of the listener: lookups started before it are not stored. */
  private generation = 0;
  private client: pg.Client | null = null;
  private listening = false;
  private stopped = false;
  private retryMs = 500;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  /** Lookups that went to the database (tests assert that a cached request makes none). */
  lookups = 0;

  constructor(
    private readonly listenUrl: string,
    private readonly ttlSeconds: number,
  ) {
    super();
  }

  /** Connects the listener; resolves once it listens or has failed once (then it keeps retrying, the cache off). */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const client = this.client;
    this.disable();
    await client?.end().catch(() => undefined);
  }

  /** True while cached actors may be served: the listener is connected and listening. */
  get enabled(): boolean {
    return this.listening && this.ttlSeconds > 0;
  }

  /** The actor of a token: from the cache when it may be, else looked up (one statement) and kept. */
  async authenticate(em: EntityManager, token: string | null, now: Date): Promise<Actor | null> {
    if (!token || token.length > 200) return null;
    const key = hashToken(token);
    if (this.enabled) {
      const hit = this.entries.get(key);
      if (hit && performance.now() - hit.storedAt < this.ttlSeconds * 1000 && now.getTime() < hit.expiresAt) return hit.actor;
      if (hit) this.entries.delete(key);
    }
    const generation = this.generation;
    this.lookups += 1;
    const resolved = await resolveToken(em, token, now);
    // Unknown tokens are not kept: a session created a moment ago on another instance must work at once.
    if (resolved && this.enabled && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { actor: resolved.actor, expiresAt: resolved.expiresAt?.getTime() ?? Infinity, storedAt: performance.now() });
    }
    return resolved?.actor ?? null;
  }

  /** The listening connection's server process (null while not listening): operators find it in pg_stat_activity. */
  get listenerPid(): number | null {
    return this.listening ? ((this.client as unknown as { processID?: number } | null)?.processID ?? null) : null;
  }

  /** Tokens cached now (tests). */
  get size(): number {
    return this.entries.size;
  }

  private invalidate(payload: string | undefined): void {
    this.generation += 1;
    const [kind, id] = (payload ?? '').split(':');
    if (!id || (kind !== 'u' && kind !== 'a')) {
      this.entries.clear();
    } else {
      for (const [key, entry] of this.entries) {
        if (kind === 'u' ? entry.actor.userId === id : entry.actor.agencyId === id) this.entries.delete(key);
      }
    }
    this.emit('invalidated', payload);
  }

  /** Off and empty: nothing cached may be served until the listener is back. */
  private disable(): void {
    this.listening = false;
    this.generation += 1;
    this.entries.clear();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.listenUrl, application_name: 'tanfang-session-listener', keepAlive: true });
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      this.lost(client);
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      if (message.channel === SESSION_CHANNEL) this.invalidate(message.payload);
    });
    try {
      await client.connect();
      await client.query(`listen ${SESSION_CHANNEL}`);
    } catch {
      onLost();
      return;
    }
    if (this.stopped || lost) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = 500;
    this.entries.clear();
    this.generation += 1;
    this.listening = true;
    // A connection cut without a word (a firewall dropping it) sends no 'end': a heartbeat notices within a TTL.
    const every = Math.max(1000, this.ttlSeconds * 1000);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(client, onLost), every);
    this.heartbeatTimer.unref();
    this.emit('listening');
  }

  private async heartbeat(client: pg.Client, onLost: () => void): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<'silent'>((resolve) => {
      timer = setTimeout(() => resolve('silent'), HEARTBEAT_TIMEOUT_MS);
    });
    try {
      const answer = await Promise.race([client.query('select 1').then(() => 'ok' as const), silent]);
      if (answer === 'silent') onLost();
    } catch {
      onLost();
    } finally {
      clearTimeout(timer);
    }
  }

  private lost(client: pg.Client): void {
    if (this.client === client || this.client === null) {
      this.client = null;
      if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
      this.disable();
    }
    void client.end().catch(() => undefined);
    this.emit('lost');
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
  }
}
