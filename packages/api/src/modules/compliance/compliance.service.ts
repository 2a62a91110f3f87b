import { Scope } from '@tanfang/schema';
import { pgArray } from '../../shared/sql.js';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { badInput, forbidden } from '../../graphql/errors.js';
import { decodeOffset, encodeCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import type { Actor } from '../auth/actor.js';
import { Elder } from '../elders/elder.entity.js';
import { ElderStatus } from '../elders/elder.enums.js';
import { RegionService } from '../regions/region.service.js';
import { COMPLIANCE_COLUMNS, complianceSql, type ComplianceRow } from '../standards/compliance.sql.js';
import { complianceSource, snapshotDirty, sourceOf, subtree } from './compliance.snapshot.js';
import { overdueFromRollup, workloadFromRollup, type RowPage, type WorkloadRow } from './compliance.rollups.js';
import { readRollups } from '../reports/reports.rollup.js';
import { periodOfInput, shape } from '../reports/reports.service.js';
import { describeRequirement, type ActivityEnum, type ElderClassEnum, type RequirementSourceEnum, type WindowKindEnum } from '../standards/standards.enums.js';
import type { ElderComplianceType, RequirementComplianceType } from '../standards/standards.types.js';
import { type OverdueElderType, type PeriodInput, type VisitorWorkloadType, type VisitRateType, type WorklistItemType } from './compliance.types.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { daysBetween } from '../standards/standards.service.js';
import type { GraphQLResolveInfo } from 'graphql';
import { executeBound } from '../../shared/bound-sql.js';
import { countResponseItems } from '../../graphql/response-budget.js';
import type { ReadPart } from '../audit/read-audit.js';
import { COMPILED, planElderSelection, selectedPath, type CompiledObject, type NamedParams } from '../elders/elder.queries.js';
import { compiledReadAudit } from '../elders/elder.service.js';

/** A YYYY-MM-DD day moved by whole days (calendar arithmetic, no time zone involved). */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const STATUS_STOP: Record<string, string> = {
  [ElderStatus.DECEASED]: '已死亡，探访要求停止',
  [ElderStatus.MOVED_AWAY]: '已迁出，探访要求停止',
  [ElderStatus.IN_INSTITUTION]: '已入住养老机构，探访要求停止',
};

export function toRequirement(r: ComplianceRow): RequirementComplianceType {
  return {
    requirementId: r.requirement_id,
    source: r.source as RequirementSourceEnum,
    sourceName: r.source_name,
    activity: r.activity as ActivityEnum,
    minCount: r.min_count,
    window: r.window_kind as WindowKindEnum,
    homeOnly: r.home_only,
    description: describeRequirement({ activity: r.activity, minCount: r.min_count, window: r.window_kind, windowDays: r.window_days, homeOnly: r.home_only }),
    windowStart: r.w_start,
    windowEnd: r.w_end,
    counted: r.counted,
    met: r.met,
    overdue: r.overdue,
    daysOverdue: r.days_overdue,
    dueBy: r.due_by,
  };
}

/**
 * Most urgent first: overdue longest, then due soonest, then by requirement text, then by requirement (a standard and
 * a campaign may read alike: the order must not depend on the order the statement returned the rows in).
 */
function byUrgency(a: RequirementComplianceType, b: RequirementComplianceType): number {
  return (b.daysOverdue ?? -1) - (a.daysOverdue ?? -1) || (a.dueBy ?? '9999').localeCompare(b.dueBy ?? '9999') || a.description.localeCompare(b.description)
    || a.requirementId.localeCompare(b.requirementId);
}

function noVisitor() {
  return forbidden('您的账号没有关联探访人员，无法查看探访任务', 'Your account is not linked to a visitor, so it has no worklist');
}

/** Stands for the visitor's id in a source built before the visitor is known (compiledWorklist). */
const VISITOR = Symbol('visitor');

/** Replaces the named values holding VISITOR by the visitor subquery. */
function inlineVisitor(text: string, p: NamedParams, visitor: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (p.value(name) === VISITOR ? visitor : whole));
}

