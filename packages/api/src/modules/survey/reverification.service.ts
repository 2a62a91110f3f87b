import { Scope } from '@tanfang/schema';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { decodeOffset, encodeCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { Elder } from '../elders/elder.entity.js';
import { cutoffOf, dueCondition, regionInJurisdiction, reverifyMonthsOf } from './reverification.js';
import { ReverificationReason, type ReverificationItemType, type ReverificationSummaryType } from './survey.types.js';

interface DueRow {
  id: string;
  last_verified_on: string;
  temporary_difficulty_until: string | null;
  stale: boolean;
  temporary_ended: boolean;
}

function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
}

/** 动态管理: the re-verification list and its count, in a region of the caller's jurisdiction. */
export class ReverificationService {
  constructor(private readonly ctx: RequestContext) {}

  async list(regionCode: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<ReverificationItemType>> {
    const actor = requireScope(this.ctx, Scope.ElderRead);
    const region = await regionInJurisdiction(this.ctx.em, actor, regionCode);
    const size = pageSize(first);
    const start = decodeOffset(after);
    const day = today(this.ctx);
    const cutoff = cutoffOf(day, reverifyMonthsOf(this.ctx));
    // Rows, not entities, decide the page; the page's archives are then loaded by id for the Elder type, so the read
    // audit records them like any other list of archives. The order is that of `elder_reverify_order_idx`: a city's
    // page reads the rows it shows, not every due archive (the total is counted apart, as the dashboard counts it).
    const [rows, counts] = await Promise.all([
      this.ctx.em.execute<DueRow[]>(
        `select e.id, to_char(e.last_verified_on, 'YYYY-MM-DD') as last_verified_on,
                to_char(e.temporary_difficulty_until, 'YYYY-MM-DD') as temporary_difficulty_until,
                e.last_verified_on <= ?::date as stale,
                coalesce(e.temporary_difficulty_until < ?::date and e.last_verified_on <= e.temporary_difficulty_until
                         and 'TEMPORARY_DIFFICULTY' = any(e.circumstances), false) as temporary_ended
           from elder e
          where ${inSubtree('e.region_code')} and ${dueCondition('e')}
          order by least(e.last_verified_on, coalesce(e.temporary_difficulty_until, e.last_verified_on)), e.id
          limit ? offset ?`,
        [cutoff, day, region.code, cutoff, day, size + 1, start],
      ),
      this.counts(region.code, cutoff, day),
    ]);
    const page = rows.slice(0, size);
    const elders = page.length ? await this.ctx.em.find(Elder, { id: { $in: page.map((r) => r.id) } }, { populate: ['region'] }) : [];
    const byId = new Map(elders.map((e) => [e.id, e]));
    const nodes: ReverificationItemType[] = page.filter((r) => byId.has(r.id)).map((r) => {
      const reasons: ReverificationReason[] = [];
      const words: string[] = [];
      if (r.stale) {
        reasons.push(ReverificationReason.NOT_VERIFIED);
        words.push(`已 ${monthsBetween(r.last_verified_on, day)} 个月未核实（上次核实 ${r.last_verified_on}）`);
      }
      if (r.temporary_ended) {
        reasons.push(ReverificationReason.TEMPORARY_DIFFICULTY_ENDED);
        words.push(`阶段性临时困难已于 ${r.temporary_difficulty_until} 到期，尚未重新核实`);
      }
      return {
        elder: byId.get(r.id)!,
        reasons,
        reasonText: words.join('；'),
        lastVerifiedOn: r.last_verified_on,
        temporaryDifficultyUntil: r.temporary_difficulty_until,
      };
    });
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, counts.due);
  }

  /**
   * The dashboard's figure: counts only, from the (region, date) indexes of active archives. Two index range scans
   * (stale archives, ended difficulties) rather than a pass over the region; an archive due for both is counted once.
   */
  async summary(regionCode: string | null | undefined): Promise<ReverificationSummaryType> {
    const actor = requireScope(this.ctx, Scope.ElderRead);
    const region = await regionInJurisdiction(this.ctx.em, actor, regionCode);
    const day = today(this.ctx);
    const months = reverifyMonthsOf(this.ctx);
    const cutoff = cutoffOf(day, months);
    const counts = await this.counts(region.code, cutoff, day);
    return { regionCode: region.code, notVerified: counts.notVerified, temporaryDifficultyEnded: counts.temporaryEnded, due: counts.due, months, cutoff };
  }

  /**
   * How many active archives of a region are due (the dashboard's figure and the list's total): two index range scans
   * of the (region, date) indexes (stale archives, ended difficulties) rather than a pass over the region; an archive
   * due for both is counted once.
   */
  private async counts(region: string, cutoff: string, day: string): Promise<{ notVerified: number; temporaryEnded: number; due: number }> {
    const [row] = await this.ctx.em.execute<{ not_verified: number; temporary_ended: number; both: number }[]>(
      `with stale as (
         select id from elder e where ${inSubtree('e.region_code')} and e.status = 'ACTIVE' and e.last_verified_on <= ?::date),
       ended as (
         select id, e.last_verified_on <= ?::date as also_stale from elder e
          where ${inSubtree('e.region_code')} and e.status = 'ACTIVE' and e.temporary_difficulty_until < ?::date
            and e.last_verified_on <= e.temporary_difficulty_until and 'TEMPORARY_DIFFICULTY' = any(e.circumstances))
       select (select count(*) from stale)::int as not_verified, (select count(*) from ended)::int as temporary_ended,
              (select count(*) from ended where also_stale)::int as both`,
      [region, cutoff, cutoff, region, day],
    );
    return { notVerified: row!.not_verified, temporaryEnded: row!.temporary_ended, due: row!.not_verified + row!.temporary_ended - row!.both };
  }
}
