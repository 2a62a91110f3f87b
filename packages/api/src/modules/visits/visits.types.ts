import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';
import { VisitorType } from '../teams/teams.types.js';

export enum VisitMethod {
  HOME = 'HOME',
  PHONE = 'PHONE',
  VIDEO = 'VIDEO',
  REMOTE = 'REMOTE',
  OTHER = 'OTHER',
}
registerEnumType(VisitMethod, {
  name: 'VisitMethod', description: '探访方式: how a visit was made.',
  valuesConfig: labelled(VisitMethod, {
    HOME: '上门入户',
    PHONE: '电话问候',
    VIDEO: '互联网音（视）频',
    REMOTE: '远程监测',
    OTHER: '其他',
  }),
});

/** 无变化 / 较好 / 较差 of the official form. */
export enum Trend {
  UNCHANGED = 'UNCHANGED',
  BETTER = 'BETTER',
  WORSE = 'WORSE',
}
registerEnumType(Trend, { name: 'Trend', description: 'A change since the last visit, as the official form asks it (无变化 / 较好 / 较差).', valuesConfig: labelled(Trend, { UNCHANGED: '无变化', BETTER: '较好', WORSE: '较差' }) });

export enum Safety {
  SAFE = 'SAFE',
  FAIRLY_SAFE = 'FAIRLY_SAFE',
  UNSAFE = 'UNSAFE',
}
registerEnumType(Safety, { name: 'Safety', description: 'A safety rating of the official form (安全 / 较安全 / 不安全).', valuesConfig: labelled(Safety, { SAFE: '安全', FAIRLY_SAFE: '较安全', UNSAFE: '不安全' }) });

export enum DiseaseStatus {
  UNCHANGED = 'UNCHANGED',
  SERIOUS = 'SERIOUS',
  BETTER = 'BETTER',
}
registerEnumType(DiseaseStatus, {
  name: 'DiseaseStatus', description: '疾病状况 of the official form.',
  valuesConfig: labelled(DiseaseStatus, { UNCHANGED: '无变化', SERIOUS: '严重（需填写疾病名称）', BETTER: '转好' }),
});

export enum HouseholdChange {
  UNCHANGED = 'UNCHANGED',
  INCREASED = 'INCREASED',
  DECREASED = 'DECREASED',
}
registerEnumType(HouseholdChange, {
  name: 'HouseholdChange', description: '家庭人口变化 of the official form.',
  valuesConfig: labelled(HouseholdChange, { UNCHANGED: '无变化', INCREASED: '增加', DECREASED: '减少' }),
});

export enum Satisfaction {
  VERY_SATISFIED = 'VERY_SATISFIED',
  SATISFIED = 'SATISFIED',
  NEUTRAL = 'NEUTRAL',
  DISSATISFIED = 'DISSATISFIED',
}
registerEnumType(Satisfaction, {
  name: 'Satisfaction', description: '老年人服务满意度评价: the elder’s rating of the service.',
  valuesConfig: labelled(Satisfaction, { VERY_SATISFIED: '非常满意', SATISFIED: '满意', NEUTRAL: '一般', DISSATISFIED: '不满意' }),
});

export enum CareKind {
  CLEANING = 'CLEANING',
  LAUNDRY = 'LAUNDRY',
  HAIRCUT = 'HAIRCUT',
  MEAL = 'MEAL',
  MEDICAL = 'MEDICAL',
  ERRAND = 'ERRAND',
  OTHER = 'OTHER',
}
registerEnumType(CareKind, {
  name: 'CareKind', description: 'Kind of care service (关爱服务).',
  valuesConfig: labelled(CareKind, {
    CLEANING: '打扫卫生',
    LAUNDRY: '洗衣服',
    HAIRCUT: '理发',
    MEAL: '助餐',
    MEDICAL: '助医',
    ERRAND: '代办',
    OTHER: '其他',
  }),
});

/** What the API flags on a visit for the town to check (探访核查). Stored on the visit when it is recorded. */
export enum VisitFlag {
  FAR_FROM_REFERENCE = 'FAR_FROM_REFERENCE',
  LATE_ENTRY = 'LATE_ENTRY',
  SHORT_DURATION = 'SHORT_DURATION',
}
registerEnumType(VisitFlag, {
  name: 'VisitFlag', description: 'Why a visit is flagged for the town’s check (探访核查); thresholds in `visitFlagThresholds`.',
  valuesConfig: labelled(VisitFlag, {
    FAR_FROM_REFERENCE: '距参考位置过远（上门探访的定位超过 TANFANG_VISIT_MAX_DISTANCE_M 米，默认 500）',
    LATE_ENTRY: '补录过晚（探访后超过 TANFANG_VISIT_LATE_ENTRY_HOURS 小时才录入，默认 48；导入的纸质记录不计）',
    SHORT_DURATION: '时长过短（上门探访不足 TANFANG_VISIT_MIN_MINUTES 分钟，默认 10）',
  }),
});

