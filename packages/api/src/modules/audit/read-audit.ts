import type { ApolloServerPlugin } from '@apollo/server';
import {
  defaultFieldResolver,
  getNamedType,
  isObjectType,
  Kind,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { RequestContext } from '../../graphql/context.js';
import { auditRow, AuditAction } from './audit.service.js';
import { COMPILED } from '../../graphql/compiled-objects.js';

/**
 * Read audit: every archive a query's response carries is written to the audit log, one row per archive per
 * request, in one statement, before the response leaves.
 *
 * Why at the schema and not in each service: personal data reaches a response through many fields (the `elders`
 * list, `elder`, `overdueElders { elder }`, `myWorklist { elder }`, `unassignedElders`, a visit list...). Recording
 * where an `Elder` or a `Visit` object is *returned* covers every present and future path to it, nested ones
 * included, without each service remembering to do it. Only the fields that return those types are wrapped, so the
 * cost is one call per archive served, not per field.
 *
 * Mutations are not recorded as reads: the archive a mutation returns is the one it changed, and that change has its
 * own audit row in the same transaction. Agency views (`agencyElders`) are audited by their service as
 * AGENCY_VIEW_READ with the fields the duty view exposed; `changes` entries carry ids only, no personal data.
 */

/** Parts of an archive that hold other people's data or sensitive details, named in the row's detail. */
export type ReadPart = 'archive' | 'emergencyContacts' | 'householdMembers' | 'visits' | 'refusals' | 'helpReceived';

interface ElderRead {
  via: Set<string>;
  parts: Set<ReadPart>;
}

/** What one request has served so far: elder id → the root fields it came through and the parts read. */
export class ReadLedger {
  private readonly reads = new Map<string, ElderRead>();
  /** Settles once the rows are written (Apollo runs willSendResponse hooks concurrently; others may wait on it). */
  written: Promise<void> = Promise.resolve();

  add(elderId: string, via: string, part: ReadPart): void {
    let read = this.reads.get(elderId);
    if (!read) {
      read = { via: new Set(), parts: new Set() };
      this.reads.set(elderId, read);
    }
    read.via.add(via);
    read.parts.add(part);
  }

  get size(): number {
    return this.reads.size;
  }

  entries(): [string, ElderRead][] {
    return [...this.reads.entries()];
  }
}

/** Which returned objects are personal data, and how to find their elder. */
const RECORDED_TYPES: Record<string, { part: ReadPart; elderIdOf: (value: Record<string, unknown>) => unknown }> = {
  Elder: { part: 'archive', elderIdOf: (v) => v.id },
  Visit: { part: 'visits', elderIdOf: (v) => v.elderId ?? v.elder_id },
};

/** Fields of `Elder` whose values are other people's data (contacts, household) or written refusals. */
const RECORDED_ELDER_FIELDS: Partial<Record<string, ReadPart>> = {
  emergencyContacts: 'emergencyContacts',
  householdMembers: 'householdMembers',
  refusals: 'refusals',
  helpReceived: 'helpReceived',
};

/** The root field a value was reached through, by its schema name (aliases resolved). */
function rootFieldOf(info: GraphQLResolveInfo): string {
  let path = info.path;
  while (path.prev) path = path.prev;
  const key = String(path.key);
  for (const selection of info.operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD && (selection.alias?.value ?? selection.name.value) === key) return selection.name.value;
  }
  return key;
}

function record(ctx: RequestContext | undefined, info: GraphQLResolveInfo, value: unknown, part: ReadPart, elderIdOf: (v: Record<string, unknown>) => unknown): void {
  if (!ctx?.reads || info.operation.operation !== 'query' || value === null || value === undefined) return;
  const via = rootFieldOf(info);
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (item === null || typeof item !== 'object') continue;
    // Served by a compiled read (elders/elder.queries.ts): its statement wrote (or handed over) the audit rows.
    if ((item as Record<string, unknown>)[COMPILED] === 1) continue;
    const id = elderIdOf(item as Record<string, unknown>);
    if (typeof id === 'string') ctx.reads.add(id, via, part);
  }
}

type OnValue = (ctx: RequestContext, info: GraphQLResolveInfo, value: unknown, source: unknown) => void;

function wrap(resolve: GraphQLFieldResolver<unknown, RequestContext> | undefined, onValue: OnValue): GraphQLFieldResolver<unknown, RequestContext> {
  const inner = resolve ?? (defaultFieldResolver as GraphQLFieldResolver<unknown, RequestContext>);
  return (source, args, ctx, info) => {
    const result = inner(source, args, ctx, info);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      return (result as Promise<unknown>).then((value) => {
        onValue(ctx, info, value, source);
        return value;
      });
    }
    onValue(ctx, info, result, source);
    return result;
  };
}

/**
 * Wraps, once per schema, the resolvers of every field that returns an `Elder` or a `Visit` (directly or in a list),
 * and the `Elder` fields that carry contacts and household members, so that what they return is recorded.
 */
export function recordPersonalReads(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const target = RECORDED_TYPES[getNamedType(field.type).name];
      if (target) {
        field.resolve = wrap(field.resolve as GraphQLFieldResolver<unknown, RequestContext>, (ctx, info, value) =>
          record(ctx, info, value, target.part, target.elderIdOf));
      }
      const part = type.name === 'Elder' ? RECORDED_ELDER_FIELDS[field.name] : undefined;
      if (part) {
        // The parent is the archive: an empty list reveals nothing beyond the archive itself.
        field.resolve = wrap(field.resolve as GraphQLFieldResolver<unknown, RequestContext>, (ctx, info, value, source) => {
          if (Array.isArray(value) && value.length > 0) record(ctx, info, source, part, (v) => v.id);
        });
      }
    }
  }
  return schema;
}

/**
 * Writes the request's read rows in one statement before the response is sent. The elder's region comes from the
 * archive itself in that statement. If the write fails, the response carries no data: a read that cannot be
 * audited is not served.
 */
export const readAuditPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue: ctx }) {
        const reads = ctx.reads;
        if (!reads || reads.size === 0 || response.body.kind !== 'single') return;
        let done!: () => void;
        reads.written = new Promise((resolve) => (done = resolve));
        const base = auditRow(ctx, { action: AuditAction.ElderRead });
        const rows = reads.entries().map(([elderId, read]) => ({
          elderId,
          detail: { via: [...read.via].sort(), parts: [...read.parts].sort() },
        }));
        try {
          await ctx.em.execute(
            `insert into audit_event (at, actor_id, actor_username, actor_role, action, elder_id, region_code, county_code, detail, request_id, ip)
             select ?::timestamptz, ?::uuid, ?, ?, ?, e.id, e.region_code, e.county_code, r.detail, ?, ?
               from (select set_config('synchronous_commit', 'off', true)) as local_setting,
                    jsonb_to_recordset(?::jsonb) as r("elderId" uuid, detail jsonb)
               join elder e on e.id = r."elderId"`,
            [base.at, base.actorId, base.actorUsername, base.actorRole, AuditAction.ElderRead, base.requestId, base.ip, JSON.stringify(rows)],
            'run',
          );
        } catch (error) {
          console.error('[audit] read audit failed, response withheld:', error);
          response.body.singleResult = {
            data: null,
            errors: [{
              message: '访问记录写入失败，本次查询结果未返回；请稍后重试',
              extensions: { code: 'SERVICE_UNAVAILABLE', messageEn: 'The read could not be audited, so its result was withheld: try again shortly' },
            }],
          };
        } finally {
          done();
        }
      },
    };
  },
};
