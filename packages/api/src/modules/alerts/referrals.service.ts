import { Scope, type ScopeName } from '@tanfang/schema';
import { chinaDate, requireScope, today, type RequestContext } from '../../graphql/context.js';
import { conflict, FieldErrors, forbidden, notFound } from '../../graphql/errors.js';
import { isUuid } from '../../shared/ids.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { toDate } from '../../shared/sql.js';
import { AGENCY_OF_ROLE, referralOfAgency, type ReferralTarget } from '../agencies/agency-kinds.js';
import type { ReferredAlertType } from '../agencies/agency-views.types.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import type { AlertSeverity, AlertStatus, Referral, ReferralResponse, ReferralState } from './alerts.types.js';

/** The agency an alert can be referred to, as the caller acts for it. */
export interface ReferralAgency {
  id: string;
  kind: string;
  regionCode: string;
  /** The `Referral` value it answers. */
  referral: ReferralTarget;
}

/**
 * The caller's agency, for reading and answering referrals: partners and service organisations alike. A user or key
 * without an agency, or whose agency is not of its role's kind, is FORBIDDEN (their administrator must fix it).
 */
export async function requireReferralAgency(ctx: RequestContext, scope: ScopeName): Promise<{ actor: Actor; agency: ReferralAgency }> {
  const actor = requireScope(ctx, scope);
  const kind = AGENCY_OF_ROLE[actor.role];
  const referral = kind ? referralOfAgency(kind) : null;
  if (!kind || !referral) throw forbidden('仅接收转介的部门或机构可使用此功能', 'Only agencies that receive referrals can do this');
  if (!actor.agencyId || !isUuid(actor.agencyId)) {
    throw forbidden('您的账号未关联部门或机构，请联系民政部门管理员', 'Your account is not linked to an agency: ask a civil-affairs administrator');
  }
  const [row] = await ctx.em.execute<{ id: string; kind: string; region_code: string }[]>(`select id, kind, region_code from agency where id = ?`, [actor.agencyId]);
  if (!row || row.kind !== kind) {
    throw forbidden('您的账号所属部门与角色不符，请联系民政部门管理员', "Your account's agency does not match its role: ask a civil-affairs administrator");
  }
  return { actor, agency: { id: row.id, kind, regionCode: row.region_code, referral } };
}

/**
 * What an agency sees of an alert referred to it (`referredAlerts`, the answer of `respondToReferral`): what it needs
 * to act, not the archive. `a` is the alert, `e` its elder, `r` the elder's village.
 */
export const REFERRED_COLUMNS = `a.id, a.elder_id, a.title, a.detail, a.severity, a.status, a.raised_at, a.referred_at, a.referred_to, a.version,
  a.referral_state, a.referral_responded_at, a.referral_answer, to_char(a.referral_outcome_on, 'YYYY-MM-DD') as referral_outcome_on,
  floor(extract(epoch from (a.referral_responded_at - a.referred_at)) / 60)::int as referral_response_minutes,
  floor(extract(epoch from (a.referral_outcome_at - a.referred_at)) / 60)::int as referral_outcome_minutes,
  e.name as elder_name, r.code as village_code, r.name as village_name, r.full_name as village_full_name`;

/** Alerts referred to the agency (the `?`s: its referral value, its region, the caller's region). */
export const REFERRED_FROM = `alert a join elder e on e.id = a.elder_id join region r on r.code = e.region_code`;
export const REFERRED_WHERE = `a.referred_to = ? and ${inSubtree('e.region_code')} and ${inSubtree('e.region_code')}`;

export interface ReferredRow {
  id: string;
  elder_id: string;
  title: string;
  detail: string | null;
  severity: string;
  status: string;
  raised_at: Date | string;
  referred_at: Date | string | null;
  referred_to: string;
  version: number;
  referral_state: string | null;
  referral_responded_at: Date | string | null;
  referral_answer: string | null;
  referral_outcome_on: string | null;
  referral_response_minutes: number | null;
  referral_outcome_minutes: number | null;
  elder_name: string;
  village_code: string;
  village_name: string;
  village_full_name: string;
}

