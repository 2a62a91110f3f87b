import { randomBytes } from 'node:crypto';
import { Scope } from '@tanfang/schema';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { badInput, conflict, FieldErrors, notFound } from '../../graphql/errors.js';
import { decodeOffset, encodeCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { isUuid } from '../../shared/ids.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { periodOfInput, type Period } from '../../shared/period.js';
import { toDate } from '../../shared/sql.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { regionInJurisdiction } from '../survey/reverification.js';
import { verificationRates } from './spot-checks.queries.js';
import { SpotCheckResult, type SpotCheckDrawType, type SpotCheckRateType, type SpotCheckType } from './spot-checks.types.js';
import type { VisitMethod } from './visits.types.js';

/** The largest sample one draw may take: a town calls the elders back by phone, and 200 calls is weeks of work. */
export const SPOT_CHECK_MAX_SIZE = 200;
const NOTE_MAX = 500;

interface DrawRow {
  id: string;
  region_code: string;
  region_name: string;
  period_label: string;
  period_from: string;
  period_to: string;
  seed: string;
  size: number;
  population: number;
  drawn: number;
  recorded: number;
  drawn_at: Date | string;
  drawn_by: string;
}

interface CheckRow {
  id: string;
  draw_id: string;
  rank: number;
  visit_id: string;
  elder_id: string;
  visited_at: Date | string;
  visited_on: string;
  method: string;
  visitor_name: string | null;
  region_name: string;
  result: string | null;
  note: string | null;
  checked_at: Date | string | null;
  checked_by: string | null;
  version: number;
}

const DRAW_COLUMNS = `d.id, d.region_code, r.full_name as region_name, d.period_label, to_char(d.period_from, 'YYYY-MM-DD') as period_from,
  to_char(d.period_to, 'YYYY-MM-DD') as period_to, d.seed, d.size, d.population, d.drawn_at, u.display_name as drawn_by,
  (select count(*)::int from spot_check s where s.draw_id = d.id) as drawn,
  (select count(*)::int from spot_check s where s.draw_id = d.id and s.result is not null) as recorded`;
const DRAW_FROM = `spot_check_draw d join region r on r.code = d.region_code join app_user u on u.id = d.drawn_by`;

const CHECK_COLUMNS = `s.id, s.draw_id, s.rank, s.visit_id, s.elder_id, v.visited_at, to_char(v.visited_on, 'YYYY-MM-DD') as visited_on, v.method,
  coalesce(vr.name, v.visitor_name_as_written) as visitor_name, r.full_name as region_name, s.result, s.note, s.checked_at,
  cu.display_name as checked_by, s.version`;
const CHECK_FROM = `spot_check s join visit v on v.id = s.visit_id join region r on r.code = s.region_code
  left join visitor vr on vr.id = v.visitor_id left join app_user cu on cu.id = s.checked_by`;

const toDraw = (r: DrawRow, created: boolean): SpotCheckDrawType => ({
  id: r.id,
  regionCode: r.region_code,
  regionName: r.region_name,
  period: r.period_label,
  from: r.period_from,
  to: r.period_to,
  seed: r.seed,
  size: r.size,
  population: r.population,
  drawn: r.drawn,
  recorded: r.recorded,
  drawnAt: toDate(r.drawn_at),
  drawnBy: r.drawn_by,
  created,
});

const toCheck = (r: CheckRow): SpotCheckType => ({
  id: r.id,
  drawId: r.draw_id,
  rank: r.rank,
  visitId: r.visit_id,
  elderId: r.elder_id,
  visitedAt: toDate(r.visited_at),
  visitedOn: r.visited_on,
  method: r.method as VisitMethod,
  visitorName: r.visitor_name,
  regionName: r.region_name,
  result: r.result as SpotCheckResult | null,
  note: r.note,
  checkedAt: r.checked_at ? toDate(r.checked_at) : null,
  checkedBy: r.checked_by,
  version: r.version,
});

/**
 * 四不两直 spot checks (抽查回访): civil affairs above the village draws a reproducible sample of a period's visits
 * and calls the elders back. Outside the caller's area a region, draw or check is NOT_FOUND, like a missing one.
 */
export class SpotChecksService {
  constructor(private readonly ctx: RequestContext) {}

  /**
   * The sample of `size` visits of the region in the period: the visits ordered by md5(seed || visit id), so the
   * stored seed re-derives it. The region and period have one current draw; asking again returns it (created =
   * false) unless `redraw`, which supersedes it (kept, with its results) by a new draw with a new seed.
   */
  async draw(regionCode: string, periodInput: { kind: string; date: string }, size: number, redraw: boolean): Promise<SpotCheckDrawType> {
    const actor = requireScope(this.ctx, Scope.VisitSpotCheck);
    const errors = new FieldErrors();
    if (!Number.isInteger(size) || size < 1 || size > SPOT_CHECK_MAX_SIZE) {
      errors.add('size', `抽查数量应为 1 到 ${SPOT_CHECK_MAX_SIZE} 条`, `size must be 1 to ${SPOT_CHECK_MAX_SIZE} visits`);
    }
    let period: Period | null = null;
    try {
      period = periodOfInput(periodInput);
    } catch {
      errors.add('period.date', '日期格式应为 2026-11-15', 'date must look like 2026-11-15');
    }
    if (period && period.from > today(this.ctx)) errors.add('period', '该时段尚未开始，没有探访可抽', 'The period has not started yet: there are no visits to draw');
    errors.throwIfAny();
    const region = await regionInJurisdiction(this.ctx.em, actor, regionCode);
    const p = period!;
    return this.ctx.em.transactional(async (em) => {
      // One drawer at a time per region and period, so two clicks make one draw (the unique index would refuse the second).
      await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`spot_check:${region.code}:${p.label}`]);
      const [current] = await em.execute<DrawRow[]>(
        `select ${DRAW_COLUMNS} from ${DRAW_FROM} where d.region_code = ? and d.period_label = ? and d.superseded_at is null`,
        [region.code, p.label],
      );
      if (current && !redraw) return toDraw(current, false);
      const now = this.ctx.now();
      if (current) await em.execute(`update spot_check_draw set superseded_at = ? where id = ?`, [now, current.id]);
      const seed = randomBytes(8).toString('hex');
      const [made] = await em.execute<{ id: string; population: number }[]>(
        `insert into spot_check_draw (region_code, period_label, period_from, period_to, seed, size, population, drawn_at, drawn_by)
         select ?, ?, ?::date, ?::date, ?, ?, count(*)::int, ?, ?
           from visit v where ${inSubtree('v.region_code')} and v.visited_on between ?::date and ?::date
         returning id, population`,
        [region.code, p.label, p.from, p.to, seed, size, now, actor.userId, region.code, p.from, p.to],
      );
      await em.execute(
        `insert into spot_check (draw_id, visit_id, elder_id, region_code, rank)
         select ?, pick.id, pick.elder_id, pick.region_code, row_number() over (order by pick.k, pick.id)
           from (select v.id, v.elder_id, v.region_code, md5(? || v.id::text) as k
                   from visit v where ${inSubtree('v.region_code')} and v.visited_on between ?::date and ?::date
                  order by k, v.id limit ?) pick`,
        [made!.id, seed, region.code, p.from, p.to, size],
      );
      await writeAudit(
        this.ctx,
        [{
          action: AuditAction.SpotCheckDraw,
          regionCode: region.code,
          detail: { drawId: made!.id, period: p.label, size, seed, population: made!.population, superseded: current?.id ?? null },
        }],
        em,
      );
      const [row] = await em.execute<DrawRow[]>(`select ${DRAW_COLUMNS} from ${DRAW_FROM} where d.id = ?`, [made!.id]);
      return toDraw(row!, true);
    });
  }

  /** The current draw of a region and period, or null when none was drawn. */
  async current(regionCode: string | null | undefined, periodInput: { kind: string; date: string }): Promise<SpotCheckDrawType | null> {
    const actor = requireScope(this.ctx, Scope.VisitSpotCheck);
    const period = periodOfInput(periodInput);
    const region = await regionInJurisdiction(this.ctx.em, actor, regionCode);
    const [row] = await this.ctx.em.execute<DrawRow[]>(
      `select ${DRAW_COLUMNS} from ${DRAW_FROM} where d.region_code = ? and d.period_label = ? and d.superseded_at is null`,
      [region.code, period.label],
    );
    return row ? toDraw(row, false) : null;
  }

  /** The visits of a draw in sample order, a page at a time. Its elders reach the response through the read audit. */
  async list(drawId: string, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<SpotCheckType>> {
    const actor = requireScope(this.ctx, Scope.VisitSpotCheck);
    const size = pageSize(first);
    const start = decodeOffset(after);
    const missing = () => notFound('抽查批次', 'spot-check draw');
    if (!isUuid(drawId)) throw missing();
    const [draw] = await this.ctx.em.execute<{ id: string }[]>(
      `select id from spot_check_draw where id = ? and ${inSubtree('region_code')}`,
      [drawId, actor.regionCode],
    );
    if (!draw) throw missing();
    const rows = await this.ctx.em.execute<(CheckRow & { total: number })[]>(
      `select ${CHECK_COLUMNS}, count(*) over ()::int as total from ${CHECK_FROM}
        where s.draw_id = ? order by s.rank limit ? offset ?`,
      [drawId, size + 1, start],
    );
    const nodes = rows.slice(0, size).map(toCheck);
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, rows[0]?.total ?? 0);
  }

  /** A checker's call-back: the result, who and when; a stale `version` is CONFLICT naming who recorded meanwhile. */
  async record(id: string, version: number, result: SpotCheckResult, note: string | null | undefined): Promise<SpotCheckType> {
    const actor = requireScope(this.ctx, Scope.VisitSpotCheck);
    const missing = () => notFound('抽查记录', 'spot check');
    if (!isUuid(id)) throw missing();
    const text = note?.trim() || null;
    if (text && text.length > NOTE_MAX) throw badInput(`备注不能超过 ${NOTE_MAX} 字`, `note must be at most ${NOTE_MAX} characters`, 'note');
    if (result === SpotCheckResult.NOT_CONFIRMED && !text) {
      // A visit said not to have happened is a finding against a worker: the call must say what was heard.
      throw badInput('回访结果为不属实时，请在备注中写明老年人或家属所说的情况', 'Say in the note what the elder or family said when the visit is not confirmed', 'note');
    }
    return this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<(CheckRow & { superseded: boolean; check_region: string })[]>(
        `select ${CHECK_COLUMNS}, s.region_code as check_region, d.superseded_at is not null as superseded
           from ${CHECK_FROM} join spot_check_draw d on d.id = s.draw_id
          where s.id = ? and ${inSubtree('d.region_code')} for update of s`,
        [id, actor.regionCode],
      );
      if (!row) throw missing();
      if (row.version !== version) {
        throw conflict(
          `该条抽查已由${row.checked_by ?? '他人'}更新（当前结果：${labelOf(row.result)}），请刷新后再录入`,
          `This spot check was updated meanwhile by ${row.checked_by ?? 'someone else'}: reload and record again`,
          { currentVersion: row.version },
        );
      }
      if (row.superseded) {
        throw conflict('该抽查批次已被重新抽取取代，请在新批次中录入', 'This draw was replaced by a new draw: record results in the new one');
      }
      const now = this.ctx.now();
      await em.execute(
        `update spot_check set result = ?, note = ?, checked_at = ?, checked_by = ?, version = version + 1 where id = ?`,
        [result, text, now, actor.userId, id],
      );
      await writeAudit(
        this.ctx,
        [{
          action: AuditAction.SpotCheckRecord,
          elderId: row.elder_id,
          regionCode: row.check_region,
          detail: { spotCheckId: id, drawId: row.draw_id, visitId: row.visit_id, result, note: text, before: row.result },
        }],
        em,
      );
      const [after] = await em.execute<CheckRow[]>(`select ${CHECK_COLUMNS} from ${CHECK_FROM} where s.id = ?`, [id]);
      return toCheck(after!);
    });
  }

  /** 核实率 per child region of `regionCode` (default: the caller's region) for the period. */
  async rates(regionCode: string | null | undefined, periodInput: { kind: string; date: string }): Promise<SpotCheckRateType[]> {
    const actor = requireScope(this.ctx, Scope.VisitSpotCheck);
    const period = periodOfInput(periodInput);
    const region = await regionInJurisdiction(this.ctx.em, actor, regionCode);
    return verificationRates(this.ctx.em, { parent: region.code }, period);
  }
}

const RESULT_LABEL: Record<string, string> = { CONFIRMED: '属实', NOT_CONFIRMED: '不属实', UNREACHABLE: '联系不上' };
function labelOf(result: string | null): string {
  return result ? (RESULT_LABEL[result] ?? result) : '未录入';
}
