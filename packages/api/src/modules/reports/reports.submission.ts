import type { EntityManager } from '@mikro-orm/postgresql';
import { Scope } from '@tanfang/schema';
import { badInput, conflict, forbidden, notFound } from '../../graphql/errors.js';
import { chinaDate, requireActor, requireScope, today, type RequestContext } from '../../graphql/context.js';
import { pgArray, toDate } from '../../shared/sql.js';
import type { Actor } from '../auth/actor.js';
import { AuditAction, writeAudit, writeReadAudit } from '../audit/audit.service.js';
import { PeriodKind, type PeriodInput } from '../compliance/compliance.types.js';
import { notifyReport } from '../notifications/notifications.write.js';
import { Region } from '../regions/region.entity.js';
import { queueWebhookEvent } from '../webhooks/webhooks.delivery.js';
import { parsePeriod, ReportsService, type Period } from './reports.service.js';
import type { ReportFiguresType } from './reports.types.js';
import {
  ReportSubmissionStatus,
  type ReportDueDayType,
  type ReportSubmissionStateType,
  type ReportSubmissionVersionType,
} from './reports.submission.types.js';

/**
 * 报送 (issue 16, item 1): a region submits the statistics table of an ended period to the level above, which approves
 * it or returns it with a reason; a returned report is resubmitted as a new version. The submitted figures are what
 * `report` answers for the region and period at that moment (ReportsService.report, never a second computation),
 * frozen with the version. Status and lateness are judged on the request's clock in China time.
 */

/** Kinds a report can be submitted for: the statistics table's periods (a half year has no table yet, a week is not reported upward). */
const SUBMITTABLE: ReadonlySet<PeriodKind> = new Set([PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR]);

/**
 * Due day of each kind when no region above sets one: the day of the month after the period ends. The seeds' towns
 * report monthly figures early in the next month (the 5th); longer periods take longer to check and gather (a quarter
 * by the 10th, a half year by the 15th, a year by 20 January).
 */
export const DEFAULT_DUE_DAY: Readonly<Record<Exclude<PeriodKind, PeriodKind.WEEK>, number>> = {
  [PeriodKind.MONTH]: 5,
  [PeriodKind.QUARTER]: 10,
  [PeriodKind.HALF_YEAR]: 15,
  [PeriodKind.YEAR]: 20,
};

/** Levels that report upward: counties (县/区/县级市) to their city, towns (乡镇/街道) to their county. */
export const SUBMITTING_LEVELS: readonly number[] = [3, 4];

const KIND_LABEL: Record<PeriodKind, { zh: string; en: string }> = {
  WEEK: { zh: '周', en: 'week' },
  MONTH: { zh: '月', en: 'month' },
  QUARTER: { zh: '季度', en: 'quarter' },
  HALF_YEAR: { zh: '半年', en: 'half year' },
  YEAR: { zh: '年', en: 'year' },
};

export interface SubmissionPeriod extends Period {
  kind: 'MONTH' | 'QUARTER' | 'YEAR';
}

/** The report period of `PeriodInput` (the calendar period of its kind containing its date), as the report labels it. */
export function submissionPeriod(input: PeriodInput): SubmissionPeriod {
  if (!SUBMITTABLE.has(input.kind)) {
    throw badInput(
      `${KIND_LABEL[input.kind].zh}报不需报送：请选择月、季度或年`,
      `A ${KIND_LABEL[input.kind].en} is not reported upward: choose a month, quarter or year`,
      'period.kind',
    );
  }
  const [y, m] = [input.date.slice(0, 4), Number(input.date.slice(5, 7))];
  const label = input.kind === PeriodKind.MONTH ? input.date.slice(0, 7) : input.kind === PeriodKind.QUARTER ? `${y}-Q${Math.floor((m - 1) / 3) + 1}` : y;
  const period = parsePeriod(label);
  return { ...period, kind: input.kind as SubmissionPeriod['kind'] };
}

/** The due date of a period: `day` of the month after it ends. */
export function dueDate(period: Pick<Period, 'to'>, day: number): string {
  const [y, m] = period.to.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, day)).toISOString().slice(0, 10);
}

