import { Field, Float, InputType, Int, registerEnumType } from 'type-graphql';
import { labelled } from '../../graphql/enums.js';
import { PERIOD_LABEL_DEPRECATION, PeriodInput } from '../../graphql/period.js';
import { ElderClassEnum } from '../standards/standards.enums.js';
import { LocalDate } from '../../graphql/scalars.js';
import {
  Assistance,
  Circumstance,
  ContactKind,
  DisabilityCategory,
  ElderStatus,
  ExtremePovertyKind,
  FamilyPlanningKind,
  Gender,
  HelpUnitType,
  IncapacityLevel,
} from './elder.enums.js';

@InputType('DisabilityInput', {
  description:
    'Give the certificate number alone and category and grade are read from it (its last two digits), or give category and grade.',
})
export class DisabilityInput {
  @Field(() => String, { nullable: true, description: '残疾人证号: the 18-character ID number + category digit + grade digit.' })
  certificateNumber?: string | null;

  @Field(() => DisabilityCategory, { nullable: true, description: '残疾类别 (national codes 1-7).' })
  category?: DisabilityCategory | null;

  @Field(() => Int, { nullable: true, description: '1 to 4' })
  grade?: number | null;
}

@InputType('LivingConditionsInput', { description: '家庭生活条件 of the archive.' })
export class LivingConditionsInput {
  @Field(() => Boolean, { nullable: true, description: '饮水是否安全' })
  waterSafe?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '生活用电是否安全' })
  electricitySafe?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '住房是否安全' })
  housingSafe?: boolean | null;

  @Field(() => Float, { nullable: true, description: 'Yuan per month, 0 or more.' })
  householdMonthlyIncome?: number | null;

  @Field(() => Float, { nullable: true, description: 'Yuan per month, 0 or more.' })
  monthlyBenefits?: number | null;

  @Field(() => String, { nullable: true, description: 'Which pensions, assistance or subsidies make up monthlyBenefits, in words.' })
  benefitsNote?: string | null;
}

@InputType('EmergencyContactInput', { description: '紧急联系人: children first; if none, close relatives; if none, a village-committee worker.' })
export class EmergencyContactInput {
  @Field(() => ContactKind, { description: 'Child, relative or village-committee worker.' })
  kind!: ContactKind;

  @Field(() => String, { description: 'The contact’s name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Relation to the elder, in words.' })
  relation?: string | null;

  @Field(() => String, { description: 'Mobile (11 digits) or landline with area code (0750-2212345).' })
  phone!: string;
}

@InputType('HouseholdMemberInput', { description: '家庭成员: one person of the household.' })
export class HouseholdMemberInput {
  @Field(() => String, { description: '姓名' })
  name!: string;

  @Field(() => Gender, { nullable: true, description: 'Taken from the ID number when one is given.' })
  gender?: Gender | null;

  @Field(() => String, { nullable: true, description: 'The member’s ID number (公民身份号码, 18 characters).' })
  idNumber?: string | null;

  @Field(() => String, { description: '与户主关系, e.g. 户主, 配偶, 子, 女' })
  relation!: string;

  @Field(() => String, { nullable: true, description: '健康状况, in words.' })
  health?: string | null;

  @Field(() => Assistance, { nullable: true, defaultValue: Assistance.NONE, description: '是否为低保对象/特困人员' })
  assistance?: Assistance | null;
}

@InputType('HelpRecordInput', { description: '已享受帮扶情况: one helping unit.' })
export class HelpRecordInput {
  @Field(() => HelpUnitType, { description: '帮扶单位类型' })
  unitType!: HelpUnitType;

  @Field(() => String, { nullable: true, description: 'The helping unit’s name.' })
  unitName?: string | null;

  @Field(() => String, { description: '帮扶措施, in words.' })
  measures!: string;
}

