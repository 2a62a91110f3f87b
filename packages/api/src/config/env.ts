import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** See graphql/limits.ts: ~100 elders with 20 visits each and their visitors, or 10 pages of the change feed. */
export const DEFAULT_MAX_RESPONSE_OBJECTS = 10_000;
/** 动态管理: an archive not confirmed for a year is due for re-verification (issue 13). */
export const DEFAULT_REVERIFY_MONTHS = 12;
/** The audit log counts its total exactly up to this many events (AppConfig.auditCountCap). */
export const DEFAULT_AUDIT_COUNT_CAP = 10_000;

/** A working day in the village: the phone keeps its offline copy while the visitor is out, not overnight. */
export const DEFAULT_IDLE_MINUTES = 480;
/**
 * Proof of visit (issue 14 item 3). Size limits are of the decoded image; the database's CHECKs are hard ceilings
 * above them (256 KB per signature, 2 MB per photo) that configuration cannot pass.
 */
export const DEFAULT_PROOF_LIMITS = {
  signatureBytes: 64 * 1024,
  photoBytes: 400 * 1024,
  maxDistanceMeters: 500,
  lateEntryHours: 48,
  minMinutes: 10,
} as const;
export type ProofLimits = { -readonly [K in keyof typeof DEFAULT_PROOF_LIMITS]: number };
const PROOF_CEILINGS = { signatureBytes: 256 * 1024, photoBytes: 2 * 1024 * 1024 };

/** The repository root, found from this file's place (src/config or dist/config of packages/api). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** packages/api, where committed data files live. */
export const API_ROOT = path.resolve(REPO_ROOT, 'packages/api');

export interface AppConfig {
  port: number;
  /** When unset, the embedded PostgreSQL is started with its data in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  production: boolean;
  /** Seed demo users and elders on first start (never in production). */
  seedDemo: boolean;
  /** Serve the built admin console from this folder, if it exists. */
  adminDist: string;
  sessionHours: number;
  /** Report the number of SQL statements of each request in `extensions.sqlStatements` (off in production). */
  exposeSqlCount: boolean;
  /** Seconds between refreshes of the report rollups of the running periods; 0 turns the refresher off. */
  rollupSeconds: number;
  /** Most objects one GraphQL response may hold, estimated before execution and counted during it (graphql/limits.ts). */
  maxResponseObjects: number;
  /**
   * Imported visit history older than this many days raises no open alert: its findings are recorded as alerts already
   * handled (resolved, noted as imported history). Newer history raises alerts as a live visit would.
   */
  importAlertDays: number;
  /** 动态管理: months after which an archive nobody confirmed is due for re-verification (TANFANG_REVERIFY_MONTHS). */
  reverifyMonths: number;
  /**
   * Minutes without use after which the console ends its session on the device and deletes what it keeps for offline
   * work (TANFANG_IDLE_MINUTES). Visits waiting to upload stay, encrypted, until the same user logs in again.
   */
  idleMinutes: number;
  /** Proof of visit: image size limits and the thresholds of the visit flags (TANFANG_PROOF_*, TANFANG_VISIT_*). */
  proof: ProofLimits;
  /**
   * Audit retention (TANFANG_AUDIT_RETENTION_MONTHS): months of the audit log kept in the database besides the current
   * one; older months are exported to gzip CSV files in `auditArchiveDir` and dropped. null (unset): keep everything.
   */
  auditRetentionMonths: number | null;
  /** Where retention writes the exported months (TANFANG_AUDIT_ARCHIVE_DIR; default `<data dir>/audit-archive`). */
  auditArchiveDir: string;
  /**
   * The audit log's total is counted up to this many events and then reported as "at least this many"
   * (TANFANG_AUDIT_COUNT_CAP, default 10,000): an exact count of a city's log grows with every audited read.
   */
  auditCountCap: number;
  /** The job queue (graphile-worker): `inline` runs it inside the API process, `off` leaves it to `pnpm worker`. */
  worker: 'inline' | 'off';
  /** Outbound webhooks: HTTP timeout, retries and whether private addresses may be called (never in production). */
  webhooks: WebhookSettings;
  /** The SMS adapter (off unless TANFANG_SMS_URL is set): urgent alerts also go out as text messages. */
  sms: SmsSettings | null;
  /**
   * The API explorer (GraphiQL at /explorer) and introspection (TANFANG_EXPLORER). `on`: page and introspection for
   * anyone (default outside production); `signed-in`: the page is served, introspection answers only a signed-in
   * caller (console session or API key); `off`: no page (404), introspection as before (off in production, the
   * default there). Null when TANFANG_EXPLORER is unset: the default of `production` (see explorerModeOf), so a
   * configuration that only turns production on also turns the explorer off.
   */
  explorer: ExplorerMode | null;
  /**
   * Streaming replicas (DATABASE_REPLICA_URLS, comma-separated): lag-tolerant reads (lists, reports, dashboards,
   * drills) go to one of them (shared/read-replica.ts); writes, reads inside mutations and an actor's reads shortly
   * after their own write stay on the primary. Empty: everything on the primary.
   */
  replicaUrls: string[];
  /** After an actor's write, their reads stay on the primary this many seconds (TANFANG_READ_YOUR_WRITES_SECONDS). */
  readYourWritesSeconds: number;
  /** A replica further behind than this (seen by /readyz) gets no reads until it catches up (TANFANG_REPLICA_MAX_LAG_SECONDS). */
  replicaMaxLagSeconds: number;
  /**
   * The one connection each instance keeps LISTENing for session revocations (DATABASE_LISTEN_URL): LISTEN needs a
   * session of its own, so behind PgBouncer in transaction mode this points at PostgreSQL directly. Unset: the
   * database URL.
   */
  listenUrl?: string;
  /**
   * Seconds a resolved token (session or API key) is kept in this process (TANFANG_SESSION_CACHE_SECONDS); revocations
   * reach every instance at once by NOTIFY (auth/session-cache.ts). 0: every request looks its token up.
   */
  sessionCacheSeconds: number;
  /**
   * Proxies whose X-Forwarded-For is believed (TANFANG_TRUSTED_PROXIES): Express's `trust proxy` list of addresses,
   * CIDRs or the names loopback, linklocal, uniquelocal. The client address of audit rows and the per-address login
   * limit comes from the header only through these; from anyone else it is the connection's peer.
   */
  trustedProxies: string[];
  /**
   * Hot reads (`elders`, `elder`) compiled to one SQL statement (modules/elders/elder.queries.ts):
   * TANFANG_COMPILED_READS=off takes the entity path for every read. `auditInStatement` writes the read audit in that
   * statement (a data-modifying CTE); TANFANG_COMPILED_READ_AUDIT=separate leaves it to the read-audit plugin, as a
   * read-only replica needs.
   */
  compiledReads: CompiledReads;
}