/** Who signed 被探访人签字 of the 探访记录表. */
export enum ElderSigner {
  ELDER = 'ELDER',
  FAMILY_MEMBER = 'FAMILY_MEMBER',
  OTHER = 'OTHER',
}
registerEnumType(ElderSigner, { name: 'ElderSigner', description: 'Who signed as the visited person (被探访人签字).', valuesConfig: labelled(ElderSigner, { ELDER: '本人', FAMILY_MEMBER: '家属', OTHER: '其他' }) });

export enum ReferenceLocationSource {
  FIRST_HOME_VISIT = 'FIRST_HOME_VISIT',
  SET_BY_TOWN = 'SET_BY_TOWN',
}
registerEnumType(ReferenceLocationSource, {
  name: 'ReferenceLocationSource', description: 'Where an elder’s reference location came from.',
  valuesConfig: labelled(ReferenceLocationSource, { FIRST_HOME_VISIT: '首次上门探访的定位', SET_BY_TOWN: '乡镇（街道）设定' }),
});

@ObjectType('ReferenceLocation', { description: 'Where the elder is visited: home visits farther than the configured distance from it are flagged.' })
export class ReferenceLocationType {
  @Field(() => Float, { description: 'Latitude in decimal degrees.' })
  latitude!: number;

  @Field(() => Float, { description: 'Longitude in decimal degrees.' })
  longitude!: number;

  @Field(() => ReferenceLocationSource, { description: 'Where it came from: the first home visit with GPS, or set by the town.' })
  source!: ReferenceLocationSource;

  @Field(() => GraphQLDateTimeISO, { description: 'When it was set.' })
  setAt!: Date;
}

@ObjectType('VisitProofSummary', { description: 'What proof a visit carries, without the images (see `visitProof`).' })
export class VisitProofSummaryType {
  @Field(() => Boolean, { description: '探访人员签字 drawn on screen.' })
  hasVisitorSignature!: boolean;

  @Field(() => Boolean, { description: '被探访人签字 drawn on screen.' })
  hasElderSignature!: boolean;

  @Field(() => ElderSigner, { nullable: true, description: 'Who signed for the visited side.' })
  elderSigner!: ElderSigner | null;

  @Field(() => String, { nullable: true, description: 'Why the visited side could not sign.' })
  elderUnableToSignReason!: string | null;

  @Field(() => Boolean, { description: 'A photo of the visit was kept.' })
  hasPhoto!: boolean;

  @Field(() => Boolean, { description: 'The visitor agreed to keep the visit’s GPS location.' })
  locationConsent!: boolean;
}

@ObjectType('VisitProofImages', { description: 'The images of a visit’s proof as data URLs. Every read is audited.' })
export class VisitProofImagesType {
  @Field(() => ID, { description: 'The visit.' })
  visitId!: string;

  @Field(() => String, { nullable: true, description: 'PNG data URL.' })
  visitorSignature!: string | null;

  @Field(() => String, { nullable: true, description: 'PNG data URL.' })
  elderSignature!: string | null;

  @Field(() => ElderSigner, { nullable: true, description: 'Who signed for the visited side.' })
  elderSigner!: ElderSigner | null;

  @Field(() => String, { nullable: true, description: 'Why the visited side could not sign.' })
  elderUnableToSignReason!: string | null;

  @Field(() => String, { nullable: true, description: 'JPEG data URL.' })
  photo!: string | null;
}

@ObjectType('CareService', { description: '关爱服务: a service delivered (on a visit or on its own).' })
export class CareServiceType {
  @Field(() => ID, { description: 'The care service.' })
  id!: string;

  @Field(() => CareKind, { description: 'What kind of service.' })
  kind!: CareKind;

  @Field(() => String, { nullable: true, description: 'What was done, in words.' })
  content!: string | null;

  @Field(() => LocalDate, { description: 'The day it was delivered (China time).' })
  deliveredOn!: string;

  @Field(() => ID, { nullable: true, description: 'The visit it was delivered on; null when delivered on its own.' })
  visitId!: string | null;
}

@ObjectType('Visit', { description: '探访关爱服务记录表: one visit, with every field of the official form.' })
export class VisitType {
  @Field(() => ID, { description: 'The visit record.' })
  id!: string;

  @Field(() => ID, { description: 'The elder visited.' })
  elderId!: string;

