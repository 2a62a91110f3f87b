import { createHash } from 'node:crypto';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { countSqlStatement } from './request-scope.js';

/** A pooled node-postgres client: its queries, and the names it believes prepared on its server session. */
export interface PgConnection {
  query(config: { name?: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[] }>;
  query(text: string): Promise<{ rows: unknown[] }>;
  connection: { parsedStatements: Record<string, string> };
}

interface PgClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
  positionBindings(sql: string): string;
}

/**
 * How many named statements a pooled connection keeps prepared. Compiled reads have one text per selection set, and a
 * client may send any selection: without a cap every distinct one would stay planned in every server session for its
 * lifetime. The console's own documents need a few dozen; past the cap the least recently used is deallocated.
 */
export const PREPARED_PER_CONNECTION = 64;

/** Per connection, its prepared names from least to most recently used (a Map keeps insertion order). */
const preparedOn = new WeakMap<PgConnection, Map<string, true>>();

/**
 * Pools whose server refused a named statement: a pooler in transaction mode without protocol-level prepared
 * statements (PgBouncer before 1.21) hands the next Bind to a server session that never saw the Parse. From then on
 * that pool sends compiled reads unnamed, as before: slower to plan, never wrong.
 */
const refusedBy = new WeakSet<object>();

/** 26000: no such prepared statement (another server session); 42P05: the name is already prepared there. */
const POOLER_REFUSALS = new Set(['26000', '42P05']);

/**
 * Runs `text` as the named statement `name` on one connection, keeping at most `cap` names prepared there: a name
 * used again moves to the end, and one past the cap deallocates the least recently used first (and tells
 * node-postgres, so that its next use is parsed again).
 */
export async function runPrepared(
  connection: PgConnection,
  name: string,
  text: string,
  values: readonly unknown[],
  cap = PREPARED_PER_CONNECTION,
  generic = false,
): Promise<unknown[]> {
  let names = preparedOn.get(connection);
  if (!names) preparedOn.set(connection, (names = new Map()));
  if (names.delete(name)) names.set(name, true);
  else {
    while (names.size >= cap) {
      const oldest = names.keys().next().value as string;
      names.delete(oldest);
      delete connection.connection.parsedStatements[oldest];
      // Quoted: the names are base64url (upper case and '-'), which an unquoted identifier would fold or refuse.
      await connection.query(`deallocate "${oldest}"`);
    }
    names.set(name, true);
  }
  if (!generic) return (await connection.query({ name, text, values })).rows;
  // PostgreSQL keeps choosing a custom plan (planned afresh at every bind) for a statement whose generic plan costs
  // about the same; `force_generic_plan`, for this statement only (SET LOCAL in its own transaction), plans it once.
  await connection.query('begin; set local plan_cache_mode = force_generic_plan');
  try {
    const rows = (await connection.query({ name, text, values })).rows;
    await connection.query('commit');
    return rows;
  } catch (error) {
    await connection.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * The `$n` text and statement name of a compiled read's text, kept: the same texts come back on every request (kept
 * plans return the very same string), and numbering plus hashing them was 1.5% of the API's CPU per archive read.
 * Bounded: past the limit the oldest is forgotten (and computed again if it returns).
 */
const namedTexts = new Map<string, { text: string; name: string }>();
const NAMED_TEXTS = 512;

function namedText(client: PgClient, sql: string): { text: string; name: string } {
  let named = namedTexts.get(sql);
  if (!named) {
    const text = client.positionBindings(sql);
    named = { text, name: `tf_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}` };
    if (namedTexts.size >= NAMED_TEXTS) namedTexts.delete(namedTexts.keys().next().value as string);
    namedTexts.set(sql, named);
  }
  return named;
}

/**
 * Runs one statement with its parameters sent as bind values, in the EntityManager's transaction. Why not
 * `em.execute`: MikroORM formats every parameter into the SQL text before sending it (to log it), which for the
 * multi-megabyte JSON parameter of a 2,500-row insert costs more than the insert itself (measured here: 1.3 s to
 * format 2.8 MB, against 0.75 s for PostgreSQL to run the statement). Counted like any other statement, and errors
 * are converted as the ORM converts them.
 *
 * `prepare`: outside a transaction, send it as a named prepared statement (named by a hash of its text), which
 * PostgreSQL parses and plans once per connection rather than per request: for `elder(id)` parsing and planning were
 * 1.9 ms of PostgreSQL's 2.3 (the audit insert into a partitioned table plans slowly), 0.1 ms once prepared. At most
 * PREPARED_PER_CONNECTION stay prepared per connection. Behind PgBouncer in transaction mode it needs 1.21+ with
 * `max_prepared_statements`; an older pooler's refusal is caught and the pool goes on unnamed. Compiled reads ask for
 * it unless TANFANG_PREPARED_STATEMENTS=off.
 *
 * `generic`: the prepared statement runs on its generic plan (planned once), for a statement whose plan does not
 * depend on its values but which PostgreSQL would plan again at every bind (a lateral over every monthly partition of
 * `visit`: about 6 ms of planning each time at 1M, for a 1–3 ms statement). Its partitions are then pruned when it runs.
 */
export async function executeBound<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
  options: { prepare?: boolean; generic?: boolean } = {},
): Promise<T[]> {
  const trx = em.getTransactionContext() as Knex.Transaction | undefined;
  countSqlStatement();
  try {
    const client = em.getConnection().getKnex().client as unknown as PgClient;
    if (options.prepare && !trx && !refusedBy.has(client)) {
      const { text, name } = namedText(client, sql);
      const connection = await client.acquireConnection();
      try {
        return (await runPrepared(connection, name, text, params, PREPARED_PER_CONNECTION, options.generic)) as T[];
      } catch (error) {
        // Refused before anything ran (Parse or Bind failed): send it again unnamed, and stop naming on this pool.
        if (!POOLER_REFUSALS.has((error as { code?: string }).code ?? '')) throw error;
        refusedBy.add(client);
        preparedOn.delete(connection);
        console.warn(`[db] named prepared statements refused (${(error as Error).message}): sending compiled reads unnamed from now on; set TANFANG_PREPARED_STATEMENTS=off behind a pooler in transaction mode`);
      } finally {
        await client.releaseConnection(connection);
      }
    }
    const knex = trx ?? em.getConnection().getKnex();
    const result = (await knex.raw(sql, params as readonly Knex.RawBinding[])) as { rows: T[] };
    return result.rows;
  } catch (error) {
    throw em.getPlatform().getExceptionConverter().convertException(error as Error);
  }
}