/** One worklist entry from the elder's unmet or overdue rows (both paths). */
function worklistItem(elder: Elder, name: string, rows: ComplianceRow[], asOf: string): WorklistItemType & { sortName: string } {
  const reqs = rows.map(toRequirement).sort(byUrgency);
  const overdue = reqs.filter((r) => r.overdue);
  const dues = reqs.map((r) => r.dueBy).filter((d): d is string => !!d).sort();
  const daysOverdue = overdue.length ? Math.max(...overdue.map((r) => r.daysOverdue ?? 0)) : null;
  const dueBy = dues[0] ?? null;
  // dueBy of an overdue elder is the end of the window now running, a date to come: shown beside "35 days
  // overdue" it contradicted it. The date that was missed is the one that goes with the days overdue.
  return {
    elder,
    sortName: name,
    class: (rows[0]?.cls?.trim() ?? null) as ElderClassEnum | null,
    overdue: daysOverdue !== null,
    daysOverdue,
    missedDueBy: daysOverdue !== null ? addDays(asOf, -daysOverdue) : null,
    dueBy,
    daysLeft: daysOverdue === null && dueBy ? daysBetween(asOf, dueBy) : null,
    requirements: reqs,
  };
}

/** Most urgent first: overdue longest, then due soonest, then class, then name. */
function sortWorklist(items: (WorklistItemType & { sortName: string })[]): WorklistItemType[] {
  return items.sort(
    (a, b) =>
      (b.daysOverdue ?? -1) - (a.daysOverdue ?? -1) ||
      (a.dueBy ?? '9999').localeCompare(b.dueBy ?? '9999') ||
      (a.class ?? 'Z').localeCompare(b.class ?? 'Z') ||
      a.sortName.localeCompare(b.sortName),
  );
}

export class ComplianceService {
  constructor(private readonly ctx: RequestContext) {}

  private asOfOrToday(asOf: string | null | undefined): string {
    const day = today(this.ctx);
    const value = asOf ?? day;
    if (value > day) throw badInput('查询日期不能晚于今天', 'asOf cannot be in the future', 'asOf');
    return value;
  }

  /** One elder's compliance, batched: every elder of a page in one statement per date. */
  async forElder(elder: Elder, asOfArg: string | null | undefined): Promise<ElderComplianceType> {
    requireScope(this.ctx, Scope.VisitRead);
    const asOf = this.asOfOrToday(asOfArg);
    const { rows, refused } = await this.ctx.loaders
      .get<string, { rows: ComplianceRow[]; refused: boolean }>(`compliance.byElder.${asOf}`, async (ids) => {
        // Bound and prepared: planning the compliance rule took 8-10 ms of a statement that runs in 1.5 (an archive).
        const all = await executeBound<ComplianceRow>(
          this.ctx.em,
          `${complianceSql('e.id = any(?::uuid[])')} select ${COMPLIANCE_COLUMNS} from compliance`,
          [asOf, pgArray(ids)],
          { prepare: this.ctx.compiledReads?.prepared ?? false, generic: true },
        );
        // A refusal in force on that day (not today's acceptsVisits: it may have been withdrawn since).
        const refusals = await this.ctx.em.execute<{ elder_id: string }[]>(
          `select distinct elder_id from elder_refusal
            where elder_id = any(?::uuid[]) and refused_on <= ?::date and (withdrawn_on is null or withdrawn_on > ?::date)`,
          [pgArray(ids), asOf, asOf],
        );
        const refusedIds = new Set(refusals.map((r) => r.elder_id));
        return ids.map((id) => ({ rows: all.filter((r) => r.elder_id === id), refused: refusedIds.has(id) }));
      })
      .load(elder.id);
    const requirements = rows.map(toRequirement).sort(byUrgency);
    let stoppedReason: string | null = null;
    if (elder.status !== ElderStatus.ACTIVE && elder.statusDate && elder.statusDate <= asOf) stoppedReason = STATUS_STOP[elder.status] ?? null;
    else if (refused) stoppedReason = '本人书面拒绝探访，探访要求停止（另行统计）';
    const overdue = requirements.filter((r) => r.overdue);
    const unmet = requirements.filter((r) => !r.met && r.dueBy);
    return {
      asOf,
      class: (rows[0]?.cls?.trim() as ElderClassEnum | undefined) ?? null,
      stoppedReason,
      requirements,
      met: requirements.every((r) => r.met),
      overdue: overdue.length > 0,
      daysOverdue: overdue.length ? Math.max(...overdue.map((r) => r.daysOverdue ?? 0)) : null,
      dueBy: unmet.length ? unmet.map((r) => r.dueBy!).sort()[0]! : null,
    };
  }

