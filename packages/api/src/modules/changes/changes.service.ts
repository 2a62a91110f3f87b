import { Scope } from '@tanfang/schema';
import { requireScope, type RequestContext } from '../../graphql/context.js';
import { badInput } from '../../graphql/errors.js';
import { pgArray, toDate } from '../../shared/sql.js';
import { AGENCY_VIEWS, PARTNER_OF_ROLE } from '../agencies/agency-views.js';
import { partnerKindOf } from '../agencies/agency-views.service.js';
import { stampChanges } from './changes.stamp.js';
import { ChangeEntity, ChangeOp, type ChangeFeedType, type ChangeType } from './changes.types.js';
import { inSubtree } from '../../shared/jurisdiction.js';

export const DEFAULT_CHANGES = 200;
export const MAX_CHANGES = 1000;

/**
 * Cursors of the change log: base64url of the decimal `pos` (commit order), or of `pos.1` for the second entry a
 * position can carry for a partner (an elder entering or leaving its view with an entry it also receives).
 * Opaque to clients; cursors handed out before the sequencer (decimal `seq`) are still valid, since the existing
 * rows kept their number as their position.
 */
export interface FeedCursor {
  pos: string;
  sub: 0 | 1;
}

export function encodeCursor(pos: string, sub: 0 | 1 = 0): string {
  return Buffer.from(sub === 0 ? pos : `${pos}.1`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): FeedCursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(0|[1-9]\d{0,18})(\.1)?$/.exec(text);
  const sub = match?.[2] ? 1 : 0;
  // Round trip: anything that is not exactly what we hand out is refused, never read as "from the start".
  if (!match || encodeCursor(match[1]!, sub) !== cursor || BigInt(match[1]!) > 9223372036854775807n) {
    throw badInput('变更游标无效，请使用上次返回的 endCursor', 'Invalid cursor (since): send the endCursor you were given', 'since');
  }
  return { pos: match[1]!, sub };
}

interface ChangeRow {
  pos: string;
  self: boolean;
  turn: boolean;
  now_in: boolean;
  at: Date | string;
  entity: string;
  entity_id: string;
  elder_id: string | null;
  op: string;
}

export class ChangesService {
  constructor(private readonly ctx: RequestContext) {}