export function toReferredAlert(r: ReferredRow): ReferredAlertType {
  return {
    id: r.id,
    elderId: r.elder_id,
    title: r.title,
    detail: r.detail,
    severity: r.severity as AlertSeverity,
    status: r.status as AlertStatus,
    raisedAt: toDate(r.raised_at),
    referredAt: toDate(r.referred_at),
    referredTo: r.referred_to as Referral,
    version: r.version,
    referralState: r.referral_state as ReferralState | null,
    referralRespondedAt: toDate(r.referral_responded_at),
    referralResponseMinutes: r.referral_response_minutes,
    referralOutcomeMinutes: r.referral_outcome_minutes,
    referralOutcomeOn: r.referral_outcome_on,
    referralAnswer: r.referral_answer,
    elderName: r.elder_name,
    village: { code: r.village_code, name: r.village_name, fullName: r.village_full_name },
  };
}

/** Which answers each state of a referral takes: one acceptance, then a decline or the outcome, and nothing after. */
const ANSWERABLE: Record<ReferralResponse, string[]> = {
  ACCEPT: ['PENDING'],
  DECLINE: ['PENDING', 'ACCEPTED'],
  OUTCOME: ['PENDING', 'ACCEPTED'],
};

const STATE_ZH: Record<string, string> = { PENDING: '待接收', ACCEPTED: '已接收', DECLINED: '已拒绝', OUTCOME: '已反馈处置结果' };
const RESPONSE_ZH: Record<ReferralResponse, string> = { ACCEPT: '接收', DECLINE: '拒绝', OUTCOME: '反馈处置结果' };

export interface ReferralAnswer {
  response: ReferralResponse;
  note: string | null;
  outcomeDate: string | null;
}

/**
 * The referral loop: the agency an alert is referred to answers it. Accepting keeps the alert with the agency;
 * declining (with the reason) hands it back to the town (status ACKNOWLEDGED, in the town's queue again, to refer
 * elsewhere or handle); an outcome (what was done and the day) leaves the town to resolve it. Each answer is a step of
 * the alert's timeline and an audit row, and moves the version like every other change of an alert.
 */
export class ReferralsService {
  constructor(private readonly ctx: RequestContext) {}