  /**
   * Overdue elders of a region subtree on a date, most overdue first, class A before B before C. Three statements:
   * the page of the derived list (with its total), the archives of the page, their regions.
   */
  async overdueElders(regionCode: string | null | undefined, asOfArg: string | null | undefined, first: number | null | undefined, after: string | null | undefined, info?: GraphQLResolveInfo): Promise<ConnectionShape<OverdueElderType>> {
    const actor = requireScope(this.ctx, Scope.VisitRead);
    const asOf = this.asOfOrToday(asOfArg);
    const region = await this.regionIn(actor, regionCode);
    const size = pageSize(first);
    const offset = decodeOffset(after);
    // The snapshot's state, read once: its rollups are of the same day as its rows.
    const dirty = await snapshotDirty(this.ctx.em, asOf);
    if (dirty !== null) return this.overdueRolled(region, asOf, dirty, size, offset, info);
    const source = sourceOf(asOf, subtree(region), dirty, 'overdue');
    const rows = await this.ctx.em.execute<(ComplianceRow & { total: string; max_days: number })[]>(
      `${source.sql},
       ranked as (
         select elder_id as pe_id, max(days_overdue) as max_days, min(cls) as pcls
           from compliance where overdue group by elder_id
       ),
       page as (
         select pe_id, max_days, pcls, count(*) over () as total from ranked
          order by max_days desc, pcls, pe_id limit ? offset ?
       )
       select ${COMPLIANCE_COLUMNS}, page.total, page.max_days
         from page join compliance on compliance.elder_id = page.pe_id and compliance.overdue
        order by page.max_days desc, page.pcls, page.pe_id`,
      [...source.params, size + 1, offset],
    );
    const order = [...new Set(rows.map((r) => r.elder_id))];
    const hasNext = order.length > size;
    const ids = order.slice(0, size);
    const elders = await this.elders(ids);
    const total = rows[0] ? Number(rows[0].total) : offset === 0 ? 0 : await this.countOverdue(region, asOf);
    const items: OverdueElderType[] = [];
    for (const id of ids) {
      const elder = elders.get(id);
      if (!elder) continue;
      const mine = rows.filter((r) => r.elder_id === id);
      const reqs = mine.map(toRequirement).sort(byUrgency);
      items.push({ elder, class: (mine[0]?.cls?.trim() ?? null) as ElderClassEnum | null, daysOverdue: Math.max(...reqs.map((r) => r.daysOverdue ?? 0)), requirements: reqs });
    }
    return toConnection(items, (node) => encodeCursor([offset + items.indexOf(node) + 1]), hasNext, offset > 0, total);
  }

