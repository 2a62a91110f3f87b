import { Field, ID, Int, ObjectType, registerEnumType, Float } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';
import { LocalDate } from '../../graphql/scalars.js';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';
import {
  Assistance,
  Circumstance,
  CIRCUMSTANCE_LABELS,
  ContactKind,
  DisabilityCategory,
  ElderStatus,
  ExtremePovertyKind,
  FamilyPlanningKind,
  Gender,
  HelpUnitType,
  IncapacityLevel,
} from './elder.enums.js';


registerEnumType(Gender, { name: 'Gender', description: '性别 (from the ID number).', valuesConfig: labelled(Gender, { MALE: '男', FEMALE: '女' }) });
registerEnumType(Circumstance, {
  name: 'Circumstance',
  description: '困难情形. AGED_80_PLUS and SEVERELY_DISABLED are derived (from the birth date and the disability grade) and cannot be set.',
  valuesConfig: labelled(Circumstance, CIRCUMSTANCE_LABELS),
});
registerEnumType(IncapacityLevel, {
  name: 'IncapacityLevel', description: '失能等级: the degree of incapacity.',
  valuesConfig: labelled(IncapacityLevel, { PARTIAL: '部分失能', FULL: '完全失能' }),
});
registerEnumType(DisabilityCategory, {
  name: 'DisabilityCategory',
  description: 'National disability categories, codes 1-7 (the 19th character of a 残疾人证号).',
  valuesConfig: labelled(DisabilityCategory, {
    VISUAL: '1 视力残疾',
    HEARING: '2 听力残疾',
    SPEECH: '3 言语残疾',
    PHYSICAL: '4 肢体残疾',
    INTELLECTUAL: '5 智力残疾',
    MENTAL: '6 精神残疾',
    MULTIPLE: '7 多重残疾',
  }),
});
registerEnumType(FamilyPlanningKind, {
  name: 'FamilyPlanningKind', description: '计划生育特殊家庭: which kind.',
  valuesConfig: labelled(FamilyPlanningKind, { ONLY_CHILD_DISABLED: '独生子女伤残', ONLY_CHILD_DECEASED: '独生子女死亡' }),
});
registerEnumType(ExtremePovertyKind, {
  name: 'ExtremePovertyKind', description: '特困供养方式: dispersed (分散供养) or institutional (集中供养).',
  valuesConfig: labelled(ExtremePovertyKind, { DISPERSED: '分散供养', INSTITUTIONAL: '集中供养' }),
});
registerEnumType(ElderStatus, {
  name: 'ElderStatus',
  description: 'Archives are closed, never deleted.',
  valuesConfig: labelled(ElderStatus, {
    ACTIVE: '在册',
    IN_INSTITUTION: '入住养老机构',
    MOVED_AWAY: '迁出',
    DECEASED: '死亡',
  }),
});
registerEnumType(ContactKind, {
  name: 'ContactKind',
  description: 'Emergency contacts are kept in this order: children first, then close relatives, then a village-committee worker.',
  valuesConfig: labelled(ContactKind, { CHILD: '子女', RELATIVE: '近亲属', VILLAGE_WORKER: '村（居）委会工作人员' }),
});
registerEnumType(Assistance, {
  name: 'Assistance', description: 'Whether a person is on 低保 or 特困.',
  valuesConfig: labelled(Assistance, { NONE: '无', MINIMUM_ALLOWANCE: '低保对象', EXTREME_POVERTY: '特困人员' }),
});
registerEnumType(HelpUnitType, {
  name: 'HelpUnitType', description: '帮扶单位类型: the kind of helping unit.',
  valuesConfig: labelled(HelpUnitType, {
    PARTY_GOVERNMENT: '党政机关、群团组织',
    STREET_VILLAGE_COMMITTEE: '乡镇（街道）、村（居）民委员会',
    ENTERPRISE: '企业',
    SOCIAL_ORGANIZATION: '社会组织',
    PROFESSIONAL_SOCIAL_WORKER: '专业社会工作者',
    OTHER: '其他',
  }),
});

@ObjectType('Disability', { description: '残疾情况' })
export class DisabilityType {
  @Field(() => String, { nullable: true, description: '残疾人证号, masked like the ID number it contains.' })
  certificateNumber?: string | null;

  @Field(() => DisabilityCategory, { nullable: true, description: '残疾类别 (national codes 1-7).' })
  category?: DisabilityCategory | null;

  @Field(() => Int, { nullable: true, description: 'Grade 1 (most severe) to 4.' })
  grade?: number | null;