  /**
   * The change log after `since`, in commit order (`pos`), restricted to the caller's view. First the committed rows
   * get their position (`stampChanges`, its own short transaction), then one statement reads the page:
   * - civil affairs: every entry of its region subtree;
   * - a partner agency: ELDER (and, for health and disability, CLASS) entries of elders in its duty view
   *   (AGENCY_VIEWS, as recorded when the entry was stamped), ALERT entries written while the alert was referred to
   *   its kind, AGENCY_RECORD entries of its own agency; never VISIT. And where an elder's view membership differs
   *   from that of the elder's previous entry, an ELDER entry with op LEAVE (or ENTER) at that position.
   */
  async feed(since: string | null | undefined, first: number | null | undefined): Promise<ChangeFeedType> {
    const actor = requireScope(this.ctx, Scope.ChangesRead);
    const size = first ?? DEFAULT_CHANGES;
    if (!Number.isInteger(size) || size < 1 || size > MAX_CHANGES) {
      throw badInput(`每次条数应在 1 到 ${MAX_CHANGES} 之间`, `first must be between 1 and ${MAX_CHANGES}`, 'first');
    }
    const after: FeedCursor = since !== null && since !== undefined ? decodeCursor(since) : { pos: '0', sub: 0 };

    let sql: string;
    let params: unknown[];
    if (PARTNER_OF_ROLE[actor.role]) {
      const kind = partnerKindOf(actor);
      const view = AGENCY_VIEWS[kind];
      const elderEntities = view.changes.filter((e) => e === 'ELDER' || e === 'CLASS');
      // In the partner's view at an entry: the kinds and region recorded by the stamp, within the agency's region and
      // the user's own.
      const inView = (alias: string) =>
        `coalesce(${alias}.views @> array[ag.kind]::text[] and ${inSubtree(`${alias}.view_region`, 'ag.region_code')} and ${inSubtree(`${alias}.view_region`, '?::text')}, false)`;
      const self = [`(c.entity = 'AGENCY_RECORD' and c.agency_id = ag.id)`];
      const selfParams: unknown[] = [];
      if (view.changes.includes('ALERT')) {
        self.push(`(c.entity = 'ALERT' and c.referred_to = ag.kind and ${inSubtree('c.view_region', 'ag.region_code')} and ${inSubtree('c.view_region', '?::text')})`);
        selfParams.push(actor.regionCode);
      }
      if (elderEntities.length > 0) {
        self.push(`(c.entity = any(?::text[]) and n.now_in)`);
        selfParams.push(pgArray(elderEntities));
      }
      const selfSql = `(${self.join(' or ')})`;
      // Each row yields at most two entries: itself (sub 0) when the partner receives it, and (sub 1) ENTER or LEAVE
      // when the elder's membership differs from the elder's previous entry (not for an ELDER entry that already
      // says the elder is there). Rows are read in pos order (the index, stopping at the limit) and split below.
      sql = `select c.pos::text as pos, c.at, c.entity, c.entity_id, c.elder_id, c.op, s.self, s.turn, n.now_in
               from change_log c
               join agency ag on ag.id = ? and ag.kind = ?
              cross join lateral (select ${inView('c')} as now_in) n
               left join lateral (select ${inView('p')} as was_in
                                    from change_log p
                                   where p.elder_id = c.elder_id and p.pos < c.pos
                                   order by p.pos desc
                                   limit 1) b on c.elder_id is not null
              cross join lateral (select ${selfSql} as self) s0
              cross join lateral (select s0.self,
                                         n.now_in <> coalesce(b.was_in, false) and not (c.entity = 'ELDER' and s0.self) as turn) s
              where c.pos >= ?::bigint and (s.self or s.turn)
              order by c.pos
              limit ?`;
      // Two rows more than the page: every row but one (the cursor's own) yields an entry, so a longer page shows.
      params = [actor.agencyId, kind, actor.regionCode, actor.regionCode, ...selfParams, after.pos, size + 2];
    } else {
      sql = `select c.pos::text as pos, c.at, c.entity, c.entity_id, c.elder_id, c.op, true as self, false as turn, false as now_in
               from change_log c
              where c.pos > ?::bigint and ${inSubtree('c.region_code')}
              order by c.pos
              limit ?`;
      params = [after.pos, actor.regionCode, size + 1];
    }
    await stampChanges(this.ctx.em);
    const rows = await this.ctx.em.execute<ChangeRow[]>(sql, params);
    const all: ChangeType[] = [];
    for (const r of rows) {
      const at = toDate(r.at);
      // The cursor's own row: only its second entry can still be ahead of it.
      const pastCursor = r.pos !== after.pos;
      if (r.self && pastCursor) {
        all.push({ seq: r.pos, cursor: encodeCursor(r.pos), at, entity: r.entity as ChangeEntity, entityId: r.entity_id, elderId: r.elder_id, op: OPS[r.op] ?? ChangeOp.UPDATE });
      }
      if (r.turn && (pastCursor || after.sub === 0)) {
        all.push({ seq: r.pos, cursor: encodeCursor(r.pos, 1), at, entity: ChangeEntity.ELDER, entityId: r.elder_id!, elderId: r.elder_id, op: r.now_in ? ChangeOp.ENTER : ChangeOp.LEAVE });
      }
    }
    const entries = all.slice(0, size);
    return { entries, endCursor: entries.at(-1)?.cursor ?? since ?? null, hasMore: all.length > size };
  }
}

const OPS: Record<string, ChangeOp> = { insert: ChangeOp.INSERT, update: ChangeOp.UPDATE };