  /**
   * Today's overdue list from the per-elder rows kept with the snapshot (their index serves the order) and its total
   * from the per-village counts, both corrected by the elders changed since: a city's first page and count no longer
   * read every overdue row of the city. Same order and figures as the live list. The page's rows and archives are
   * then read in one compiled statement (`compiledOverduePage`) when the selection allows, else in three.
   */
  private async overdueRolled(region: string, asOf: string, dirty: string, size: number, offset: number, info?: GraphQLResolveInfo): Promise<ConnectionShape<OverdueElderType>> {
    const { ids: order, total } = await overdueFromRollup(this.ctx.em, asOf, region, dirty, size + 1, offset, this.ctx.compiledReads?.prepared ?? false);
    const hasNext = order.length > size;
    const ids = order.slice(0, size);
    // A selection of the total alone (the dashboard's card) needs no page: its rows and archives are not read.
    const page = info && this.ctx.compiledReads?.enabled && !this.asksOverdueItems(info)
      ? { rows: [], elders: new Map<string, Elder>() }
      : (info && ids.length ? await this.compiledOverduePage(info, asOf, dirty, ids) : null) ?? await this.overduePage(asOf, dirty, ids);
    const items: OverdueElderType[] = [];
    for (const id of ids) {
      const elder = page.elders.get(id);
      const mine = page.rows.filter((r) => r.elder_id === id);
      if (!elder || mine.length === 0) continue;
      const reqs = mine.map(toRequirement).sort(byUrgency);
      items.push({ elder, class: (mine[0]?.cls?.trim() ?? null) as ElderClassEnum | null, daysOverdue: Math.max(...reqs.map((r) => r.daysOverdue ?? 0)), requirements: reqs });
    }
    return toConnection(items, (node) => encodeCursor([offset + items.indexOf(node) + 1]), hasNext, offset > 0, total);
  }

  /** Whether the selection reads the page's items (nodes, edges, or the page's cursors); false for a total alone. */
  private asksOverdueItems(info: GraphQLResolveInfo): boolean {
    return (['nodes', 'edges', 'pageInfo'] as const).some((f) => selectedPath(info, this.ctx, [['OverdueElderConnection', f]])?.length !== 0);
  }

  /**
   * The overdue rows of a page's elders from today's snapshot, the elders changed since recomputed live (the page was
   * chosen from the same state): computing every page elder live read each requirement's visits month by month, 47 ms
   * of PostgreSQL per page at 100k (bench/RESULTS.md, 2026-12-05).
   */
  private pageSource(asOf: string, dirty: string, ids: string[]) {
    const page = pgArray(ids);
    return sourceOf(asOf, { live: 'e.id = any(?::uuid[])', snapshot: 's.elder_id = any(?::uuid[])', params: [page] }, dirty, 'overdue');
  }

  /** The overdue rows of a page's elders and their archives (entity path: three statements). */
  private async overduePage(asOf: string, dirty: string, ids: string[]): Promise<{ rows: ComplianceRow[]; elders: Map<string, Elder> }> {
    const source = this.pageSource(asOf, dirty, ids);
    const rows = ids.length
      ? await this.ctx.em.execute<ComplianceRow[]>(`${source.sql} select ${COMPLIANCE_COLUMNS} from compliance where overdue`, source.params)
      : [];
    return { rows, elders: await this.elders(ids) };
  }

  /**
   * overduePage in one statement: the page's overdue rows (from the snapshot, as the entity path reads them)
   * and the archives of those with rows, built as the selection asks (elders/elder.queries.ts), their read audited.
   * Null when not compiled (edges selecting the node, a selection the archive compiler leaves to the entity path).
   */
  private async compiledOverduePage(info: GraphQLResolveInfo, asOf: string, dirty: string, ids: string[]): Promise<{ rows: ComplianceRow[]; elders: Map<string, Elder> } | null> {
    if (!this.ctx.compiledReads?.enabled || info.operation.operation !== 'query') return null;
    const viaEdges = selectedPath(info, this.ctx, [['OverdueElderConnection', 'edges'], ['OverdueElderEdge', 'node'], ['OverdueElder', 'elder']]);
    if (viaEdges === null || viaEdges.length) return null;
    const elderNodes = selectedPath(info, this.ctx, [['OverdueElderConnection', 'nodes'], ['OverdueElder', 'elder']]);
    if (!elderNodes) return null;
    const audit = compiledReadAudit(this.ctx, info);
    const plan = planElderSelection(info, this.ctx, elderNodes, { ids: pgArray(ids) }, audit);
    if (!plan) return null;
    const servesElders = elderNodes.length > 0;
    const p = plan.p;
    const shown = `shown as (select e.* from elder e where e.id = any(${p.ref('ids', 'uuid[]')}) and e.id in (select elder_id from rows)
      and ${inSubtree('e.region_code', p.ref('actorRegion', 'text'))})`;
    const archive = `json_build_object('n', ${servesElders ? plan.node : 'null'}, 'id', e.id${servesElders && !audit.inStatement ? `, 'p', ${plan.parts('e')}` : ''})`;
    const source = this.pageSource(asOf, dirty, ids);
    const statement = p.bind(`${p.positional('src', source.sql, source.params)},
      rows as (select ${COMPLIANCE_COLUMNS} from compliance where overdue),
      ${shown}${servesElders && audit.inStatement ? `, ${plan.auditCte('shown')}` : ''}
      select (select coalesce(json_agg(r), '[]'::json) from rows r) as rows, (select coalesce(json_agg(${archive}), '[]'::json) from shown e) as archives`);
    const [row] = await executeBound<{ rows: ComplianceRow[]; archives: { n: CompiledObject | null; id: string; p?: ReadPart[] }[] }>(
      this.ctx.em, statement.sql, statement.params, { prepare: this.ctx.compiledReads.prepared },
    );
    countResponseItems(row!.archives.length);
    if (servesElders && !audit.inStatement) for (const a of row!.archives) for (const part of a.p ?? []) this.ctx.reads?.add(a.id, audit.via, part);
    // The OverdueElder's own fields are read by name (default resolvers); its elder is the compiled archive (or an
    // empty marker object when no elder field is asked: it is then never read).
    return { rows: row!.rows, elders: new Map(row!.archives.map((a) => [a.id, (a.n ?? { [COMPILED]: 1 }) as unknown as Elder])) };
  }