  @Field(() => Boolean, { description: '重残: grade 1 or 2.' })
  severe!: boolean;
}

@ObjectType('LivingConditions', { description: '家庭生活条件' })
export class LivingConditionsType {
  @Field(() => Boolean, { nullable: true, description: '饮水是否安全' })
  waterSafe?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '生活用电是否安全' })
  electricitySafe?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '住房是否安全' })
  housingSafe?: boolean | null;

  @Field(() => Float, { nullable: true, description: '家庭每月收入（元）' })
  householdMonthlyIncome?: number | null;

  @Field(() => Float, { nullable: true, description: '家庭每月领取养老保险、社会救助和社会福利补贴（元）' })
  monthlyBenefits?: number | null;

  @Field(() => String, { nullable: true, description: 'Which pensions, assistance or subsidies make up monthlyBenefits, in words.' })
  benefitsNote?: string | null;
}

@ObjectType('EmergencyContact', { description: '紧急联系人' })
export class EmergencyContactType {
  @Field(() => ID, { description: 'The contact.' })
  id!: string;

  @Field(() => ContactKind, { description: 'Child, relative or village-committee worker (the order contacts are tried in).' })
  kind!: ContactKind;

  @Field(() => String, { description: 'The contact’s name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Relation to the elder, in words.' })
  relation?: string | null;

  @Field(() => String, { description: 'Masked (138****5678); `revealElderIdentity` gives the full number.' })
  phone!: string;
}

@ObjectType('HouseholdMember', { description: '家庭成员' })
export class HouseholdMemberType {
  @Field(() => ID, { description: 'The household member.' })
  id!: string;

  @Field(() => String, { description: '姓名' })
  name!: string;

  @Field(() => Gender, { nullable: true, description: '性别' })
  gender?: Gender | null;

  @Field(() => String, { nullable: true, description: 'Masked ID number.' })
  idNumber?: string | null;

  @Field(() => String, { description: '与户主关系' })
  relation!: string;

  @Field(() => String, { nullable: true, description: '健康状况' })
  health?: string | null;

  @Field(() => Assistance, { description: '是否为低保对象/特困人员' })
  assistance!: Assistance;
}

@ObjectType('HelpRecord', { description: '已享受帮扶情况' })
export class HelpRecordType {
  @Field(() => ID, { description: 'The help record.' })
  id!: string;

  @Field(() => HelpUnitType, { description: '帮扶单位类型' })
  unitType!: HelpUnitType;

  @Field(() => String, { nullable: true, description: 'The helping unit’s name.' })
  unitName?: string | null;

  @Field(() => String, { description: '帮扶措施' })
  measures!: string;
}

@ObjectType('Refusal', { description: 'A written refusal of visiting service (书面工作记录). The elder stays in the registry.' })
export class RefusalType {
  @Field(() => ID, { description: 'The refusal.' })
  id!: string;

  @Field(() => LocalDate, { description: 'The day the elder refused (China time).' })
  refusedOn!: string;

  @Field(() => String, { description: 'Why, as written down.' })
  reason!: string;

  @Field(() => String, { description: 'Who talked with the elder or family.' })
  talkedWith!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When it was recorded.' })
  recordedAt!: Date;

  @Field(() => LocalDate, { nullable: true, description: 'Set when the elder later accepted visits.' })
  withdrawnOn?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the elder now accepts visits; null while the refusal stands.' })
  withdrawnNote?: string | null;
}

@ObjectType('FieldChange', { description: 'One changed field. Identity values are masked.' })
export class FieldChangeType {
  @Field(() => String, { description: 'The archive field, by its input name (e.g. `addressDetail`).' })
  field!: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The value before (JSON; identity values masked).' })
  old?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The value after (JSON; identity values masked).' })
  new?: unknown;
}

@ObjectType('ArchiveChange', { description: 'One change in the history of an archive.' })
export class ArchiveChangeType {
  @Field(() => ID, { description: 'The audit event of the change.' })
  id!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When it was changed.' })
  at!: Date;

  @Field(() => String, { description: 'ELDER_REGISTER, ELDER_UPDATE, ELDER_CLOSE, ELDER_REOPEN, REFUSAL_RECORD, REFUSAL_WITHDRAW.' })
  action!: string;

  @Field(() => String, { nullable: true, description: 'Username of who made the change.' })
  actorUsername?: string | null;

  @Field(() => [FieldChangeType], { description: 'Each field changed.' })
  changes!: FieldChangeType[];
}