/** The period of `kind` before the one containing `day` (YYYY-MM-DD), and the one containing it. */
function recentPeriods(kind: SubmissionPeriod['kind'], day: string, back: number): SubmissionPeriod[] {
  const out: SubmissionPeriod[] = [];
  const [y, m] = day.split('-').map(Number) as [number, number];
  const step = kind === 'MONTH' ? 1 : kind === 'QUARTER' ? 3 : 12;
  for (let i = 0; i <= back; i++) {
    const d = new Date(Date.UTC(y, m - 1 - i * step, 1)).toISOString().slice(0, 10);
    out.push(submissionPeriod({ kind: kind as PeriodKind, date: d }));
  }
  return out;
}

interface VersionRow {
  region_code: string;
  version: number;
  status: ReportSubmissionStatus;
  submitted_late: boolean;
  figures: ReportFiguresType | string;
  as_of: string | Date;
  submitted_by: string;
  submitted_by_name: string;
  submitted_at: Date | string;
  decided_by_name: string | null;
  decided_at: Date | string | null;
  reason: string | null;
}

/** What approve and return answer: the state, and what a notification to the submitter needs. */
export interface SubmissionDecision {
  state: ReportSubmissionStateType;
  regionCode: string;
  period: string;
  version: number;
  decision: ReportSubmissionStatus.APPROVED | ReportSubmissionStatus.RETURNED;
  /** The user who submitted the version decided on (to be told). */
  submitterId: string;
}

/** A region's report due soon and not yet submitted (for the notifier). */
export interface DueSoon {
  regionCode: string;
  period: string;
  kind: SubmissionPeriod['kind'];
  dueOn: string;
}

/**
 * The due day of `kind` in force for each region: the nearest region above (or the region itself) that sets one,
 * else the default. One statement for any number of regions.
 */
async function dueDays(em: EntityManager, codes: readonly string[], kind: PeriodKind): Promise<Map<string, number>> {
  if (codes.length === 0) return new Map();
  const rows = await em.execute<{ code: string; day: number | null }[]>(
    `select r.code, (select d.day from report_due_day d where starts_with(r.code, d.region_code) and d.kind = ?
                      order by length(d.region_code) desc limit 1) as day
       from unnest(?::text[]) as r(code)`,
    [kind, pgArray([...codes])],
  );
  const fallback = DEFAULT_DUE_DAY[kind as keyof typeof DEFAULT_DUE_DAY];
  return new Map(rows.map((r) => [r.code, r.day ?? fallback]));
}

/**
 * Regions (counties and towns) whose report of a kind is due within `days` days of `now` (China time; today
 * included) and has nothing pending or approved: for the notifier ("report due in 3 days").
 */
export async function submissionsDueWithin(em: EntityManager, days: number, now: Date): Promise<DueSoon[]> {
  const day = chinaDate(now);
  const until = new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const regions = await em.execute<{ code: string }[]>(
    `select code from region where level = any(?::int[]) and parent_code is not null order by code`,
    [`{${SUBMITTING_LEVELS.join(',')}}`],
  );
  const codes = regions.map((r) => r.code);
  const out: DueSoon[] = [];
  for (const kind of SUBMITTABLE) {
    const dayOf = await dueDays(em, codes, kind);
    // The running period (due after it ends) and the one before it (due early in this month).
    for (const period of recentPeriods(kind as SubmissionPeriod['kind'], day, 1)) {
      const open = await em.execute<{ region_code: string }[]>(
        `select region_code from report_submission where period = ? and status in ('SUBMITTED', 'APPROVED')`,
        [period.label],
      );
      const done = new Set(open.map((r) => r.region_code));
      for (const code of codes) {
        const dueOn = dueDate(period, dayOf.get(code)!);
        if (dueOn >= day && dueOn <= until && !done.has(code)) out.push({ regionCode: code, period: period.label, kind: period.kind, dueOn });
      }
    }
  }
  return out;
}

/** Days ahead of its due date a region's operators are reminded of a report not yet sent (issue 16: "due in 3 days"). */
export const DUE_REMINDER_DAYS = 3;

/**
 * REPORT_DUE notifications (a job each hour, jobs/queue.ts): every region whose report falls due within
 * DUE_REMINDER_DAYS with nothing pending or approved reminds the users who can submit it. Once per region, period and
 * due date (the dedupe key), however often the job runs or however many workers run it; a due day moved later
 * reminds again for the new date.
 */