  private async countOverdue(region: string, asOf: string): Promise<number> {
    const source = await complianceSource(this.ctx.em, asOf, subtree(region), 'overdue');
    const [row] = await this.ctx.em.execute<{ n: string }[]>(
      `${source.sql} select count(distinct elder_id) as n from compliance where overdue`,
      source.params,
    );
    return Number(row?.n ?? 0);
  }

  /**
   * 探访率: definitions in the VisitRate type's description. A month the background refresh keeps (this month and
   * last month) reads the report's rollup of the region, the same row the report reads, so both answer alike and a
   * city costs what a village costs (two statements: the rollup state, the region's row). Any other period (a
   * week, quarter, half year, year, or an older month) has no rollup and is computed live over the region, as is a
   * rolled month never refreshed yet and a village whose rollup is not today's; a city or town answers from the last
   * refresh until the new day's is done, its asOf and computedAt saying so (readRollups decides, as for the report).
   */
  async visitRate(regionCode: string | null | undefined, period: PeriodInput): Promise<VisitRateType> {
    const actor = requireScope(this.ctx, Scope.VisitRead);
    const region = await this.regionIn(actor, regionCode);
    // The one period shape (shared/period.ts): a month is the report's period of that label (the rollups are kept by
    // label); every kind has the visit standards' calendar windows.
    const bounds = periodOfInput(period);
    const month = bounds.kind === 'MONTH' ? bounds : null;
    const { from, to } = bounds;
    const day = today(this.ctx);
    if (from > day) throw badInput('该时段尚未开始', 'The period has not started yet', 'period');
    const asOf = to < day ? to : day;
    const rolled = month ? await readRollups(this.ctx.em, month.label, asOf, region, 0, this.ctx.now()) : null;
    if (rolled) {
      // The report's own shaping of the figures (rate rounded alike); nothing withheld: this is not an integrator's view.
      const figures = rolled.figures.get('ALL') ?? {};
      const shaped = shape(figures, null, region);
      return {
        regionCode: region, from, to, asOf: rolled.asOf, computedAt: rolled.refreshedAt,
        numerator: shaped.visitRate.numerator ?? 0, denominator: shaped.visitRate.denominator ?? 0, rate: shaped.visitRate.rate,
        refusals: shaped.refusals ?? 0,
      };
    }
    const [row] = await this.ctx.em.execute<{ numerator: string; denominator: string; refusals: string }[]>(
      `${complianceSql(inSubtree('e.region_code'), { judgeFrom: true })},
       per_elder as (
         select elder_id, bool_and(not overdue and (met or w_end > ?::date)) as ok from compliance group by elder_id
       )
       select (select count(*) from per_elder where ok) as numerator,
              (select count(*) from per_elder) as denominator,
              (select count(distinct r.elder_id) from elder_refusal r join elder e on e.id = r.elder_id
                where ${inSubtree('e.region_code')}
                  and (e.registered_at at time zone 'Asia/Shanghai')::date <= ?::date
                  and (e.status = 'ACTIVE' or e.status_date > ?::date)
                  and r.refused_on <= ?::date and (r.withdrawn_on is null or r.withdrawn_on > ?::date)) as refusals`,
      [asOf, from, region, to, region, asOf, asOf, asOf, asOf],
    );
    const numerator = Number(row!.numerator);
    const denominator = Number(row!.denominator);
    return {
      regionCode: region, from, to, asOf, computedAt: this.ctx.now(), numerator, denominator,
      rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000,
      refusals: Number(row!.refusals),
    };
  }

