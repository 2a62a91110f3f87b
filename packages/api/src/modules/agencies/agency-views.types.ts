import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';
import { AlertSeverity, AlertStatus, Referral, ReferralState } from '../alerts/alerts.types.js';
import { Circumstance, ContactKind, ElderStatus, Gender, IncapacityLevel } from '../elders/elder.enums.js';
import { DisabilityType } from '../elders/elder.types.js';
import { ElderClassEnum } from '../standards/standards.enums.js';
import { DiseaseStatus, Trend } from '../visits/visits.types.js';

export enum AgencyViewKind {
  POLICE = 'POLICE',
  HEALTH = 'HEALTH',
  DISABILITY = 'DISABILITY',
  HOUSING = 'HOUSING',
}
registerEnumType(AgencyViewKind, {
  name: 'AgencyView',
  description: "A partner agency's need-to-know view of elders (AGENCY_VIEWS in the API): the caller's agency kind decides it.",
  valuesConfig: labelled(AgencyViewKind, {
    POLICE: '公安: every elder of its area; identity, address, phones, emergency contacts, status; no health data',
    HEALTH: '卫健: every elder of its area; identity, village, phone, health circumstances, incapacity, latest health findings',
    DISABILITY: '残联: disabled elders; identity, village, disability certificate, last visit date and class',
    HOUSING: '住建: elders whose housing was flagged; name, village, address, phone, housing safety',
  }),
});

@InputType({ description: 'Narrows `agencyElders`.' })
export class AgencyElderFilter {
  @Field(() => String, { nullable: true, description: 'A region subtree inside your agency\'s region (2 to 12 digits).' })
  regionCode?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A name prefix, a full ID number, or the last digits of one (at least 4), as in the elders list.',
  })
  text?: string | null;
}

@ObjectType('AgencyVillage', { description: 'The village or community an elder is registered in.' })
export class AgencyVillageType {
  @Field(() => String, { description: '12-digit statistical code.' })
  code!: string;

  @Field(() => String, { description: 'Its name, e.g. 长沙村委会.' })
  name!: string;

  @Field(() => String, { description: 'Names from the province down.' })
  fullName!: string;
}

@ObjectType('AgencyContact', { description: 'An emergency contact, with the full phone number (police: reaching the family is its duty).' })
export class AgencyContactType {
  @Field(() => ContactKind, { description: 'Child, relative or village-committee worker (children first).' })
  kind!: ContactKind;

  @Field(() => String, { description: 'The contact\'s name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Relation to the elder in words (e.g. 儿子); null if not recorded.' })
  relation!: string | null;

  @Field(() => String, { description: 'Full number.' })
  phone!: string;
}

@ObjectType('AgencyHealthFindings', { description: "The latest visit's health findings (any visit method; null findings were not recorded)." })
export class AgencyHealthFindingsType {
  @Field(() => LocalDate, { description: 'The day of the visit these findings come from.' })
  visitedOn!: string;

  @Field(() => Trend, { nullable: true, description: '表达能力' })
  expression!: Trend | null;

  @Field(() => Trend, { nullable: true, description: '行动能力' })
  mobility!: Trend | null;

  @Field(() => DiseaseStatus, { nullable: true, description: '疾病状况' })
  disease!: DiseaseStatus | null;

  @Field(() => String, { nullable: true, description: '疾病名称' })
  diseaseName!: string | null;

  @Field(() => Trend, { nullable: true, description: '情绪状态' })
  mood!: Trend | null;
}

@ObjectType('AgencyHousing', { description: "Housing safety: the archive's answer and the latest visit's findings." })
export class AgencyHousingType {
  @Field(() => Boolean, { nullable: true, description: '住房是否安全 (the archive).' })
  housingSafe!: boolean | null;

  @Field(() => LocalDate, { nullable: true, description: 'Date of the latest visit (null: never visited).' })
  visitedOn!: string | null;

  @Field(() => Boolean, { nullable: true, description: '住房存在安全隐患 (latest visit).' })
  housingUnsafe!: boolean | null;

  @Field(() => Trend, { nullable: true, description: '室内环境 (latest visit).' })
  indoorEnvironment!: Trend | null;
}

const only = (who: string, what: string) => `${what} Given to: ${who}; null for every other agency.`;

@ObjectType('AgencyElder', {
  description:
    "An elder as a partner agency sees them: the fields of its view (AGENCY_VIEWS) are filled, every other field is null. Identity numbers are masked; phones are full where reaching the elder is the agency's duty. Reads are audited (AGENCY_VIEW_READ).",
})
export class AgencyElderType {
  @Field(() => ID, { description: 'The archive\'s id (the same in referrals, changes and sync answers).' })
  id!: string;

  @Field(() => AgencyViewKind, { description: 'The view that filled this record.' })
  view!: AgencyViewKind;

  @Field(() => String, { nullable: true, description: only('POLICE, HEALTH, DISABILITY, HOUSING', '姓名.') })
  name!: string | null;

  @Field(() => Gender, { nullable: true, description: only('POLICE, HEALTH, DISABILITY', '性别.') })
  gender!: Gender | null;