  async respond(alertId: string, version: number, answer: ReferralAnswer): Promise<ReferredAlertType> {
    const { actor, agency } = await requireReferralAgency(this.ctx, Scope.AlertRespondReferred);
    const errors = new FieldErrors();
    const note = answer.note?.trim() || null;
    if (note && note.length > 1000) errors.add('note', '说明最多1000字', 'note: at most 1000 characters');
    if (answer.response === 'DECLINE' && (!note || note.length < 2)) {
      errors.add('note', '拒绝转介须写明原因（至少2字），以便乡镇（街道）另行安排', 'Give the reason for declining (at least 2 characters) so the town can arrange otherwise');
    }
    if (answer.response === 'OUTCOME') {
      if (!note || note.length < 2) errors.add('note', '请填写处置结果（至少2字）', 'Describe the outcome (at least 2 characters)');
      if (!answer.outcomeDate) errors.add('outcomeDate', '请填写处置日期', 'Give the date it was dealt with');
      else if (answer.outcomeDate > today(this.ctx)) errors.add('outcomeDate', '处置日期不能晚于今天', 'The outcome date cannot be in the future');
    } else if (answer.outcomeDate) {
      errors.add('outcomeDate', '只有反馈处置结果时才填写处置日期', 'Only an outcome has a date');
    }
    errors.throwIfAny();

    // Not referred to this agency (or outside its region, or the caller's) is NOT_FOUND, like a missing alert.
    const [current] = isUuid(alertId)
      ? await this.ctx.em.execute<{ id: string; elder_id: string; region_code: string; status: string; version: number; referral_state: string | null; referred_at: Date | string | null }[]>(
          `select a.id, a.elder_id, e.region_code, a.status, a.version, a.referral_state, a.referred_at
             from ${REFERRED_FROM} where a.id = ? and ${REFERRED_WHERE}`,
          [alertId, agency.referral, agency.regionCode, actor.regionCode],
        )
      : [];
    if (!current) throw notFound('转介给本机构的预警', 'alert referred to your agency');
    if (current.version !== version) {
      throw conflict('该预警已有变化（可能已被乡镇（街道）改派或办结），请刷新后再答复', 'The alert changed meanwhile: reload it and answer again', {
        currentVersion: current.version,
        status: current.status,
        referralState: current.referral_state,
      });
    }
    const state = current.status === 'REFERRED' ? current.referral_state ?? 'PENDING' : null;
    if (!state || !ANSWERABLE[answer.response].includes(state)) {
      const now = state ? STATE_ZH[state] : current.status === 'RESOLVED' ? '已办结' : STATE_ZH[current.referral_state ?? ''] ?? '已退回乡镇（街道）';
      throw conflict(`该转介当前为“${now}”，不能再“${RESPONSE_ZH[answer.response]}”`, `The referral is ${state ?? current.status}; it cannot take ${answer.response}`, {
        status: current.status,
        referralState: current.referral_state,
      });
    }
    const referredOn = current.referred_at ? chinaDate(toDate(current.referred_at)!) : null;
    if (answer.response === 'OUTCOME' && referredOn && answer.outcomeDate! < referredOn) {
      errors.add('outcomeDate', `处置日期不能早于转介日期（${referredOn}）`, `The outcome date cannot be before the referral (${referredOn})`);
      errors.throwIfAny();
    }

    const now = this.ctx.now();
    const nextState = answer.response === 'ACCEPT' ? 'ACCEPTED' : answer.response === 'DECLINE' ? 'DECLINED' : 'OUTCOME';
    // A decline hands the alert back to the town: acknowledged (it was), no longer in another's hands.
    const nextStatus = answer.response === 'DECLINE' ? 'ACKNOWLEDGED' : 'REFERRED';
    await this.ctx.em.transactional(async (em) => {
      const updated = await em.execute<{ id: string }[]>(
        `update alert set status = ?, version = version + 1, referral_state = ?,
                -- The response time is to the first answer: an outcome without an acceptance answers both.
                referral_responded_at = coalesce(referral_responded_at, ?),
                referral_outcome_at = case when ? = 'OUTCOME' then ? else referral_outcome_at end,
                referral_outcome_on = case when ? = 'OUTCOME' then ?::date else referral_outcome_on end,
                referral_answer = case when ? = 'ACCEPT' then referral_answer else ? end
          where id = ? and version = ? returning id`,
        [nextStatus, nextState, now, nextState, now, nextState, answer.outcomeDate, answer.response, note, current.id, version],
      );
      if (updated.length === 0) throw conflict('该预警已有变化，请刷新后再答复', 'The alert changed meanwhile: reload it and answer again');
      await em.execute(
        `insert into alert_event (alert_id, at, actor_id, status, note, referred_to, response, outcome_on, agency_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [current.id, now, actor.userId, nextStatus, note, agency.referral, answer.response, answer.outcomeDate, agency.id],
        'run',
      );
      await writeAudit(
        this.ctx,
        [{
          action: AuditAction.ReferralRespond,
          elderId: current.elder_id,
          regionCode: current.region_code,
          detail: { alertId: current.id, agencyId: agency.id, response: answer.response, note, outcomeDate: answer.outcomeDate },
        }],
        em,
      );
    });
    const [row] = await this.ctx.em.execute<ReferredRow[]>(
      `select ${REFERRED_COLUMNS} from ${REFERRED_FROM} where a.id = ? and ${REFERRED_WHERE}`,
      [current.id, agency.referral, agency.regionCode, actor.regionCode],
    );
    return toReferredAlert(row!);
  }
}