  /**
   * The logged-in visitor's elders that are overdue or due in their current window, most urgent first. Compiled
   * (`compiledWorklist`) when the selection allows, else here: the visitor, the snapshot's state, the rows, the
   * archives and their regions (five statements).
   */
  async myWorklist(asOfArg: string | null | undefined, info?: GraphQLResolveInfo): Promise<WorklistItemType[]> {
    const actor = requireScope(this.ctx, Scope.VisitRead);
    const asOf = this.asOfOrToday(asOfArg);
    if (info) {
      const compiled = await this.compiledWorklist(info, actor, asOf);
      if (compiled) return compiled;
    }
    const [visitor] = await this.ctx.em.execute<{ id: string }[]>(`select id from visitor where user_id = ? and active`, [actor.userId]);
    if (!visitor) throw noVisitor();
    const assigned = `(select a.elder_id from assignment a where a.visitor_id = ? and a.ends_at is null)`;
    const source = await complianceSource(this.ctx.em, asOf, {
      live: `${inSubtree('e.region_code')} and e.id in ${assigned}`,
      snapshot: `${inSubtree('s.region_code')} and s.elder_id in ${assigned}`,
      params: [actor.regionCode, visitor.id],
    }, 'not met or overdue');
    const rows = await this.ctx.em.execute<ComplianceRow[]>(
      `${source.sql} select ${COMPLIANCE_COLUMNS} from compliance where not met or overdue`,
      source.params,
    );
    const ids = [...new Set(rows.map((r) => r.elder_id))];
    const elders = await this.elders(ids);
    const items = ids.flatMap((id) => {
      const elder = elders.get(id);
      return elder ? [worklistItem(elder, elder.name, rows.filter((r) => r.elder_id === id), asOf)] : [];
    });
    return sortWorklist(items);
  }