export interface WebhookSettings {
  timeoutMs: number;
  /** First retry after this many seconds, doubling each attempt (at most an hour apart). */
  retrySeconds: number;
  maxAttempts: number;
  allowPrivate: boolean;
}

export interface SmsSettings {
  url: string;
  template: string;
  timeoutMs: number;
}

export type ExplorerMode = 'on' | 'off' | 'signed-in';

/** The explorer's mode: the one configured, else on outside production and off in it. */
export function explorerModeOf(config: Pick<AppConfig, 'explorer' | 'production'>): ExplorerMode {
  return config.explorer ?? (config.production ? 'off' : 'on');
}

function explorerMode(env: NodeJS.ProcessEnv): ExplorerMode | null {
  const raw = env.TANFANG_EXPLORER;
  if (raw === undefined || raw === '') return null;
  if (raw === 'on' || raw === 'off' || raw === 'signed-in') return raw;
  throw new Error(`TANFANG_EXPLORER must be on, off or signed-in, got "${raw}"`);
}

function int(name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer of at least ${min}, got "${raw}"`);
  if (n > max) throw new Error(`${name} must be at most ${max}, got "${raw}"`);
  return n;
}

function workerMode(raw: string | undefined): 'inline' | 'off' {
  if (raw === undefined || raw === '' || raw === 'inline') return 'inline';
  if (raw === 'off') return 'off';
  throw new Error(`TANFANG_WORKER must be "inline" or "off", got "${raw}"`);
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TANFANG_TRUSTED_PROXIES: a comma list; `none` trusts no proxy (the peer is always the client). */
export function trustedProxiesOf(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return ['loopback'];
  if (raw.trim() === 'none') return [];
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    const [address, bits, extra] = item.split('/');
    const family = isIP(address ?? '');
    const maskOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_NAMES.has(item) && (family === 0 || !maskOk || extra !== undefined)) {
      throw new Error(
        `TANFANG_TRUSTED_PROXIES must list addresses, CIDRs (10.0.0.0/8) or loopback, linklocal, uniquelocal separated by commas, or be "none"; "${item}" is none of them`,
      );
    }
  }
  return items;
}

export interface CompiledReads {
  enabled: boolean;
  auditInStatement: boolean;
  /** Send them as named prepared statements (on unless TANFANG_PREPARED_STATEMENTS=off, see loadConfig). */
  prepared: boolean;
}

function onOff(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'on') return true;
  if (raw === 'off') return false;
  throw new Error(`${name} must be "on" or "off", got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  // N instances behind a load balancer share one database: an embedded one per instance would split the data (and
  // the sessions, lockouts and job queue) N ways without anyone noticing. Refused at start, with the fix.
  if (production && !env.DATABASE_URL) {
    throw new Error(
      'DATABASE_URL is required when NODE_ENV=production: every instance must use the same PostgreSQL server (the embedded database is for development on one machine). Set DATABASE_URL=postgres://user:password@host:5432/tanfang',
    );
  }
  return {
    port: int('PORT', 4000),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(REPO_ROOT, env.TANFANG_DATA_DIR || '.data'),
    embeddedPgPort: int('TANFANG_PG_PORT', 54329),
    production,
    seedDemo: !production && env.TANFANG_DEMO !== 'off',
    adminDist: path.resolve(REPO_ROOT, 'packages/admin/dist'),
    sessionHours: int('TANFANG_SESSION_HOURS', 12),
    exposeSqlCount: !production,
    rollupSeconds: int('TANFANG_ROLLUP_SECONDS', 30, 0),
    maxResponseObjects: int('TANFANG_MAX_RESPONSE_OBJECTS', DEFAULT_MAX_RESPONSE_OBJECTS),
    importAlertDays: int('TANFANG_IMPORT_ALERT_DAYS', 30, 0),
    reverifyMonths: int('TANFANG_REVERIFY_MONTHS', DEFAULT_REVERIFY_MONTHS),
    idleMinutes: int('TANFANG_IDLE_MINUTES', DEFAULT_IDLE_MINUTES, 1, Number.MAX_SAFE_INTEGER, env),
    proof: {
      signatureBytes: int('TANFANG_PROOF_SIGNATURE_BYTES', DEFAULT_PROOF_LIMITS.signatureBytes, 1024, PROOF_CEILINGS.signatureBytes, env),
      photoBytes: int('TANFANG_PROOF_PHOTO_BYTES', DEFAULT_PROOF_LIMITS.photoBytes, 1024, PROOF_CEILINGS.photoBytes, env),
      maxDistanceMeters: int('TANFANG_VISIT_MAX_DISTANCE_M', DEFAULT_PROOF_LIMITS.maxDistanceMeters, 1, Number.MAX_SAFE_INTEGER, env),
      lateEntryHours: int('TANFANG_VISIT_LATE_ENTRY_HOURS', DEFAULT_PROOF_LIMITS.lateEntryHours, 1, Number.MAX_SAFE_INTEGER, env),
      minMinutes: int('TANFANG_VISIT_MIN_MINUTES', DEFAULT_PROOF_LIMITS.minMinutes, 1, 1440, env),
    },
    auditRetentionMonths: env.TANFANG_AUDIT_RETENTION_MONTHS ? int('TANFANG_AUDIT_RETENTION_MONTHS', 0, 1, 1200, env) : null,
    auditCountCap: int('TANFANG_AUDIT_COUNT_CAP', DEFAULT_AUDIT_COUNT_CAP, 1, 1_000_000, env),
    auditArchiveDir: path.resolve(REPO_ROOT, env.TANFANG_AUDIT_ARCHIVE_DIR || path.join(env.TANFANG_DATA_DIR || '.data', 'audit-archive')),
    worker: workerMode(env.TANFANG_WORKER),
    webhooks: webhookSettingsOf(env, production),
    sms: env.TANFANG_SMS_URL
      ? { url: env.TANFANG_SMS_URL, template: env.TANFANG_SMS_TEMPLATE || 'TANFANG_URGENT_ALERT', timeoutMs: 10_000 }
      : null,
    explorer: explorerMode(env),
    replicaUrls: (env.DATABASE_REPLICA_URLS ?? '').split(',').map((u) => u.trim()).filter((u) => u !== ''),
    readYourWritesSeconds: int('TANFANG_READ_YOUR_WRITES_SECONDS', 5, 0, 3600, env),
    replicaMaxLagSeconds: int('TANFANG_REPLICA_MAX_LAG_SECONDS', 30, 1, Number.MAX_SAFE_INTEGER, env),
    listenUrl: env.DATABASE_LISTEN_URL || undefined,
    sessionCacheSeconds: int('TANFANG_SESSION_CACHE_SECONDS', 5, 0, 60, env),
    trustedProxies: trustedProxiesOf(env.TANFANG_TRUSTED_PROXIES),
    compiledReads: {
      enabled: onOff('TANFANG_COMPILED_READS', env.TANFANG_COMPILED_READS),
      auditInStatement: env.TANFANG_COMPILED_READ_AUDIT !== 'separate',
      // On unless refused: parsing and planning were most of PostgreSQL's time for `elder(id)` (1.9 of 2.3 ms), and a
      // connection keeps at most PREPARED_PER_CONNECTION of them (shared/bound-sql.ts). Off for a pooler in
      // transaction mode older than PgBouncer 1.21 (an unexpected refusal also turns it off by itself).
      prepared: env.TANFANG_PREPARED_STATEMENTS === undefined || env.TANFANG_PREPARED_STATEMENTS === '' ? true : onOff('TANFANG_PREPARED_STATEMENTS', env.TANFANG_PREPARED_STATEMENTS),
    },
  };
}

/** Outbound webhooks' settings (also the strict default of a context built without a configuration). */
export function webhookSettingsOf(env: NodeJS.ProcessEnv, production: boolean): WebhookSettings {
  return {
    timeoutMs: int('TANFANG_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000, env),
    retrySeconds: int('TANFANG_WEBHOOK_RETRY_SECONDS', 30, 0, 3600, env),
    maxAttempts: int('TANFANG_WEBHOOK_MAX_ATTEMPTS', 8, 1, 50, env),
    // A receiver on the office's own network is a test setup; in production it would let a subscriber probe it.
    allowPrivate: !production && env.TANFANG_WEBHOOK_ALLOW_PRIVATE !== 'off',
  };
}