/** The archive fields shared by registration and update. On update an omitted field is left as it is. */
@InputType()
export abstract class ArchiveFieldsInput {
  @Field(() => String, { nullable: true, description: 'The elder’s own phone: mobile (11 digits) or landline with area code (0750-2212345).' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Address within the village (详细地址), up to 200 characters.' })
  addressDetail?: string | null;

  @Field(() => Boolean, { nullable: true, description: '是否居住在户籍所在地: whether the elder lives at the registered residence.' })
  livesAtRegisteredResidence?: boolean | null;

  @Field(() => [Circumstance], {
    nullable: true,
    description: 'Replaces the list. Details below imply their circumstance (a disability implies DISABLED).',
  })
  circumstances?: Circumstance[] | null;

  @Field(() => IncapacityLevel, { nullable: true, description: '失能: partial or full incapacity (implies INCAPACITATED).' })
  incapacityLevel?: IncapacityLevel | null;

  @Field(() => DisabilityInput, { nullable: true, description: '残疾: certificate number, category and grade (implies DISABLED).' })
  disability?: DisabilityInput | null;

  @Field(() => FamilyPlanningKind, { nullable: true, description: '计划生育特殊家庭: which kind (implies FAMILY_PLANNING_SPECIAL).' })
  familyPlanningKind?: FamilyPlanningKind | null;

  @Field(() => ExtremePovertyKind, { nullable: true, description: '特困供养: dispersed or institutional (implies EXTREME_POVERTY).' })
  extremePovertyKind?: ExtremePovertyKind | null;

  @Field(() => String, { nullable: true, description: '阶段性临时困难: what the difficulty is, up to 200 characters (implies TEMPORARY_DIFFICULTY).' })
  temporaryDifficulty?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'When the temporary difficulty is expected to end (only with temporaryDifficulty); past it, the archive is listed for re-verification.',
  })
  temporaryDifficultyUntil?: string | null;

  @Field(() => LivingConditionsInput, { nullable: true, description: '家庭生活条件: water, electricity and housing safety, income and benefits.' })
  livingConditions?: LivingConditionsInput | null;

  @Field(() => [EmergencyContactInput], { nullable: true, description: 'Replaces the list (at most 10).' })
  emergencyContacts?: EmergencyContactInput[] | null;

  @Field(() => [HouseholdMemberInput], { nullable: true, description: 'Replaces the list (at most 20).' })
  householdMembers?: HouseholdMemberInput[] | null;

  @Field(() => [HelpRecordInput], { nullable: true, description: 'Replaces the list (at most 20).' })
  helpReceived?: HelpRecordInput[] | null;
}

@InputType('RegisterElderInput', {
  description: 'Only name, ID number and village are required: birth date and gender come from the ID number.',
})
export class RegisterElderInput extends ArchiveFieldsInput {
  @Field(() => String, { description: 'The elder’s name (姓名) as on the ID card, up to 50 characters.' })
  name!: string;

  @Field(() => String, { description: '公民身份号码, 18 characters with a valid check digit; the elder must be 60 or over.' })
  idNumber!: string;

  @Field(() => String, { description: 'The village or community (12-digit code) inside your jurisdiction.' })
  regionCode!: string;
}