  /**
   * myWorklist in one statement (modules/elders/elder.queries.ts builds the archives as the selection asks, PostgreSQL
   * the JSON): the visitor, the compliance rows (the snapshot with the elders changed since recomputed live, or live
   * when there is no valid snapshot: the same source as the entity path), the archives and their read audit. The
   * snapshot's state is read first, as the entity path reads it, because it decides the shape of the source: two
   * statements. The rows come back as the entity path reads them and are shaped by the same functions
   * (worklistItem, sortWorklist), so the figures and the order cannot differ. Null when the selection is not compiled.
   */
  private async compiledWorklist(info: GraphQLResolveInfo, actor: Actor, asOf: string): Promise<WorklistItemType[] | null> {
    if (!this.ctx.compiledReads?.enabled || info.operation.operation !== 'query') return null;
    const elderNodes = selectedPath(info, this.ctx, [['WorklistItem', 'elder']]);
    if (!elderNodes) return null;
    const audit = compiledReadAudit(this.ctx, info);
    const plan = planElderSelection(info, this.ctx, elderNodes, { userId: actor.userId }, audit);
    if (!plan) return null;
    const servesElders = elderNodes.length > 0;
    const p = plan.p;
    const visitor = `(select v.id from visitor v where v.user_id = ${p.ref('userId', 'uuid')} and v.active)`;
    const assigned = `(select a.elder_id from assignment a where a.visitor_id = ? and a.ends_at is null)`;
    const dirty = await snapshotDirty(this.ctx.em, asOf);
    const source = sourceOf(asOf, {
      live: `${inSubtree('e.region_code')} and e.id in ${assigned}`,
      snapshot: `${inSubtree('s.region_code')} and s.elder_id in ${assigned}`,
      params: [actor.regionCode, VISITOR],
    }, dirty, 'not met or overdue');
    // The visitor's id is not known here: its placeholder takes the visitor subquery instead of a value.
    const text = inlineVisitor(p.positional('src', source.sql, source.params), p, visitor);
    const shown = `shown as (select e.* from elder e where e.id in (select elder_id from rows) and ${inSubtree('e.region_code', p.ref('actorRegion', 'text'))})`;
    const item = `json_build_object('n', ${servesElders ? plan.node : 'null'}, 'name', e.name, 'id', e.id,
      'r', (select g.m from grouped g) -> e.id::text${servesElders && !audit.inStatement ? `, 'p', ${plan.parts('e')}` : ''})`;
    // The rows grouped per elder once, into one jsonb object keyed by elder (looked up per elder by binary search),
    // not searched per elder: at 742 elders that search was a quadratic 570,000 comparisons, and a join on the grouped
    // rows was planned as a nested loop (a CTE's row estimate is tiny) that grouped them again for every elder.
    const ctes = `${text},
      rows as (select ${COMPLIANCE_COLUMNS} from compliance where not met or overdue),
      grouped as (select jsonb_object_agg(x.elder_id, x.r) as m from (select r.elder_id, jsonb_agg(r) as r from rows r group by r.elder_id) x),
      ${shown}${servesElders && audit.inStatement ? `, ${plan.auditCte('shown')}` : ''}`;
    const statement = p.bind(`${ctes}
      select exists ${visitor} as visitor, (select coalesce(json_agg(${item}), '[]'::json) from shown e) as items`);
    // On its generic plan: prepared, PostgreSQL still planned it afresh at every bind (14 ms of planning under load at
    // 100k, against 5 to run it), as it did the overdue page's (compliance.rollups.ts).
    const [row] = await executeBound<{ visitor: boolean; items: { n: CompiledObject | null; name: string; id: string; r: ComplianceRow[]; p?: ReadPart[] }[] }>(
      this.ctx.em, statement.sql, statement.params, { prepare: this.ctx.compiledReads.prepared, generic: true },
    );
    if (!row!.visitor) throw noVisitor();
    countResponseItems(row!.items.length);
    if (servesElders && !audit.inStatement) for (const i of row!.items) for (const part of i.p ?? []) this.ctx.reads?.add(i.id, audit.via, part);
    // The WorklistItem's own fields are read by name (default resolvers); its elder is the compiled archive.
    return sortWorklist(row!.items.map((i) => worklistItem(i.n as unknown as Elder, i.name, i.r, asOf)));
  }

  /**
   * Workload of every visitor in a region subtree. On the day of a valid snapshot (today, once refreshed): the
   * per-visitor rollup kept with it, corrected by the elders changed since (compliance.rollups.ts): the snapshot's
   * state, then one statement reading the region's visitors. Any other day: summed live over the region.
   */
  async workload(regionCode: string | null | undefined, asOfArg: string | null | undefined): Promise<VisitorWorkloadType[]> {
    return (await this.workloadRows(regionCode, asOfArg)).map(workloadOf);
  }