export async function notifyReportsDue(em: EntityManager, now: Date): Promise<number> {
  let sent = 0;
  for (const due of await submissionsDueWithin(em, DUE_REMINDER_DAYS, now)) {
    sent += await notifyReport(
      em,
      'REPORT_DUE',
      { regionCode: due.regionCode, period: due.period, eventId: `${due.regionCode}:${due.period}:${due.dueOn}`, note: `请于 ${due.dueOn} 前报送` },
      { exactRegion: due.regionCode, scope: Scope.ReportSubmit },
      now,
    );
  }
  return sent;
}

export class ReportSubmissionService {
  constructor(private readonly ctx: RequestContext) {}

  /** One region's state of a period, with every version: the region itself (submitters) or a region below (the level above). */
  async state(regionCode: string, input: PeriodInput): Promise<ReportSubmissionStateType> {
    const actor = this.requireAnyScope();
    const region = await this.regionIn(actor, regionCode);
    const [state] = await this.states([region], submissionPeriod(input));
    await this.auditRead(region.code, state!.period);
    return state!;
  }

  /**
   * The level above's list: each region one level below `regionCode` (default: the caller's region) with its state of
   * the period, late ones first, then by code.
   */
  async children(input: PeriodInput, regionCode: string | null | undefined): Promise<ReportSubmissionStateType[]> {
    const actor = requireScope(this.ctx, Scope.ReportApprove);
    const period = submissionPeriod(input);
    const region = await this.regionIn(actor, regionCode ?? actor.regionCode);
    const children = await this.ctx.em.find(Region, { parentCode: region.code }, { orderBy: { code: 'asc' } });
    const states = await this.states(children, period);
    states.sort((a, b) => Number(b.late) - Number(a.late) || (a.region.code < b.region.code ? -1 : a.region.code > b.region.code ? 1 : 0));
    await this.auditRead(region.code, period.label);
    return states;
  }

  /** The caller's region's recent periods of a kind, newest first (the running one included): the submitter's list. */
  async periods(regionCode: string, kind: PeriodKind, count: number): Promise<ReportSubmissionStateType[]> {
    const actor = this.requireAnyScope();
    const region = await this.regionIn(actor, regionCode);
    if (!Number.isInteger(count) || count < 1 || count > 24) throw badInput('时段个数应为 1 至 24', 'count must be 1 to 24', 'count');
    const first = submissionPeriod({ kind, date: today(this.ctx) });
    const out: ReportSubmissionStateType[] = [];
    for (const period of recentPeriods(first.kind, today(this.ctx), count - 1)) out.push(...(await this.states([region], period)));
    await this.auditRead(region.code, first.label);
    return out;
  }

