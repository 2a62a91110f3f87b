import type { ApolloServerPlugin } from '@apollo/server';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isDatabaseUnavailable } from '../db/availability.js';
import type { ReplicaSet } from '../db/replicas.js';
import type { Actor } from '../modules/auth/actor.js';
import type { RequestContext } from '../graphql/context.js';

/**
 * Read routing: the ONE place that decides whether a read may be served by a streaming replica.
 *
 * A read goes to a replica only when all of these hold:
 * - replicas are configured (DATABASE_REPLICA_URLS) and one is serving (up, not too far behind: db/replicas.ts);
 * - the operation is not a mutation: everything a mutation reads, it reads from the primary (its checks must see the
 *   latest state, and it may write);
 * - the actor wrote nothing in the last TANFANG_READ_YOUR_WRITES_SECONDS: whoever just changed an archive sees the
 *   change on their next page, whichever API instance answers. The time of an actor's last write is kept in
 *   PostgreSQL (`actor_write`, read on the primary), not in process memory: instances share nothing else;
 * - the code asked for it: only reads that tolerate a few seconds of lag (lists, reports, dashboards, drills) call
 *   `lagTolerant`. Anything else keeps using `ctx.em`, the primary.
 *
 * Writes made while serving a replica read (the read audit: INSERTs) still go to the primary: `lagTolerant` hands the
 * read a copy of the context whose `em` is the replica's, and the audit plugin writes with the request's own
 * context. A replica that cannot be reached sets itself aside and the read runs again on the primary: no outage
 * because a replica is down.
 */

export interface ReadRouting {
  replicas: ReplicaSet;
  /** False for mutations and for actors who wrote within the window. */
  allowed: boolean;
  /**
   * The actor authenticated when the request began, whose mutations are stamped. Null for a login: the session row it
   * writes is nothing the user then reads from a list, so a login does not keep their first pages on the primary.
   */
  actorId: string | null;
}

/** The request's routing: null without replicas; otherwise allowed unless the actor wrote within `seconds`. */
export async function readRoutingFor(
  em: EntityManager,
  replicas: ReplicaSet | undefined,
  actor: Actor | null,
  seconds: number,
): Promise<ReadRouting | null> {
  if (!replicas || replicas.size === 0) return null;
  let allowed = true;
  if (actor && seconds > 0) {
    // On the primary (the request's own em), by the primary's clock, the same clock that stamped the write.
    const rows = await em.getConnection().execute<{ recent: boolean }[]>(
      `select true as recent from actor_write where actor_id = ? and written_at > now() - make_interval(secs => ?)`,
      [actor.userId, seconds],
    );
    allowed = rows.length === 0;
  }
  return { replicas, allowed, actorId: actor?.userId ?? null };
}

/**
 * Runs a read that tolerates lag: on a replica when the request may (see above), else on the primary. `read` gets
 * the context to use; it must not write (a replica refuses writes). The read audit of what it returns is written
 * later by the request's own context, on the primary.
 */
export async function lagTolerant<T>(ctx: RequestContext, read: (ctx: RequestContext) => Promise<T>): Promise<T> {
  const routing = ctx.readRouting;
  if (!routing?.allowed || ctx.em.isInTransaction()) return read(ctx);
  const replica = routing.replicas.pick();
  if (!replica) return read(ctx);
  if (ctx.actor) replica.em.setFilterParams('jurisdiction', { prefix: ctx.actor.regionCode });
  try {
    // A replica refuses writes: a compiled read's audit cannot ride in its statement there, so the read hands its rows
    // to the read-audit plugin (the shared `reads` ledger), which writes them on the primary.
    const compiledReads = ctx.compiledReads && { ...ctx.compiledReads, auditInStatement: false };
    return await read({ ...ctx, em: replica.em, compiledReads });
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    // The replica is down (or was cut off mid-read): set it aside and answer from the primary.
    routing.replicas.setAside(replica.name, error);
    return read(ctx);
  }
}

/**
 * Mutations read from the primary, and stamp the actor's last write (on the primary) before the answer leaves, so the
 * actor's next reads, on any instance, stay on the primary for the read-your-writes window. Installed only with
 * replicas (without them nothing is routed and the stamp would be a wasted statement per mutation).
 */
export const readRoutingPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        if (operation?.operation !== 'query' && contextValue.readRouting) contextValue.readRouting.allowed = false;
      },
      async willSendResponse({ operation, contextValue }) {
        const actorId = contextValue.readRouting?.actorId;
        if (operation?.operation !== 'mutation' || !actorId) return;
        try {
          await contextValue.em.getConnection().execute(
            `insert into actor_write (actor_id, written_at) values (?, now())
             on conflict (actor_id) do update set written_at = excluded.written_at`,
            [actorId],
            'run',
          );
        } catch (error) {
          // The mutation's own answer stands; without the stamp the actor may read a replica a few seconds behind.
          console.warn('[read-routing] could not record the write time:', (error as Error).message);
        }
      },
    };
  },
};