export const ArchiveChangeConnection = connectionOf('ArchiveChange', ArchiveChangeType, 'Changes of one archive, newest first.');

@ObjectType('Elder', {
  description:
    'An elder in special difficulty: the archive (一人一档, 基本信息登记表). ID and phone numbers are masked; reading an archive by id is audited.',
})
export class ElderType {
  @Field(() => ID, { description: 'The archive (一人一档).' })
  id!: string;

  @Field(() => String, { description: '姓名' })
  name!: string;

  @Field(() => Gender, { description: 'From the ID number.' })
  gender!: Gender;

  @Field(() => LocalDate, { description: 'From the ID number.' })
  birthDate!: string;

  @Field(() => String, { nullable: true, description: 'Detail of the address below the village (门牌).' })
  addressDetail?: string | null;

  @Field(() => Boolean, { nullable: true, description: '是否居住在户籍所在地' })
  livesAtRegisteredResidence?: boolean | null;

  @Field(() => IncapacityLevel, { nullable: true, description: '失能等级; null when not incapacitated (set by health’s assessments when they exist).' })
  incapacityLevel?: IncapacityLevel | null;

  @Field(() => FamilyPlanningKind, { nullable: true, description: '计划生育特殊家庭; null when not one.' })
  familyPlanningKind?: FamilyPlanningKind | null;

  @Field(() => ExtremePovertyKind, { nullable: true, description: '特困供养方式; null when not on 特困.' })
  extremePovertyKind?: ExtremePovertyKind | null;

  @Field(() => String, { nullable: true, description: '阶段性临时困难: what happened (family crisis, disaster, isolation).' })
  temporaryDifficulty?: string | null;

  @Field(() => LocalDate, { nullable: true, description: '阶段性临时困难: the day it is expected to end; past it, the archive is due for re-verification.' })
  temporaryDifficultyUntil?: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: '动态管理: the last day the archive was confirmed (registration, a home visit 上门入户, an edit, a survey result that verified it).',
  })
  lastVerifiedOn?: string | null;

  @Field(() => Boolean, { description: '意愿: false while a written refusal stands.' })
  acceptsVisits!: boolean;

  @Field(() => ElderStatus, { description: 'Active, or closed: in an institution, moved away, deceased. Archives are never deleted.' })
  status!: ElderStatus;

  @Field(() => LocalDate, { nullable: true, description: 'When the archive was closed (death, move, admission).' })
  statusDate?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the archive was closed, in words; null while active.' })
  statusReason?: string | null;

  @Field(() => GraphQLDateTimeISO, { description: 'When the archive was registered.' })
  registeredAt!: Date;

  @Field(() => GraphQLDateTimeISO, { description: 'When the archive last changed.' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Send it back with an update: a stale version is CONFLICT and overwrites nothing.' })
  version!: number;
}

export const ElderConnection = connectionOf('Elder', ElderType, 'Elders matching a filter, inside your jurisdiction.');

@ObjectType('ContactPhone', { description: 'An emergency contact with the full phone number.' })
export class ContactPhoneType {
  @Field(() => ID, { description: 'The contact.' })
  id!: string;

  @Field(() => String, { description: 'The contact’s name.' })
  name!: string;

  @Field(() => String, { description: 'The full phone number (unmasked).' })
  phone!: string;
}

@ObjectType('MemberIdNumber', { description: 'A household member with the full ID number.' })
export class MemberIdNumberType {
  @Field(() => ID, { description: 'The household member.' })
  id!: string;

  @Field(() => String, { description: 'The member’s name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The full ID number (unmasked); null when not recorded.' })
  idNumber?: string | null;
}

@ObjectType('ElderIdentity', { description: 'Unmasked identifiers, given only with a stated purpose and audited.' })
export class ElderIdentityType {
  @Field(() => ID, { description: 'The elder.' })
  elderId!: string;

  @Field(() => String, { description: '公民身份号码, in full.' })
  idNumber!: string;

  @Field(() => String, { nullable: true, description: 'The elder’s phone number in full; null when none.' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: '残疾人证号 in full; null when none.' })
  disabilityCertificateNumber?: string | null;

  @Field(() => [ContactPhoneType], { description: 'Emergency contacts with full phone numbers.' })
  emergencyContacts!: ContactPhoneType[];

  @Field(() => [MemberIdNumberType], { description: 'Household members with full ID numbers.' })
  householdMembers!: MemberIdNumberType[];
}