  @Field(() => Int, { description: '第几次探访: numbered per elder.' })
  seq!: number;

  @Field(() => GraphQLDateTimeISO, { description: 'When the visit took place (ISO 8601 with offset).' })
  visitedAt!: Date;

  @Field(() => LocalDate, { description: 'The day in China time; the window it counts in.' })
  visitedOn!: string;

  @Field(() => VisitMethod, { description: '探访方式: how the visit was made.' })
  method!: VisitMethod;

  @Field(() => VisitorType, { nullable: true, description: 'Who visited (探访人员); null for an imported ledger line whose visitor did not match (see visitorNameAsWritten).' })
  visitor!: VisitorType | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The visitor as an imported ledger (importVisits) wrote them, when no visitor of the elder’s village or town matched: then `visitor` is null and this names who visited. Null otherwise.',
  })
  visitorNameAsWritten!: string | null;

  @Field(() => String, { description: 'Who entered it (信息录入人), by username.' })
  enteredBy!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When it was entered (录入时间); LATE_ENTRY compares it with visitedAt.' })
  enteredAt!: Date;

  @Field(() => ID, { nullable: true, description: 'The extra-visit campaign (叠加探访) it counts for; null for an ordinary visit.' })
  campaignId!: string | null;

  @Field(() => String, { nullable: true, description: '探访地点, in words.' })
  location!: string | null;

  @Field(() => Float, { nullable: true, description: 'GPS latitude in decimal degrees, kept only with the visitor’s consent; null otherwise.' })
  latitude!: number | null;

  @Field(() => Float, { nullable: true, description: 'GPS longitude in decimal degrees, kept only with the visitor’s consent; null otherwise.' })
  longitude!: number | null;

  @Field(() => Int, { nullable: true, description: 'How long the visit lasted, in minutes.' })
  durationMinutes!: number | null;

  @Field(() => HouseholdChange, { nullable: true, description: '家庭人口' })
  householdChange!: HouseholdChange | null;

  @Field(() => Int, { nullable: true, description: 'By how many people.' })
  householdChangeCount!: number | null;

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

  @Field(() => Safety, { nullable: true, description: '燃气安全' })
  gasSafety!: Safety | null;

  @Field(() => Safety, { nullable: true, description: '水暖安全' })
  waterHeatingSafety!: Safety | null;

  @Field(() => Safety, { nullable: true, description: '用电安全' })
  electricitySafety!: Safety | null;

  @Field(() => Boolean, { nullable: true, description: '住房存在安全隐患' })
  housingUnsafe!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '无人照料' })
  unattended!: boolean | null;

  @Field(() => Trend, { nullable: true, description: '个人卫生' })
  personalHygiene!: Trend | null;

  @Field(() => Trend, { nullable: true, description: '家庭卫生' })
  homeHygiene!: Trend | null;

  @Field(() => Trend, { nullable: true, description: '室内环境' })
  indoorEnvironment!: Trend | null;

  @Field(() => String, { nullable: true, description: '老年人服务需求' })
  serviceNeeds!: string | null;

  @Field(() => String, { nullable: true, description: '实施关爱服务建议' })
  careSuggestions!: string | null;

  @Field(() => Boolean, { description: '探访人员签字' })
  visitorSigned!: boolean;

  @Field(() => Boolean, { description: '被探访人签字' })
  elderSigned!: boolean;

  @Field(() => Satisfaction, { nullable: true, description: '老年人服务满意度评价' })
  satisfaction!: Satisfaction | null;

  @Field(() => String, { nullable: true, description: 'Free notes.' })
  notes!: string | null;

  @Field(() => [CareServiceType], { description: '关爱服务情况: services delivered on this visit.' })
  careServices!: CareServiceType[];

  @Field(() => [ID], { description: 'Alerts this visit raised (by the rules table).' })
  alertIds!: string[];

  @Field(() => [VisitFlag], {
    description:
      'Flags computed when the visit was recorded (the distance flag again when the town moves the reference location). Imported paper records (importVisits) are transcriptions entered late by nature: they are never LATE_ENTRY.',
  })
  flags!: VisitFlag[];

  @Field(() => Int, { nullable: true, description: 'A home visit’s distance in metres from the elder’s reference location (null without GPS or reference).' })
  distanceMeters!: number | null;

  @Field(() => VisitProofSummaryType, { nullable: true, description: 'Signatures and photo captured on screen (null when none was sent).' })
  proof!: VisitProofSummaryType | null;
}

export const VisitConnection = connectionOf('Visit', VisitType, 'Visit records, newest first.');

