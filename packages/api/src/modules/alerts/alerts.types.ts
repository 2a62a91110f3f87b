import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';

export enum AlertSeverity {
  URGENT = 'URGENT',
  NORMAL = 'NORMAL',
}
registerEnumType(AlertSeverity, {
  name: 'AlertSeverity',
  description: 'How soon an alert must be acknowledged before it escalates one region level up: URGENT within 2 hours, NORMAL within 3 days.',
  valuesConfig: labelled(AlertSeverity, {
    URGENT: '紧急（危及生命财产安全）：2小时内确认',
    NORMAL: '一般风险隐患：3天内确认',
  }),
});

export enum AlertStatus {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  REFERRED = 'REFERRED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertStatus, {
  name: 'AlertStatus',
  description: 'Where an alert stands: OPEN > ACKNOWLEDGED > REFERRED > RESOLVED (a later step may skip an earlier one, which then counts as done).',
  valuesConfig: labelled(AlertStatus, { OPEN: '待处理', ACKNOWLEDGED: '已确认', REFERRED: '已转介', RESOLVED: '已办结' }),
});

export enum Referral {
  SOCIAL_WORKER = 'SOCIAL_WORKER',
  COUNSELLOR = 'COUNSELLOR',
  HEALTH = 'HEALTH',
  HOUSING = 'HOUSING',
  POLICE = 'POLICE',
  LEGAL_AID = 'LEGAL_AID',
  DISABILITY = 'DISABILITY',
}
registerEnumType(Referral, {
  name: 'Referral',
  description: 'Where an alert is referred (转介). Each target is answered by the agencies of one kind (AgencyKind) whose region holds the elder.',
  valuesConfig: labelled(Referral, {
    SOCIAL_WORKER: '社会工作者（社会工作服务机构 SOCIAL_WORK 接收）',
    COUNSELLOR: '心理咨询师（心理服务机构 COUNSELLING 接收）',
    HEALTH: '卫生健康部门',
    HOUSING: '住房城乡建设部门',
    POLICE: '公安派出所',
    LEGAL_AID: '司法所（法律援助 LEGAL_AID 接收）',
    DISABILITY: '残联',
  }),
});

export enum ReferralState {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  OUTCOME = 'OUTCOME',
}
registerEnumType(ReferralState, {
  name: 'ReferralState',
  description: "Where the alert's latest referral stands with the agency it was referred to.",
  valuesConfig: labelled(ReferralState, {
    PENDING: '待接收（已转介，对方尚未答复）',
    ACCEPTED: '已接收（对方正在处置）',
    DECLINED: '已拒绝（退回乡镇（街道）处理，见原因）',
    OUTCOME: '已反馈处置结果（待乡镇（街道）办结）',
  }),
});

export enum ReferralResponse {
  ACCEPT = 'ACCEPT',
  DECLINE = 'DECLINE',
  OUTCOME = 'OUTCOME',
}
registerEnumType(ReferralResponse, {
  name: 'ReferralResponse',
  description: 'An answer of the agency an alert is referred to.',
  valuesConfig: labelled(ReferralResponse, {
    ACCEPT: '接收：本机构负责处置',
    DECLINE: '拒绝（须写明原因）：预警退回乡镇（街道）',
    OUTCOME: '反馈处置结果（须写明结果和处置日期）',
  }),
});

@ObjectType('AlertEvent', { description: 'One step of an alert: who moved it to which status, with a note.' })
export class AlertEventType {
  @Field(() => GraphQLDateTimeISO, { description: 'When the step was made.' })
  at!: Date;

  @Field(() => AlertStatus, { description: 'The alert\'s status after this step.' })
  status!: AlertStatus;

  @Field(() => String, { nullable: true, description: 'What the person wrote with the step (at most 1000 characters); null if nothing.' })
  note!: string | null;

  @Field(() => Referral, { nullable: true, description: 'With a REFERRED step: where it was referred.' })
  referredTo!: Referral | null;

  @Field(() => String, { nullable: true, description: 'Username of who made the step.' })
  actor!: string | null;

  @Field(() => String, { nullable: true, description: 'Display name of who made the step (what people read; `actor` is the login).' })
  actorName!: string | null;

  @Field(() => ReferralResponse, { nullable: true, description: 'An answer of the agency the alert was referred to (the note holds the reason or the outcome).' })
  response!: ReferralResponse | null;

  @Field(() => LocalDate, { nullable: true, description: 'With an OUTCOME answer: the day it was dealt with.' })
  outcomeOn!: string | null;

  @Field(() => String, { nullable: true, description: 'With an answer: the agency that gave it, by name.' })
  agencyName!: string | null;
}

@ObjectType('Alert', {
  description:
    '紧急情况 / 风险隐患 found on a visit (by the rules table) or raised by hand. Deadline to acknowledge: 2 hours (URGENT) or 3 days (NORMAL); each deadline that passes unacknowledged escalates the alert one region level up (village → town → county), where it shows in that level\'s queue. Escalation is derived from the clock, never stored.',
})
export class AlertType {
  @Field(() => ID, { description: 'The alert\'s id (pass it to acknowledgeAlert, referAlert, resolveAlert).' })
  id!: string;

  @Field(() => ID, { description: 'The elder the alert is about (read `elder` for the name; needs elder.read:jurisdiction).' })
  elderId!: string;

  @Field(() => String, { description: "The elder's village." })
  regionCode!: string;

  @Field(() => ID, { nullable: true, description: 'The visit whose findings raised it; null when raised by hand, by an agency record or by the system.' })
  visitId!: string | null;

  @Field(() => String, { nullable: true, description: 'The rule that raised it; null when raised by hand.' })
  ruleCode!: string | null;