@InputType('UpdateElderInput', { description: 'Fields to change; omitted fields stay as they are, null clears.' })
export class UpdateElderInput extends ArchiveFieldsInput {
  @Field(() => String, { nullable: true, description: '姓名; omitted: unchanged.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'A correction of the ID number (birth date and gender follow it).' })
  idNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Move the archive to another village inside your jurisdiction.' })
  regionCode?: string | null;
}

export enum ClosingStatus {
  IN_INSTITUTION = 'IN_INSTITUTION',
  MOVED_AWAY = 'MOVED_AWAY',
  DECEASED = 'DECEASED',
}
registerEnumType(ClosingStatus, {
  name: 'ClosingStatus',
  description: 'Why an archive closes.',
  valuesConfig: labelled(ClosingStatus, { IN_INSTITUTION: '入住养老机构', MOVED_AWAY: '迁出', DECEASED: '死亡' }),
});

@InputType('CloseElderInput', { description: 'Why and when an archive closes (death, move, admission to an institution).' })
export class CloseElderInput {
  @Field(() => ClosingStatus, { description: 'Why the archive closes.' })
  status!: ClosingStatus;

  @Field(() => LocalDate, { description: 'Date of death, move or admission; not in the future.' })
  effectiveDate!: string;

  @Field(() => String, { description: 'Why, in words.' })
  reason!: string;
}

@InputType('RecordRefusalInput', { description: 'A written refusal of visiting service (书面工作记录): reason, date and who talked with the elder.' })
export class RecordRefusalInput {
  @Field(() => LocalDate, { description: 'The day they refused (YYYY-MM-DD, China time).' })
  refusedOn!: string;

  @Field(() => String, { description: 'Why the elder refuses, as they said it.' })
  reason!: string;

  @Field(() => String, { description: 'Who talked with the elder or family (排查人员).' })
  talkedWith!: string;
}

@InputType('WithdrawRefusalInput', { description: 'The end of a standing refusal: the elder now accepts visits.' })
export class WithdrawRefusalInput {
  @Field(() => LocalDate, { description: 'When the elder accepted visiting service.' })
  acceptedOn!: string;

  @Field(() => String, { nullable: true, description: 'Why the elder now accepts visits.' })
  note?: string | null;
}

@InputType('ElderFilter', { description: 'Which elders to list; every condition given must hold.' })
export class ElderFilter {
  @Field(() => String, { nullable: true, description: 'Region subtree (any level) inside your jurisdiction.' })
  regionCode?: string | null;

  @Field(() => [Circumstance], { nullable: true, description: 'Elders with all of these circumstances.' })
  circumstances?: Circumstance[] | null;

  @Field(() => [ElderStatus], { nullable: true, description: 'Default: every status.' })
  status?: ElderStatus[] | null;

  @Field(() => Int, { nullable: true, description: 'Age (周岁) today, at least.' })
  ageMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'Age (周岁) today, at most.' })
  ageMax?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only elders who accept visits; false: only those with a written refusal in force.' })
  acceptsVisits?: boolean | null;

  @Field(() => [ElderClassEnum], { nullable: true, description: 'Elders whose class in force today is one of these.' })
  classes?: ElderClassEnum[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: only elders with an overdue visit requirement today (see overdueElders); with `periodInput`, overdue as the report counts it for that period (its overdueElders figure).',
  })
  overdue?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Deprecated: the report period as a label (2026-10, 2026-W43, 2026-Q4, 2026-H1, 2026); same meaning as `periodInput`.',
    deprecationReason: PERIOD_LABEL_DEPRECATION,
  })
  period?: string | null;

  @Field(() => PeriodInput, {
    nullable: true,
    description:
      'A report period: the list becomes the people behind that period’s report figures. Only elders in the registry on the period’s day of judgement (its last day, or today while it runs) are listed; class and age are taken on that day; `visited`, `alertsRaised`, `overdue` and `refused` are judged for the period.',
  })
  periodInput?: PeriodInput | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Needs `periodInput`. true: elders counted in the visit rate’s numerator (every requirement met); false: in its denominator but not its numerator (未按标准探访). The same rule as the report’s visitRate.',
  })
  visited?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Needs `periodInput`. true: elders with an alert raised in the period (新增预警).' })
  alertsRaised?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: elders with an alert not yet resolved (open, acknowledged or referred).' })
  unresolvedAlerts?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: elders with a written refusal of visits in force today (with `periodInput`: on its day of judgement, as the report’s refusals figure).',
  })
  refused?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: 'A name (or its beginning), the last digits of an ID number, or a full ID number.',
  })
  text?: string | null;
}

export enum ElderSortField {
  NAME = 'NAME',
  AGE = 'AGE',
  REGISTERED_AT = 'REGISTERED_AT',
  REGION = 'REGION',
}
registerEnumType(ElderSortField, {
  name: 'ElderSortField',
  description: 'What to sort elders by.',
  valuesConfig: {
    NAME: { description: 'By name (姓名).' },
    AGE: { description: 'By age (from the birth date).' },
    REGISTERED_AT: { description: 'By when the archive was registered.' },
    REGION: { description: 'By village code (12 digits).' },
  },
});

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'Sort order.',
  valuesConfig: { ASC: { description: 'Ascending (A to Z, youngest first for AGE, oldest first for REGISTERED_AT).' }, DESC: { description: 'Descending.' } },
});

@InputType('ElderSort', { description: 'How to sort elders.' })
export class ElderSort {
  @Field(() => ElderSortField, { defaultValue: ElderSortField.NAME, description: 'What to sort by (default NAME).' })
  field!: ElderSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'Ascending (default) or descending.' })
  direction!: SortDirection;
}