@InputType({ description: 'A care service delivered on a visit.' })
export class CareServiceInput {
  @Field(() => CareKind, { description: 'What kind of service.' })
  kind!: CareKind;

  @Field(() => String, { nullable: true, description: 'What was done, in words.' })
  content?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Default: the visit day.' })
  deliveredOn?: string | null;
}

/** The findings of the visit record form (探访记录表), shared by a live record and an imported ledger line. */
@InputType()
export abstract class VisitFindingsInput {
  @Field(() => String, { nullable: true, description: '探访地点: where the visit took place, in words, up to 200 characters.' })
  location?: string | null;

  @Field(() => Int, { nullable: true, description: 'How long the visit lasted, in minutes, 1 to 1440.' })
  durationMinutes?: number | null;

  @Field(() => HouseholdChange, { nullable: true, description: '家庭人口: whether the household grew or shrank since the last visit.' })
  householdChange?: HouseholdChange | null;

  @Field(() => Int, { nullable: true, description: 'By how many people (1 to 20); only when householdChange is INCREASED or DECREASED.' })
  householdChangeCount?: number | null;

  @Field(() => Trend, { nullable: true, description: '表达能力: ability to express oneself compared with the last visit.' })
  expression?: Trend | null;

  @Field(() => Trend, { nullable: true, description: '行动能力: mobility compared with the last visit.' })
  mobility?: Trend | null;

  @Field(() => DiseaseStatus, { nullable: true, description: '疾病状况: SERIOUS requires diseaseName.' })
  disease?: DiseaseStatus | null;

  @Field(() => String, { nullable: true, description: '疾病名称: the serious illness, up to 100 characters.' })
  diseaseName?: string | null;

  @Field(() => Trend, { nullable: true, description: '情绪状态: mood compared with the last visit.' })
  mood?: Trend | null;

  @Field(() => Safety, { nullable: true, description: '燃气安全: gas safety.' })
  gasSafety?: Safety | null;

  @Field(() => Safety, { nullable: true, description: '水暖安全: water and heating safety.' })
  waterHeatingSafety?: Safety | null;

  @Field(() => Safety, { nullable: true, description: '用电安全: electrical safety.' })
  electricitySafety?: Safety | null;

  @Field(() => Boolean, { nullable: true, description: '住房存在安全隐患: true raises an urgent alert under the default alert rules (referred to housing 住建).' })
  housingUnsafe?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '无人照料: the elder has no one caring for them; true raises an urgent alert under the default alert rules.' })
  unattended?: boolean | null;

  @Field(() => Trend, { nullable: true, description: '个人卫生: personal hygiene compared with the last visit.' })
  personalHygiene?: Trend | null;

  @Field(() => Trend, { nullable: true, description: '家庭卫生: home hygiene compared with the last visit.' })
  homeHygiene?: Trend | null;

  @Field(() => Trend, { nullable: true, description: '室内环境: the indoor living environment compared with the last visit.' })
  indoorEnvironment?: Trend | null;

  @Field(() => String, { nullable: true, description: '老年人服务需求: what the elder asks for, up to 1,000 characters.' })
  serviceNeeds?: string | null;

  @Field(() => String, { nullable: true, description: '实施关爱服务建议: the care the visitor recommends, up to 1,000 characters.' })
  careSuggestions?: string | null;

  @Field(() => Boolean, { nullable: true, description: '探访人员签字: the paper form carries the visitor’s signature (default false).' })
  visitorSigned?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '被探访人签字: the paper form carries the elder’s (or a family member’s) signature (default false).' })
  elderSigned?: boolean | null;

  @Field(() => Satisfaction, { nullable: true, description: '老年人服务满意度评价: the elder’s satisfaction rating.' })
  satisfaction?: Satisfaction | null;

  @Field(() => String, { nullable: true, description: 'Free notes, up to 1,000 characters.' })
  notes?: string | null;
}

@InputType({ description: 'Proof of the visit captured on the device: signatures drawn on screen, an optional photo, consent to keep GPS.' })
export class VisitProofInput {
  @Field(() => String, { nullable: true, description: '探访人员签字: PNG data URL (data:image/png;base64,...), 64 KB at most decoded.' })
  visitorSignature?: string | null;

  @Field(() => String, { nullable: true, description: '被探访人签字: PNG data URL, 64 KB at most decoded. Needs `elderSigner`.' })
  elderSignature?: string | null;