  /** `workload` a page at a time, in the same order (most overdue first, then by name), with the region's total. */
  async workloadPage(regionCode: string | null | undefined, asOfArg: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<VisitorWorkloadType>> {
    const size = pageSize(first);
    const offset = decodeOffset(after);
    const rows = await this.workloadRows(regionCode, asOfArg, { limit: size + 1, offset });
    const nodes = rows.slice(0, size).map(workloadOf);
    // Past the last page no row carries the total: counted again (rare: a stale cursor).
    const total = rows[0] ? Number(rows[0].total) : offset === 0 ? 0 : Number((await this.workloadRows(regionCode, asOfArg, { limit: 1, offset: 0 }))[0]?.total ?? 0);
    return toConnection(nodes, (node) => encodeCursor([offset + nodes.indexOf(node) + 1]), rows.length > size, offset > 0, total);
  }

  private async workloadRows(regionCode: string | null | undefined, asOfArg: string | null | undefined, page?: RowPage): Promise<WorkloadRow[]> {
    const actor = requireScope(this.ctx, Scope.VisitRead);
    const asOf = this.asOfOrToday(asOfArg);
    const region = await this.regionIn(actor, regionCode);
    const dirty = await snapshotDirty(this.ctx.em, asOf);
    return dirty !== null ? workloadFromRollup(this.ctx.em, asOf, region, dirty, page) : this.workloadLive(asOf, region, page);
  }

  /** The workloads summed over every assigned elder of the region, computed live (any day). */
  private async workloadLive(asOf: string, region: string, page?: RowPage): Promise<WorkloadRow[]> {
    const source = sourceOf(asOf, subtree(region), null);
    return this.ctx.em.execute<WorkloadRow[]>(
      `${source.sql},
       -- Materialized: the compliance rows are computed (live) or read (snapshot) once, whatever the plan around it.
       per_elder as materialized (
         select elder_id, min(cls) as cls, bool_or(overdue) as overdue,
                bool_or(not met and due_by <= date_trunc('week', ?::date)::date + 6) as due
           from compliance group by elder_id
       ),
       -- Summed per visitor before meeting the visitor table. Joined the other way round, the planner (which guesses
       -- 200 rows for a grouped union) rescanned the region's per-elder groups once per visitor: 5 s for a county of
       -- 20,000 elders and 270 visitors.
       per_visitor as (
         select a.visitor_id, count(*) filter (where el.status = 'ACTIVE') as elders,
                count(*) filter (where pe.cls = 'A') as a, count(*) filter (where pe.cls = 'B') as b,
                count(*) filter (where pe.cls = 'C') as c,
                count(*) filter (where pe.due) as due, count(*) filter (where pe.overdue) as overdue
           from assignment a
           join visitor hv on hv.id = a.visitor_id and hv.active and ${inSubtree('hv.region_code')}
           join elder el on el.id = a.elder_id
           left join per_elder pe on pe.elder_id = a.elder_id
          where a.ends_at is null
          group by a.visitor_id
       )
       select v.id as visitor_id, v.name as visitor_name, coalesce(pv.elders, 0) as elders,
              coalesce(pv.a, 0) as a, coalesce(pv.b, 0) as b, coalesce(pv.c, 0) as c,
              coalesce(pv.due, 0) as due, coalesce(pv.overdue, 0) as overdue, count(*) over () as total
         from visitor v left join per_visitor pv on pv.visitor_id = v.id
        where ${inSubtree('v.region_code')} and v.active
        order by coalesce(pv.overdue, 0) desc, v.name, v.id${page ? ' limit ? offset ?' : ''}`,
      [...source.params, asOf, region, region, ...(page ? [page.limit, page.offset] : [])],
    );
  }

  private async regionIn(actor: Actor, regionCode: string | null | undefined): Promise<string> {
    if (!regionCode) return actor.regionCode;
    return (await new RegionService(this.ctx).requireRegionInJurisdiction(actor, regionCode)).code;
  }

  /** Archives by id through the jurisdiction filter, with their regions: two statements for any number. */
  private async elders(ids: string[]): Promise<Map<string, Elder>> {
    if (ids.length === 0) return new Map();
    const list = await this.ctx.em.find(Elder, { id: { $in: ids } }, { populate: ['region'] });
    return new Map(list.map((e) => [e.id, e]));
  }
}

/** A workload row as the API answers it. */
function workloadOf(r: WorkloadRow): VisitorWorkloadType {
  return {
    visitorId: r.visitor_id, visitorName: r.visitor_name, elders: Number(r.elders), classA: Number(r.a), classB: Number(r.b),
    classC: Number(r.c), dueThisWeek: Number(r.due), overdue: Number(r.overdue),
  };
}
