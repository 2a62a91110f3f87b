/**
 * Is this error "the database cannot be reached right now" (down, restarting, refusing connections), as opposed to
 * a bug or a bad statement? Those are answered SERVICE_UNAVAILABLE with HTTP 503 and Retry-After, so clients and
 * load balancers retry instead of reporting a server fault. The error may come from node-postgres, from knex's pool
 * or wrapped by MikroORM (`cause`), or be an AggregateError (one per address of `localhost`).
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// SQLSTATE: class 08 (connection exception), 57P01-57P03 (shutting down, crashed, starting up), 53300 (too many connections).
const SQLSTATES = /^(08\w{3}|57P0[123]|53300)$/;

const MESSAGES = [
  /Connection terminated/i,
  /Timeout acquiring a connection/i,
  /not currently accepting connections/i, // ALTER DATABASE ... ALLOW_CONNECTIONS false, or a database being dropped
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i,
  /terminating connection due to administrator command/i,
  /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i,
];

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { code?: unknown; sqlState?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown; originalError?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SQLSTATES.test(e.code))) return true;
  if (typeof e.sqlState === 'string' && SQLSTATES.test(e.sqlState)) return true;
  if (e.name === 'KnexTimeoutError') return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.originalError, depth + 1);
}

/** Seconds a client should wait before retrying while the database is unavailable. */
export const RETRY_AFTER_SECONDS = 5;
