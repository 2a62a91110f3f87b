import { pgArray, toDate } from '../../shared/sql.js';
import { Scope } from '@tanfang/schema';
import { requireScope, type RequestContext } from '../../graphql/context.js';
import { badInput, conflict, notFound } from '../../graphql/errors.js';
import { decodeOffset, encodeCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { isUuid } from '../../shared/ids.js';
import { elderIdsMatching } from '../audit/audit-query.service.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { RegionService } from '../regions/region.service.js';
import { raiseAlerts } from './alerts.write.js';
import { queueWebhookEvent } from '../webhooks/webhooks.delivery.js';
import { AGENCY_OF_REFERRAL } from '../agencies/agency-kinds.js';
import type { AlertEventType, AlertFilter, AlertSeverity, AlertStatus, AlertType, RaiseAlertInput, Referral, ReferralResponse, ReferralState } from './alerts.types.js';
import { inSubtree } from '../../shared/jurisdiction.js';

/**
 * Escalation, derived from the clock (never stored, so no job can forget it): every acknowledgement deadline that
 * passes unacknowledged moves the alert one level up, village (12 digits) → town (9) → county (6). Once acknowledged,
 * it stays where it was. `?` is "now". Never below 0: an instance whose clock is a moment behind the one that raised
 * the alert must not see a negative level (which the queue expression would send to the county).
 * The region is the elder's village now (`elder_region`), not the one stored when the alert was raised: an elder who
 * moves takes their alerts to the new village, town and county, and the old ones stop seeing them ("alerts of elders
 * in your jurisdiction").
 */
export const ALERT_DERIVED_SQL = `
  with d as (select a.*, e.region_code as elder_region,
                    case a.severity when 'URGENT' then interval '2 hours' else interval '3 days' end as deadline
               from alert a join elder e on e.id = a.elder_id)
  select d.*, greatest(0, least(2, floor(extract(epoch from (coalesce(d.acknowledged_at, ?::timestamptz) - d.raised_at))
                                      / extract(epoch from d.deadline))))::int as level
    from d`;

export const ALERT_COLUMNS = `x.id, x.elder_id, x.elder_region as region_code, x.visit_id, x.rule_code, x.title, x.detail, x.severity, x.status, x.raised_at,
  x.acknowledged_at, x.referred_to, x.resolved_at, x.resolution, x.version, x.level, r.suggested_referral,
  r.title as rule_title, r.title_en as rule_title_en, ru.display_name as raised_by_name,
  case x.level when 0 then x.elder_region when 1 then left(x.elder_region, 9) else left(x.elder_region, 6) end as queue,
  case when x.acknowledged_at is null and x.status <> 'RESOLVED' then x.raised_at + (x.level + 1) * x.deadline end as acknowledge_by,
  x.referred_at, x.referral_state, x.referral_responded_at, x.referral_answer, to_char(x.referral_outcome_on, 'YYYY-MM-DD') as referral_outcome_on,
  floor(extract(epoch from (x.referral_responded_at - x.referred_at)) / 60)::int as referral_response_minutes,
  floor(extract(epoch from (x.referral_outcome_at - x.referred_at)) / 60)::int as referral_outcome_minutes`;

/** The derived alerts with their rule (in words) and raiser (by name): every read of alerts starts here. */
export const ALERT_FROM = `(${ALERT_DERIVED_SQL}) x left join alert_rule r on r.code = x.rule_code left join app_user ru on ru.id = x.raised_by`;

/**
 * The queue's order (ALERT_ORDER in alerts.types.ts says it in words). The first deadline is counted from the raise,
 * not the current level's: an escalated alert's next deadline lies further ahead, yet it is the most overdue.
 */
const ALERT_ORDER_SQL = `case x.severity when 'URGENT' then 0 else 1 end,
  case when x.status in ('OPEN', 'ACKNOWLEDGED') then 0 else 1 end,
  x.raised_at + x.deadline, x.id`;

export interface AlertRow {
  id: string;
  elder_id: string;
  region_code: string;
  visit_id: string | null;
  rule_code: string | null;
  title: string;
  detail: string | null;
  severity: string;
  status: string;
  raised_at: Date;
  acknowledged_at: Date | null;
  referred_to: string | null;
  resolved_at: Date | null;
  resolution: string | null;
  version: number;
  level: number;
  suggested_referral: string | null;
  rule_title: string | null;
  rule_title_en: string | null;
  raised_by_name: string | null;
  queue: string;
  acknowledge_by: Date | null;
  referred_at: Date | null;
  referral_state: string | null;
  referral_responded_at: Date | null;
  referral_answer: string | null;
  referral_outcome_on: string | null;
  referral_response_minutes: number | null;
  referral_outcome_minutes: number | null;
}

const TRANSITIONS: Record<'ACKNOWLEDGED' | 'REFERRED' | 'RESOLVED', string[]> = {
  ACKNOWLEDGED: ['OPEN'],
  REFERRED: ['OPEN', 'ACKNOWLEDGED', 'REFERRED'],
  RESOLVED: ['OPEN', 'ACKNOWLEDGED', 'REFERRED'],
};

const STATUS_ZH: Record<string, string> = { OPEN: '待处理', ACKNOWLEDGED: '已确认', REFERRED: '已转介', RESOLVED: '已办结' };

export class AlertsService {
  constructor(private readonly ctx: RequestContext) {}

  /** Alerts of a region subtree, in the queue's order (ALERT_ORDER). */
  async list(filter: AlertFilter | null, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<AlertType>> {
    const actor = requireScope(this.ctx, Scope.AlertRead);
    const size = pageSize(first);
    const regions = new RegionService(this.ctx);
    const region = filter?.regionCode ? (await regions.requireRegionInJurisdiction(actor, filter.regionCode)).code : actor.regionCode;
    const where = [inSubtree('x.elder_region')];
    const params: unknown[] = [this.ctx.now(), region];
    const statuses = filter?.status?.length ? filter.status : ['OPEN', 'ACKNOWLEDGED', 'REFERRED'];
    where.push('x.status = any(?::text[])');
    params.push(pgArray(statuses));
    if (filter?.severity) {
      where.push('x.severity = ?');
      params.push(filter.severity);
    }
    if (filter?.elderId) {
      if (!isUuid(filter.elderId)) return toConnection([], () => '', false, false, 0);
      where.push('x.elder_id = ?');
      params.push(filter.elderId);
    }
    if (filter?.elder !== null && filter?.elder !== undefined) {
      const ids = await elderIdsMatching(this.ctx.em, filter.elder, region);
      if (ids.length === 0) return toConnection([], () => '', false, false, 0);
      where.push('x.elder_id = any(?::uuid[])');
      params.push(pgArray(ids));
    }
    if (filter?.escalated) where.push('x.level > 0');
    if (filter?.queueRegionCode) {
      // A queue above the caller's own level is not theirs to see in full; inside it, any level is.
      const queue = (await regions.requireRegionInJurisdiction(actor, filter.queueRegionCode, 'queueRegionCode')).code;
      where.push(`(case x.level when 0 then x.elder_region when 1 then left(x.elder_region, 9) else left(x.elder_region, 6) end) = ?`);
      params.push(queue);
    }
    const start = decodeOffset(after);
    const rows = await this.ctx.em.execute<(AlertRow & { total: string })[]>(
      `select ${ALERT_COLUMNS}, count(*) over () as total
         from ${ALERT_FROM}
        where ${where.join(' and ')}
        order by ${ALERT_ORDER_SQL}
        limit ? offset ?`,
      [...params, size + 1, start],
    );
    const nodes = await this.withEvents(rows.slice(0, size));
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, Number(rows[0]?.total ?? 0));
  }

  async raise(input: RaiseAlertInput): Promise<AlertType> {
    const actor = requireScope(this.ctx, Scope.AlertHandle);
    const title = input.title.trim();
    if (title.length < 2 || title.length > 100) throw badInput('请填写预警标题（2至100字）', 'Give a title (2-100 characters)', 'title');
    const detail = input.detail?.trim() || null;
    if (detail && detail.length > 1000) throw badInput('情况说明最多1000字', 'detail: at most 1000 characters', 'detail');
    const [elder] = isUuid(input.elderId)
      ? await this.ctx.em.execute<{ id: string; county_code: string; region_code: string }[]>(
          `select id, county_code, region_code from elder where id = ? and ${inSubtree('region_code')}`,
          [input.elderId, actor.regionCode],
        )
      : [];
    if (!elder) throw notFound('老年人档案', 'elder');
    const id = await this.ctx.em.transactional(async (em) => {
      const [row] = await raiseAlerts(
        em,
        [{ elderId: elder.id, countyCode: elder.county_code, regionCode: elder.region_code, title, detail, severity: input.severity, repeat: true }],
        { at: this.ctx.now(), actorId: actor.userId, note: detail },
      );
      await writeAudit(this.ctx, [{ action: AuditAction.AlertRaise, elderId: elder.id, regionCode: elder.region_code, detail: { alertId: row!.id, title, severity: input.severity } }], em);
      return row!.id;
    });
    return this.one(id);
  }

  acknowledge(id: string, version: number, note: string | null): Promise<AlertType> {
    return this.move(id, version, 'ACKNOWLEDGED', { note });
  }

  refer(id: string, version: number, to: Referral, note: string | null): Promise<AlertType> {
    return this.move(id, version, 'REFERRED', { note, referredTo: to });
  }

  resolve(id: string, version: number, resolution: string): Promise<AlertType> {
    // The permission first: a caller without it learns nothing from validation (FORBIDDEN, like the other moves).
    requireScope(this.ctx, Scope.AlertHandle);
    const text = resolution.trim();
    if (text.length < 2 || text.length > 1000) throw badInput('请填写办结情况（2至1000字）', 'Describe how it was resolved (2-1000 characters)', 'resolution');
    return this.move(id, version, 'RESOLVED', { note: text });
  }

  /**
   * One step forward (open > acknowledged > referred > resolved; a later step may skip an earlier one, which then
   * counts as done). The version guards against two people handling one alert at once.
   */
  private async move(id: string, version: number, to: 'ACKNOWLEDGED' | 'REFERRED' | 'RESOLVED', opts: { note: string | null; referredTo?: Referral }): Promise<AlertType> {
    const actor = requireScope(this.ctx, Scope.AlertHandle);
    const note = opts.note?.trim() || null;
    if (note && note.length > 1000) throw badInput('备注最多1000字', 'note: at most 1000 characters', 'note');
    const current = await this.find(id, actor.regionCode);
    if (current.version !== version) {
      throw conflict('该预警已被他人处理，请刷新后再操作', 'Someone else changed this alert: reload it and try again', { currentVersion: current.version, status: current.status });
    }
    if (!TRANSITIONS[to].includes(current.status)) {
      throw conflict(`该预警当前为“${STATUS_ZH[current.status]}”，不能改为“${STATUS_ZH[to]}”`, `The alert is ${current.status}; it cannot become ${to}`, { status: current.status });
    }
    const now = this.ctx.now();
    await this.ctx.em.transactional(async (em) => {
      const updated = await em.execute<{ id: string }[]>(
        `update alert set status = ?, version = version + 1,
                acknowledged_at = coalesce(acknowledged_at, ?), acknowledged_by = coalesce(acknowledged_by, ?),
                referred_to = coalesce(?, referred_to), referred_at = case when ? = 'REFERRED' then ? else referred_at end,
                referred_by = case when ? = 'REFERRED' then ? else referred_by end,
                -- A (new) referral waits for the answer of the agency it goes to; an earlier answer was to another one.
                referral_state = case when ? = 'REFERRED' then 'PENDING' else referral_state end,
                referral_responded_at = case when ? = 'REFERRED' then null else referral_responded_at end,
                referral_outcome_at = case when ? = 'REFERRED' then null else referral_outcome_at end,
                referral_outcome_on = case when ? = 'REFERRED' then null else referral_outcome_on end,
                referral_answer = case when ? = 'REFERRED' then null else referral_answer end,
                resolved_at = case when ? = 'RESOLVED' then ? else resolved_at end,
                resolved_by = case when ? = 'RESOLVED' then ? else resolved_by end,
                resolution = case when ? = 'RESOLVED' then ? else resolution end
          where id = ? and version = ? returning id`,
        [to, now, actor.userId, opts.referredTo ?? null, to, now, to, actor.userId, to, to, to, to, to, to, now, to, actor.userId, to, note, id, version],
      );
      if (updated.length === 0) throw conflict('该预警已被他人处理，请刷新后再操作', 'Someone else changed this alert: reload it and try again');
      await em.execute(
        `insert into alert_event (alert_id, at, actor_id, status, note, referred_to) values (?, ?, ?, ?, ?, ?)`,
        [id, now, actor.userId, to, note, opts.referredTo ?? null],
        'run',
      );
      const action = to === 'ACKNOWLEDGED' ? AuditAction.AlertAcknowledge : to === 'REFERRED' ? AuditAction.AlertRefer : AuditAction.AlertResolve;
      await writeAudit(this.ctx, [{ action, elderId: current.elderId, regionCode: current.regionCode, detail: { alertId: id, referredTo: opts.referredTo ?? null, note } }], em);
      // The agency it was referred to hears of it at once (ids only; it reads the alert with its own key). The
      // version names the referral: a re-referral to the same agency is a new event, a retried request is not.
      if (to === 'REFERRED' && opts.referredTo) {
        // Subscriptions belong to agencies: the referral target names the kind that receives it (SOCIAL_WORKER → SOCIAL_WORK).
        await queueWebhookEvent(em, 'ALERT_REFERRED', { regionCode: current.regionCode, agencyKind: AGENCY_OF_REFERRAL[opts.referredTo] },
          { alertId: id, referredTo: opts.referredTo, regionCode: current.regionCode }, `alert:${id}:referred:${version + 1}`, now);
      }
    });
    return this.one(id);
  }

  private async find(id: string, regionCode: string): Promise<AlertType> {
    const [row] = isUuid(id)
      ? await this.ctx.em.execute<AlertRow[]>(
          `select ${ALERT_COLUMNS} from ${ALERT_FROM}
            where x.id = ? and ${inSubtree('x.elder_region')}`,
          [this.ctx.now(), id, regionCode],
        )
      : [];
    if (!row) throw notFound('预警', 'alert');
    return (await this.withEvents([row]))[0]!;
  }

  private async one(id: string): Promise<AlertType> {
    return this.find(id, requireScope(this.ctx, Scope.AlertRead).regionCode);
  }

  private async withEvents(rows: AlertRow[]): Promise<AlertType[]> {
    if (rows.length === 0) return [];
    return alertsWithEvents(this.ctx.em, rows);
  }
}

/**
 * The alerts' rows with their timelines (one statement for any number of alerts). An agency's system answers as its
 * API key: the step names the key (by its name) when no person made it, and the agency by name.
 */
export async function alertsWithEvents(em: RequestContext['em'], rows: AlertRow[]): Promise<AlertType[]> {
  if (rows.length === 0) return [];
  const events = await em.execute<{
    alert_id: string; at: Date; status: string; note: string | null; referred_to: string | null; username: string | null; display_name: string | null;
    response: string | null; outcome_on: string | null; agency_name: string | null;
  }[]>(
    `select e.alert_id, e.at, e.status, e.note, e.referred_to, coalesce(u.username, 'api:' || c.name) as username,
            coalesce(u.display_name, c.name) as display_name, e.response, to_char(e.outcome_on, 'YYYY-MM-DD') as outcome_on, ag.name as agency_name
       from alert_event e left join app_user u on u.id = e.actor_id
       left join api_client c on u.id is null and c.id = e.actor_id
       left join agency ag on ag.id = e.agency_id
      where e.alert_id = any(?::uuid[]) order by e.id`,
    [pgArray(rows.map((r) => r.id))],
  );
  return rows.map((r) => ({
    id: r.id,
    elderId: r.elder_id,
    regionCode: r.region_code,
    visitId: r.visit_id,
    ruleCode: r.rule_code,
    ruleTitle: r.rule_title,
    ruleTitleEn: r.rule_title_en,
    raisedByName: r.raised_by_name,
    title: r.title,
    detail: r.detail,
    severity: r.severity as AlertSeverity,
    status: r.status as AlertStatus,
    raisedAt: toDate(r.raised_at),
    acknowledgeBy: toDate(r.acknowledge_by),
    acknowledgedAt: toDate(r.acknowledged_at),
    referredTo: r.referred_to as Referral | null,
    suggestedReferral: r.suggested_referral as Referral | null,
    resolvedAt: toDate(r.resolved_at),
    resolution: r.resolution,
    escalationLevel: r.level,
    queueRegionCode: r.queue,
    version: r.version,
    events: events
      .filter((e) => e.alert_id === r.id)
      .map((e): AlertEventType => ({
        at: toDate(e.at), status: e.status as AlertStatus, note: e.note, referredTo: e.referred_to as Referral | null, actor: e.username, actorName: e.display_name,
        response: e.response as ReferralResponse | null, outcomeOn: e.outcome_on, agencyName: e.agency_name,
      })),
    referredAt: toDate(r.referred_at),
    referralState: r.referral_state as ReferralState | null,
    referralRespondedAt: toDate(r.referral_responded_at),
    referralResponseMinutes: r.referral_response_minutes,
    referralOutcomeMinutes: r.referral_outcome_minutes,
    referralOutcomeOn: r.referral_outcome_on,
    referralAnswer: r.referral_answer,
  }));
}