  @Field(() => ElderSigner, { nullable: true, description: 'Who signed for the visited side: the elder, a family member or someone else.' })
  elderSigner?: ElderSigner | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the visited side could not sign (up to 200 characters): required when signatures are captured without the elder’s.',
  })
  elderUnableToSignReason?: string | null;

  @Field(() => String, { nullable: true, description: 'JPEG data URL (data:image/jpeg;base64,...), 400 KB at most decoded.' })
  photo?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'The visitor agreed to keep the GPS location: latitude and longitude are refused without it.' })
  locationConsent?: boolean | null;
}

@InputType({ description: 'A visit record. Only `elderId`, `visitedAt` and `method` are required.' })
export class RecordVisitInput extends VisitFindingsInput {
  @Field(() => ID, { description: 'The elder visited.' })
  elderId!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'Not in the future, not before the archive was registered.' })
  visitedAt!: Date;

  @Field(() => VisitMethod, { description: '探访方式: how the visit was made.' })
  method!: VisitMethod;

  @Field(() => ID, { nullable: true, description: 'Default: the visitor linked to your login.' })
  visitorId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Client-chosen key (up to 100 characters): a retried submission with the same key records once and returns the first record.',
  })
  idempotencyKey?: string | null;

  @Field(() => ID, { nullable: true, description: 'The extra-visit campaign (叠加探访) this visit is for; it must cover the elder’s region and the visit day.' })
  campaignId?: string | null;

  @Field(() => Float, { nullable: true, description: 'GPS latitude in decimal degrees, -90 to 90; give both or neither. Kept only with consent (proof).' })
  latitude?: number | null;

  @Field(() => Float, { nullable: true, description: 'GPS longitude in decimal degrees, -180 to 180; give both or neither.' })
  longitude?: number | null;

  @Field(() => [CareServiceInput], { nullable: true, description: '关爱服务情况: services delivered on this visit.' })
  careServices?: CareServiceInput[] | null;

  @Field(() => VisitProofInput, { nullable: true, description: 'Signatures, photo and location consent. A drawn signature also sets `visitorSigned`/`elderSigned`.' })
  proof?: VisitProofInput | null;
}


@InputType({ description: 'Which visits to list; every condition given must hold.' })
export class VisitFilter {
  @Field(() => String, { nullable: true, description: 'Region subtree (default: your jurisdiction).' })
  regionCode?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this elder’s visits.' })
  elderId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this visitor’s visits.' })
  visitorId?: string | null;

  @Field(() => [VisitMethod], { nullable: true, description: 'Only visits made in one of these ways.' })
  methods?: VisitMethod[] | null;

  @Field(() => LocalDate, { nullable: true, description: 'Visits on or after this day (YYYY-MM-DD, China time).' })
  from?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Visits on or before this day (YYYY-MM-DD, China time).' })
  to?: string | null;

  @Field(() => [VisitFlag], { nullable: true, description: 'Visits with any of these flags (探访核查).' })
  flags?: VisitFlag[] | null;
}

@InputType({ description: 'A care service delivered outside a visit (三个一: cleaning, laundry, haircut, ...).' })
export class RecordCareServiceInput {
  @Field(() => ID, { description: 'The elder served.' })
  elderId!: string;

  @Field(() => CareKind, { description: 'What kind of service.' })
  kind!: CareKind;

  @Field(() => String, { nullable: true, description: 'What was done, in words.' })
  content?: string | null;

  @Field(() => LocalDate, { description: 'The day it was delivered (YYYY-MM-DD, China time).' })
  deliveredOn!: string;
}

@ObjectType('ElderReferenceLocationResult', { description: 'The reference location set, and how many of the elder’s home visits it re-flagged.' })
export class ElderReferenceLocationResultType {
  @Field(() => ID, { description: 'The elder.' })
  elderId!: string;

  @Field(() => ReferenceLocationType, { description: 'The reference location now in force.' })
  referenceLocation!: ReferenceLocationType;

  @Field(() => Int, { description: 'Home visits with GPS whose distance or FAR_FROM_REFERENCE flag changed.' })
  visitsRechecked!: number;
}

@ObjectType('VisitFlagThresholds', { description: 'The thresholds the visit flags are judged by (server configuration), to explain them in words.' })
export class VisitFlagThresholdsType {
  @Field(() => Int, { description: 'FAR_FROM_REFERENCE: farther than this many metres (TANFANG_VISIT_MAX_DISTANCE_M).' })
  maxDistanceMeters!: number;

  @Field(() => Int, { description: 'LATE_ENTRY: entered more than this many hours after the visit (TANFANG_VISIT_LATE_ENTRY_HOURS).' })
  lateEntryHours!: number;

  @Field(() => Int, { description: 'SHORT_DURATION: a home visit shorter than this many minutes (TANFANG_VISIT_MIN_MINUTES).' })
  minMinutes!: number;
}