  @Field(() => LocalDate, { nullable: true, description: only('POLICE, HEALTH, DISABILITY', '出生日期.') })
  birthDate!: string | null;

  @Field(() => String, { nullable: true, description: only('POLICE, HEALTH, DISABILITY', 'ID number, masked (440783********1234).') })
  idNumber!: string | null;

  @Field(() => AgencyVillageType, { nullable: true, description: only('POLICE, HEALTH, DISABILITY, HOUSING', 'The village or community.') })
  village!: AgencyVillageType | null;

  @Field(() => String, { nullable: true, description: only('POLICE, HOUSING', 'Address below the village (门牌).') })
  addressDetail!: string | null;

  @Field(() => String, { nullable: true, description: only('POLICE, HEALTH, HOUSING', "The elder's phone, full.") })
  phone!: string | null;

  @Field(() => [AgencyContactType], { nullable: true, description: only('POLICE', 'Emergency contacts with full phones, children first.') })
  emergencyContacts!: AgencyContactType[] | null;

  @Field(() => ElderStatus, { nullable: true, description: only('POLICE', 'Archive status (deceased, moved away...).') })
  status!: ElderStatus | null;

  @Field(() => [Circumstance], {
    nullable: true,
    description: only('HEALTH', 'Health-related circumstances only: INCAPACITATED, DEMENTIA, DISABLED, SEVERELY_DISABLED, AGED_80_PLUS.'),
  })
  circumstances!: Circumstance[] | null;

  @Field(() => IncapacityLevel, { nullable: true, description: only('HEALTH', '失能等级.') })
  incapacityLevel!: IncapacityLevel | null;

  @Field(() => AgencyHealthFindingsType, { nullable: true, description: only('HEALTH', "The latest visit's health findings (null: never visited).") })
  latestHealth!: AgencyHealthFindingsType | null;

  @Field(() => DisabilityType, { nullable: true, description: only('DISABILITY', 'Certificate number (masked), category, grade.') })
  disability!: DisabilityType | null;

  @Field(() => LocalDate, { nullable: true, description: only('DISABILITY', 'Date of the latest visit (null: never visited).') })
  lastVisitOn!: string | null;

  @Field(() => ElderClassEnum, { nullable: true, description: only('DISABILITY', 'The visit class in force today.') })
  class!: ElderClassEnum | null;

  @Field(() => AgencyHousingType, { nullable: true, description: only('HOUSING', 'Housing safety.') })
  housing!: AgencyHousingType | null;
}

export const AgencyElderConnection = connectionOf(
  'AgencyElder',
  AgencyElderType,
  "Elders in your agency's view, by name. Audited: one AGENCY_VIEW_READ row per request, listing the elders returned.",
);

@ObjectType('ReferredAlert', { description: 'An alert referred to your agency: what it needs to act, not the archive.' })
export class ReferredAlertType {
  @Field(() => ID, { description: 'The alert\'s id (for respondToReferral).' })
  id!: string;

  @Field(() => ID, { description: 'The elder\'s archive id.' })
  elderId!: string;

  @Field(() => String, { description: 'What happened, in a line.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'The circumstances in words; null if none were given.' })
  detail!: string | null;

  @Field(() => AlertSeverity, { description: 'URGENT (life or property in danger) or NORMAL.' })
  severity!: AlertSeverity;

  @Field(() => AlertStatus, { description: 'The alert\'s status at civil affairs (REFERRED while with you; ACKNOWLEDGED after a decline; RESOLVED when closed).' })
  status!: AlertStatus;

  @Field(() => GraphQLDateTimeISO, { description: 'When the alert was raised.' })
  raisedAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When it was (last) referred.' })
  referredAt!: Date | null;

  @Field(() => Referral, { description: 'The referral target it was sent to (your kind).' })
  referredTo!: Referral;

  @Field(() => Int, { description: 'Pass it back with respondToReferral: a stale one is CONFLICT.' })
  version!: number;

  @Field(() => ReferralState, { nullable: true, description: 'Where your answer stands: PENDING until you accept or decline.' })
  referralState!: ReferralState | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When you accepted or declined it.' })
  referralRespondedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Minutes from the referral to your acceptance or decline.' })
  referralResponseMinutes!: number | null;

  @Field(() => Int, { nullable: true, description: 'Minutes from the referral to your outcome report.' })
  referralOutcomeMinutes!: number | null;

  @Field(() => LocalDate, { nullable: true, description: 'The day you reported it was dealt with.' })
  referralOutcomeOn!: string | null;

  @Field(() => String, { nullable: true, description: 'Your reason for declining, or the outcome you reported.' })
  referralAnswer!: string | null;

  @Field(() => String, { description: 'The elder\'s name (姓名), to find the person.' })
  elderName!: string;

  @Field(() => AgencyVillageType, { description: "The elder's village." })
  village!: AgencyVillageType;
}

export const ReferredAlertConnection = connectionOf(
  'ReferredAlert',
  ReferredAlertType,
  'Alerts referred to your agency in its region, latest referral first. Audited (AGENCY_VIEW_READ).',
);