  @Field(() => String, { nullable: true, description: 'The rule in words, as the rules table names it (e.g. 燃气使用不安全); null when raised by hand.' })
  ruleTitle!: string | null;

  @Field(() => String, { nullable: true, description: 'The rule in words, in English (e.g. Gas use unsafe); null when raised by hand.' })
  ruleTitleEn!: string | null;

  @Field(() => String, { nullable: true, description: 'Who raised it, by display name (the visitor of the visit, or who raised it by hand); null when raised by an agency record or the system.' })
  raisedByName!: string | null;

  @Field(() => String, { description: 'What happened, in a line (2-100 characters): the rule\'s title, or what the person who raised it wrote.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'The circumstances in words (at most 1000 characters); null if none were given.' })
  detail!: string | null;

  @Field(() => AlertSeverity, { description: 'URGENT (life or property in danger: 2 hours to acknowledge) or NORMAL (a risk: 3 days).' })
  severity!: AlertSeverity;

  @Field(() => AlertStatus, { description: 'Where it stands: OPEN, ACKNOWLEDGED, REFERRED or RESOLVED.' })
  status!: AlertStatus;

  @Field(() => GraphQLDateTimeISO, { description: 'When it was raised; the acknowledgement deadline counts from here.' })
  raisedAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the current level must acknowledge it (null once acknowledged).' })
  acknowledgeBy!: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When it was first acknowledged (or referred, which acknowledges it); null while open.' })
  acknowledgedAt!: Date | null;

  @Field(() => Referral, { nullable: true, description: 'Where it was (last) referred (转介); null if never referred.' })
  referredTo!: Referral | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When it was (last) referred.' })
  referredAt!: Date | null;

  @Field(() => ReferralState, { nullable: true, description: 'Where the latest referral stands (null: never referred).' })
  referralState!: ReferralState | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the agency accepted or declined the latest referral (an outcome without acceptance counts as both).' })
  referralRespondedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Minutes from the latest referral to its acceptance or decline (null until answered).' })
  referralResponseMinutes!: number | null;

  @Field(() => Int, { nullable: true, description: 'Minutes from the latest referral to the outcome being reported (null until then).' })
  referralOutcomeMinutes!: number | null;

  @Field(() => LocalDate, { nullable: true, description: 'The day the agency dealt with it, as it reported (OUTCOME).' })
  referralOutcomeOn!: string | null;

  @Field(() => String, { nullable: true, description: "The agency's latest words: the reason of a decline, or the outcome." })
  referralAnswer!: string | null;

  @Field(() => Referral, { nullable: true, description: 'Where the rule suggests referring it.' })
  suggestedReferral!: Referral | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When it was resolved; null until then.' })
  resolvedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'What was done, as written when resolving it (2-1000 characters); null until resolved.' })
  resolution!: string | null;

  @Field(() => Int, { description: '0 at the village, 1 escalated to the town, 2 to the county.' })
  escalationLevel!: number;

  @Field(() => String, { description: 'The region whose queue it is in now.' })
  queueRegionCode!: string;

  @Field(() => Int, { description: 'Pass it back with a change: a stale one is CONFLICT.' })
  version!: number;

  @Field(() => [AlertEventType], { description: 'Every step from raising to now, oldest first: who, when, which status, with their note.' })
  events!: AlertEventType[];
}

/**
 * The queue's order, in words (the field descriptions quote it): what needs someone first comes first.
 */
export const ALERT_ORDER =
  'Most urgent first: URGENT before NORMAL; then OPEN and ACKNOWLEDGED (still to be dealt with here) before REFERRED and RESOLVED (in other hands, or done); then the nearest acknowledgement deadline (raised time + 2 hours or 3 days), so one already passed (escalated) comes before one still ahead; ties by id.';

export const AlertConnection = connectionOf('Alert', AlertType, `Alerts. ${ALERT_ORDER}`);

@InputType({ description: 'Which alerts to list; every condition given must hold. Always inside your jurisdiction.' })
export class AlertFilter {
  @Field(() => String, { nullable: true, description: 'Elders of this region subtree (default: your jurisdiction).' })
  regionCode?: string | null;

  @Field(() => String, { nullable: true, description: "Only alerts now in this region's queue (after escalation)." })
  queueRegionCode?: string | null;

  @Field(() => [AlertStatus], { nullable: true, description: 'Default: all but RESOLVED.' })
  status?: AlertStatus[] | null;

  @Field(() => AlertSeverity, { nullable: true, description: 'Only alerts of this severity (default: both).' })
  severity?: AlertSeverity | null;

  @Field(() => ID, { nullable: true, description: 'Only this elder\'s alerts.' })
  elderId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Alerts of the elders named by this: an exact name, or the last 4 to 18 characters of the ID number (as auditLog's filter.elder). BAD_USER_INPUT for anything else or more than 500 matching elders.",
  })
  elder?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only alerts escalated at least once.' })
  escalated?: boolean | null;
}

@InputType({ description: 'An alert raised by hand (raiseAlert): about an elder in your jurisdiction, with a title and how urgent it is.' })
export class RaiseAlertInput {
  @Field(() => ID, { description: 'The elder it is about, inside your jurisdiction (NOT_FOUND otherwise, like a missing one).' })
  elderId!: string;

  @Field(() => String, { description: 'What happened, in a line: 2-100 characters.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'The circumstances: at most 1000 characters; also the note of the first step.' })
  detail?: string | null;

  @Field(() => AlertSeverity, { description: 'URGENT when life or property is in danger (2 hours to acknowledge), NORMAL otherwise (3 days).' })
  severity!: AlertSeverity;
}