  /**
   * Submit the caller's own region's report of an ended period: its figures (as `report` answers them now) are frozen
   * as a new version. Refused while a version is pending or approved.
   */
  async submit(regionCode: string, input: PeriodInput): Promise<ReportSubmissionStateType> {
    const actor = requireScope(this.ctx, Scope.ReportSubmit);
    const region = await this.regionIn(actor, regionCode);
    if (region.code !== actor.regionCode) {
      const own = await this.ctx.em.findOne(Region, { code: actor.regionCode });
      throw forbidden(
        `只能报送本级（${own?.name ?? actor.regionCode}）的统计表；${region.name}的统计表由其自行报送`,
        `You submit your own region’s report only (${actor.regionCode}); ${region.code} submits its own`,
        { field: 'regionCode' },
      );
    }
    if (!region.parentCode) throw badInput(`${region.name}没有上级，无需报送`, `${region.code} has no level above to report to`, 'regionCode');
    const period = submissionPeriod(input);
    const day = today(this.ctx);
    if (period.to >= day) {
      throw badInput(`${period.label} 尚未结束（${period.to} 结束），结束后才能报送`, `${period.label} has not ended yet (it ends on ${period.to}): submit it afterwards`, 'period');
    }
    const [dueDay] = (await dueDays(this.ctx.em, [region.code], period.kind as PeriodKind)).values();
    const dueOn = dueDate(period, dueDay!);
    // The figures as the report answers them (frozen figures of a closed period, rollups or live): read before the
    // transaction, with the same scope checks as the report itself.
    const report = await new ReportsService(this.ctx).report(region.code, period.label);
    await this.ctx.em.transactional(async (em) => {
      // One submitter at a time per region and period: a second one waits and then sees the first one's version.
      await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`report_submission:${region.code}:${period.label}`]);
      const [latest] = await em.execute<{ version: number; status: ReportSubmissionStatus }[]>(
        `select version, status from report_submission where region_code = ? and period = ? order by version desc limit 1`,
        [region.code, period.label],
      );
      if (latest?.status === ReportSubmissionStatus.SUBMITTED) {
        throw conflict(
          `${period.label} 的第 ${latest.version} 版已报送，正在等待上级审核；退回后才能重新报送`,
          `Version ${latest.version} of ${period.label} is already submitted and awaiting review: resubmit only after it is returned`,
          { version: latest.version, status: latest.status },
        );
      }
      if (latest?.status === ReportSubmissionStatus.APPROVED) {
        throw conflict(
          `${period.label} 的第 ${latest.version} 版已通过审核，不能再次报送`,
          `Version ${latest.version} of ${period.label} is already approved: it cannot be submitted again`,
          { version: latest.version, status: latest.status },
        );
      }
      const next = (latest?.version ?? 0) + 1;
      await em.execute(
        `insert into report_submission (region_code, period, period_kind, period_from, period_to, version, status, due_on, submitted_late,
                                        figures, as_of, submitted_by, submitted_at)
         values (?, ?, ?, ?, ?, ?, 'SUBMITTED', ?, ?, ?::jsonb, ?, ?, ?)`,
        [region.code, period.label, period.kind, period.from, period.to, next, dueOn, day > dueOn, JSON.stringify(report.figures), report.asOf, actor.userId, this.ctx.now()],
        'run',
      );
      await writeAudit(this.ctx, [{ action: AuditAction.ReportSubmit, regionCode: region.code, detail: { period: period.label, version: next, dueOn, late: day > dueOn } }], em);
    });
    const [state] = await this.states([region], period);
    return state!;
  }

  /**
   * Approve or return a pending version, by a user whose region is above the submitting one. A decision is taken
   * once: of two racing on one version, the second finds it decided (CONFLICT).
   */
  async decide(
    regionCode: string,
    input: PeriodInput,
    version: number,
    decision: SubmissionDecision['decision'],
    reasonRaw: string | null,
  ): Promise<SubmissionDecision> {
    const actor = requireScope(this.ctx, Scope.ReportApprove);
    const region = await this.regionIn(actor, regionCode);
    if (region.code === actor.regionCode) {
      throw forbidden('本级报送的统计表由上级审核，不能自行审核', 'Your own region’s report is decided by the level above, not by you', { field: 'regionCode' });
    }
    const period = submissionPeriod(input);
    const reason = reasonRaw?.trim() ?? '';
    if (decision === ReportSubmissionStatus.RETURNED && (reason.length < 2 || reason.length > 1000)) {
      throw badInput('请写明退回原因（2至1000字），以便下级修改后重新报送', 'Give the reason for returning it (2-1000 characters) so the region can correct and resubmit', 'reason');
    }
    const submitterId = await this.ctx.em.transactional(async (em) => {
      // The condition on status decides races: a second decision waits for the first one's row lock, then finds the
      // version no longer SUBMITTED and changes nothing.
      const [row] = await em.execute<{ submitted_by: string }[]>(
        `update report_submission set status = ?, decided_by = ?, decided_at = ?, reason = ?
          where region_code = ? and period = ? and version = ? and status = 'SUBMITTED' returning submitted_by`,
        [decision, actor.userId, this.ctx.now(), decision === ReportSubmissionStatus.RETURNED ? reason : null, region.code, period.label, version],
      );
      if (!row) await this.staleDecision(em, region, period, version);
      await writeAudit(
        this.ctx,
        [{
          action: decision === ReportSubmissionStatus.APPROVED ? AuditAction.ReportApprove : AuditAction.ReportReturn,
          regionCode: region.code,
          detail: { period: period.label, version, ...(decision === ReportSubmissionStatus.RETURNED ? { reason } : {}) },
        }],
        em,
      );
      // In the decision's transaction: the region's submitters are told (once per version and decision), and on
      // approval the subscribers covering the region get REPORT_APPROVED (ids only: region and period).
      const eventId = `${region.code}:${period.label}:v${version}`;
      await notifyReport(
        em,
        decision === ReportSubmissionStatus.APPROVED ? 'REPORT_APPROVED' : 'REPORT_RETURNED',
        { regionCode: region.code, period: period.label, eventId, note: decision === ReportSubmissionStatus.RETURNED ? `退回原因：${reason}` : null },
        { exactRegion: region.code, scope: Scope.ReportSubmit },
        this.ctx.now(),
      );
      if (decision === ReportSubmissionStatus.APPROVED) {
        await queueWebhookEvent(em, 'REPORT_APPROVED', { regionCode: region.code }, { regionCode: region.code, period: period.label, version }, `report:${eventId}`, this.ctx.now());
      }
      return row!.submitted_by;
    });
    const [state] = await this.states([region], period);
    return { state: state!, regionCode: region.code, period: period.label, version, decision, submitterId };
  }

  /** Set the due day of a kind for a region and its subtree (regions below keep theirs if they set one). */
  async setDueDay(regionCode: string, kind: PeriodKind, day: number): Promise<ReportDueDayType> {
    const actor = requireScope(this.ctx, Scope.ReportSchedule);
    const region = await this.regionIn(actor, regionCode);
    if (!SUBMITTABLE.has(kind)) {
      throw badInput(`${KIND_LABEL[kind].zh}报不需报送，没有报送期限（月报、季报、年报才有）`, `A ${KIND_LABEL[kind].en} is not reported upward and has no due day (months, quarters and years do)`, 'kind');
    }
    if (!Number.isInteger(day) || day < 1 || day > 28) {
      throw badInput('报送日应为次月 1 日至 28 日', 'The due day must be the 1st to the 28th of the month after the period', 'day');
    }
    await this.ctx.em.transactional(async (em) => {
      await em.execute(
        `insert into report_due_day (region_code, kind, day, set_by, set_at) values (?, ?, ?, ?, ?)
         on conflict (region_code, kind) do update set day = excluded.day, set_by = excluded.set_by, set_at = excluded.set_at`,
        [region.code, kind, day, actor.userId, this.ctx.now()],
        'run',
      );
      await writeAudit(this.ctx, [{ action: AuditAction.ReportDueDaySet, regionCode: region.code, detail: { kind, day } }], em);
    });
    return { regionCode: region.code, kind, day, setOn: region.code };
  }

  /** The due day of each reported kind in force for a region (default: yours), and where it is set. One statement. */
  async dueDaysOf(regionCode: string | null | undefined): Promise<ReportDueDayType[]> {
    const actor = requireScope(this.ctx, Scope.ReportSchedule);
    const region = await this.regionIn(actor, regionCode ?? actor.regionCode);
    const kinds = [...SUBMITTABLE] as (keyof typeof DEFAULT_DUE_DAY)[];
    const rows = await this.ctx.em.execute<{ kind: keyof typeof DEFAULT_DUE_DAY; day: number | null; set_on: string | null }[]>(
      `select k.kind, d.day, d.region_code as set_on
         from unnest(?::text[]) as k(kind)
         left join lateral (select d.day, d.region_code from report_due_day d
                             where starts_with(?, d.region_code) and d.kind = k.kind
                             order by length(d.region_code) desc limit 1) d on true`,
      [pgArray(kinds), region.code],
    );
    const byKind = new Map(rows.map((r) => [r.kind, r]));
    return kinds.map((kind) => {
      const set = byKind.get(kind);
      return { regionCode: region.code, kind: kind as PeriodKind, day: set?.day ?? DEFAULT_DUE_DAY[kind], setOn: set?.set_on ?? null };
    });
  }

  /** Why a decision changed nothing: no such version (NOT_FOUND), or it is decided or superseded (CONFLICT). */
  private async staleDecision(em: EntityManager, region: Region, period: SubmissionPeriod, version: number): Promise<never> {
    const [row] = await em.execute<{ status: ReportSubmissionStatus; latest: number }[]>(
      `select status, (select max(version) from report_submission where region_code = s.region_code and period = s.period) as latest
         from report_submission s where region_code = ? and period = ? and version = ?`,
      [region.code, period.label, version],
    );
    if (!row) throw notFound('报送版本', 'submitted version');
    const what = row.status === ReportSubmissionStatus.APPROVED ? '已通过' : '已退回';
    throw conflict(
      `${region.name} ${period.label} 的第 ${version} 版${what}（最新为第 ${row.latest} 版），请刷新后再审核`,
      `Version ${version} of ${region.code} ${period.label} is already ${row.status === ReportSubmissionStatus.APPROVED ? 'approved' : 'returned'} (latest: version ${row.latest}): reload and decide again`,
      { version, status: row.status, latest: row.latest },
    );
  }

  private requireAnyScope(): Actor {
    const actor = requireActor(this.ctx);
    if (!actor.scopes.has(Scope.ReportSubmit)) return requireScope(this.ctx, Scope.ReportApprove);
    return actor;
  }

  /** A region inside the caller's subtree; outside it answers as a missing one (NOT_FOUND). */
  private async regionIn(actor: Actor, code: string): Promise<Region> {
    const trimmed = code.trim();
    const region = trimmed.startsWith(actor.regionCode) ? await this.ctx.em.findOne(Region, { code: trimmed }) : null;
    if (!region) throw notFound('行政区划', 'region');
    return region;
  }

  private async auditRead(regionCode: string, period: string): Promise<void> {
    await writeReadAudit(this.ctx, [{ action: AuditAction.ReportSubmissionsRead, regionCode, detail: { period } }]);
  }

  /** The states of some regions for one period: two statements (due days, versions) whatever their number. */
  private async states(regions: readonly Region[], period: SubmissionPeriod): Promise<ReportSubmissionStateType[]> {
    if (regions.length === 0) return [];
    const codes = regions.map((r) => r.code);
    const days = await dueDays(this.ctx.em, codes, period.kind as PeriodKind);
    const rows = await this.ctx.em.execute<VersionRow[]>(
      `select s.region_code, s.version, s.status, s.submitted_late, s.figures, to_char(s.as_of, 'YYYY-MM-DD') as as_of, s.submitted_by,
              su.display_name as submitted_by_name, s.submitted_at, du.display_name as decided_by_name, s.decided_at, s.reason
         from report_submission s join app_user su on su.id = s.submitted_by left join app_user du on du.id = s.decided_by
        where s.period = ? and s.region_code = any(?::text[]) order by s.region_code, s.version desc`,
      [period.label, pgArray(codes)],
    );
    const byRegion = new Map<string, ReportSubmissionVersionType[]>();
    for (const r of rows) {
      const list = byRegion.get(r.region_code) ?? [];
      list.push({
        version: r.version,
        status: r.status,
        submittedBy: r.submitted_by_name,
        submittedAt: toDate(r.submitted_at),
        submittedLate: r.submitted_late,
        decidedBy: r.decided_by_name,
        decidedAt: r.decided_at ? toDate(r.decided_at) : null,
        reason: r.reason,
        asOf: typeof r.as_of === 'string' ? r.as_of : chinaDate(r.as_of),
        figures: typeof r.figures === 'string' ? (JSON.parse(r.figures) as ReportFiguresType) : r.figures,
      });
      byRegion.set(r.region_code, list);
    }
    const day = today(this.ctx);
    return regions.map((region) => {
      const versions = byRegion.get(region.code) ?? [];
      const latest = versions[0];
      const dueOn = dueDate(period, days.get(region.code)!);
      const status = latest?.status ?? ReportSubmissionStatus.NOT_SUBMITTED;
      const open = status === ReportSubmissionStatus.NOT_SUBMITTED || status === ReportSubmissionStatus.RETURNED;
      return {
        region,
        period: period.label,
        kind: period.kind as PeriodKind,
        from: period.from,
        to: period.to,
        dueOn,
        status,
        late: (open && day > dueOn) || (latest?.submittedLate ?? false),
        version: latest?.version ?? null,
        submittedBy: latest?.submittedBy ?? null,
        submittedAt: latest?.submittedAt ?? null,
        decidedBy: latest?.decidedBy ?? null,
        decidedAt: latest?.decidedAt ?? null,
        reason: latest?.reason ?? null,
        versions,
      };
    });
  }

  /** The children's states of a report's region and period (the report's `childSubmissions`); none for a week. */
  async forReport(region: Region, periodLabel: string): Promise<ReportSubmissionStateType[]> {
    const actor = requireActor(this.ctx);
    if (!actor.scopes.has(Scope.ReportSubmit) && !actor.scopes.has(Scope.ReportApprove)) return [];
    const parsed = parsePeriod(periodLabel);
    if (parsed.kind === 'WEEK' || parsed.kind === 'HALF_YEAR') return []; // not reported upward (SUBMITTABLE)
    const children = await this.ctx.em.find(Region, { parentCode: region.code }, { orderBy: { code: 'asc' } });
    return this.states(children, { ...parsed, kind: parsed.kind });
  }
}
