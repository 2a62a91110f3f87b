import { Scope } from '@tanfang/schema';
import { requireScope, type RequestContext } from '../../graphql/context.js';
import { badInput } from '../../graphql/errors.js';
import { pgArray, toDate } from '../../shared/sql.js';
import { AGENCY_VIEWS, PARTNER_OF_ROLE } from '../agencies/agency-views.js';
import { partnerKindOf } from '../agencies/agency-views.service.js';
import { ChangeOp, type ChangeEntity, type ChangeFeedType } from './changes.types.js';

export const DEFAULT_CHANGES = 200;
export const MAX_CHANGES = 1000;

/** Cursors of the change log: base64url of the decimal `seq`. Opaque to clients. */
export function encodeSeq(seq: string): string {
  return Buffer.from(seq, 'utf8').toString('base64url');
}

export function decodeSeq(cursor: string): string {
  const seq = Buffer.from(cursor, 'base64url').toString('utf8');
  // Round trip: anything that is not exactly what we hand out is refused, never read as "from the start".
  if (!/^(0|[1-9]\d{0,18})$/.test(seq) || encodeSeq(seq) !== cursor || BigInt(seq) > 9223372036854775807n) {
    throw badInput('变更游标无效，请使用上次返回的 endCursor', 'Invalid cursor (since): send the endCursor you were given', 'since');
  }
  return seq;
}

interface ChangeRow {
  seq: string;
  at: Date | string;
  entity: string;
  entity_id: string;
  elder_id: string | null;
  op: string;
}

export class ChangesService {
  constructor(private readonly ctx: RequestContext) {}

  /**
   * The change log after `since`, restricted to the caller's view, in one statement:
   * - civil affairs: every entry of its region subtree;
   * - a partner agency: ELDER (and, for health and disability, CLASS) entries of elders in its duty view
   *   (AGENCY_VIEWS, evaluated on the archive as it is now), ALERT entries written while the alert was referred
   *   to its kind, AGENCY_RECORD entries of its own agency; never VISIT.
   */
  async feed(since: string | null | undefined, first: number | null | undefined): Promise<ChangeFeedType> {
    const actor = requireScope(this.ctx, Scope.ChangesRead);
    const size = first ?? DEFAULT_CHANGES;
    if (!Number.isInteger(size) || size < 1 || size > MAX_CHANGES) {
      throw badInput(`每次条数应在 1 到 ${MAX_CHANGES} 之间`, `first must be between 1 and ${MAX_CHANGES}`, 'first');
    }
    const after = since !== null && since !== undefined ? decodeSeq(since) : '0';

    let sql: string;
    let params: unknown[];
    if (PARTNER_OF_ROLE[actor.role]) {
      const kind = partnerKindOf(actor);
      const view = AGENCY_VIEWS[kind];
      const elderEntities = view.changes.filter((e) => e === 'ELDER' || e === 'CLASS');
      const inRegion = 'starts_with(e.region_code, ag.region_code) and starts_with(e.region_code, ?)';
      const clauses = [`(c.entity = 'AGENCY_RECORD' and c.agency_id = ag.id)`];
      params = [actor.agencyId, kind, after];
      if (view.changes.includes('ALERT')) {
        clauses.push(`(c.entity = 'ALERT' and c.referred_to = ag.kind and ${inRegion})`);
        params.push(actor.regionCode);
      }
      if (elderEntities.length > 0) {
        clauses.push(`(c.entity = any(?::text[]) and ${inRegion} and ${view.elders})`);
        params.push(pgArray(elderEntities), actor.regionCode);
      }
      sql = `select c.seq::text as seq, c.at, c.entity, c.entity_id, c.elder_id, c.op
               from change_log c
               join agency ag on ag.id = ? and ag.kind = ?
               left join elder e on e.id = c.elder_id
              where c.seq > ?::bigint and c.xid < pg_snapshot_xmin(pg_current_snapshot()) and (${clauses.join(' or ')})
              order by c.seq
              limit ?`;
      params.push(size + 1);
    } else {
      sql = `select c.seq::text as seq, c.at, c.entity, c.entity_id, c.elder_id, c.op
               from change_log c
              where c.seq > ?::bigint and c.xid < pg_snapshot_xmin(pg_current_snapshot()) and starts_with(c.region_code, ?)
              order by c.seq
              limit ?`;
      params = [after, actor.regionCode, size + 1];
    }
    const rows = await this.ctx.em.execute<ChangeRow[]>(sql, params);
    const entries = rows.slice(0, size).map((r) => ({
      seq: r.seq,
      cursor: encodeSeq(r.seq),
      at: toDate(r.at),
      entity: r.entity as ChangeEntity,
      entityId: r.entity_id,
      elderId: r.elder_id,
      op: r.op === 'insert' ? ChangeOp.INSERT : ChangeOp.UPDATE,
    }));
    return { entries, endCursor: entries.at(-1)?.cursor ?? since ?? null, hasMore: rows.length > size };
  }
}
