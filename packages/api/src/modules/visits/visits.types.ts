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
  name: 'VisitMethod',
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
registerEnumType(Trend, { name: 'Trend', valuesConfig: labelled(Trend, { UNCHANGED: '无变化', BETTER: '较好', WORSE: '较差' }) });

export enum Safety {
  SAFE = 'SAFE',
  FAIRLY_SAFE = 'FAIRLY_SAFE',
  UNSAFE = 'UNSAFE',
}
registerEnumType(Safety, { name: 'Safety', valuesConfig: labelled(Safety, { SAFE: '安全', FAIRLY_SAFE: '较安全', UNSAFE: '不安全' }) });

export enum DiseaseStatus {
  UNCHANGED = 'UNCHANGED',
  SERIOUS = 'SERIOUS',
  BETTER = 'BETTER',
}
registerEnumType(DiseaseStatus, {
  name: 'DiseaseStatus',
  valuesConfig: labelled(DiseaseStatus, { UNCHANGED: '无变化', SERIOUS: '严重（需填写疾病名称）', BETTER: '转好' }),
});

export enum HouseholdChange {
  UNCHANGED = 'UNCHANGED',
  INCREASED = 'INCREASED',
  DECREASED = 'DECREASED',
}
registerEnumType(HouseholdChange, {
  name: 'HouseholdChange',
  valuesConfig: labelled(HouseholdChange, { UNCHANGED: '无变化', INCREASED: '增加', DECREASED: '减少' }),
});

export enum Satisfaction {
  VERY_SATISFIED = 'VERY_SATISFIED',
  SATISFIED = 'SATISFIED',
  NEUTRAL = 'NEUTRAL',
  DISSATISFIED = 'DISSATISFIED',
}
registerEnumType(Satisfaction, {
  name: 'Satisfaction',
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
  name: 'CareKind',
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
  name: 'VisitFlag',
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
registerEnumType(ElderSigner, { name: 'ElderSigner', valuesConfig: labelled(ElderSigner, { ELDER: '本人', FAMILY_MEMBER: '家属', OTHER: '其他' }) });

export enum ReferenceLocationSource {
  FIRST_HOME_VISIT = 'FIRST_HOME_VISIT',
  SET_BY_TOWN = 'SET_BY_TOWN',
}
registerEnumType(ReferenceLocationSource, {
  name: 'ReferenceLocationSource',
  valuesConfig: labelled(ReferenceLocationSource, { FIRST_HOME_VISIT: '首次上门探访的定位', SET_BY_TOWN: '乡镇（街道）设定' }),
});

@ObjectType('ReferenceLocation', { description: 'Where the elder is visited: home visits farther than the configured distance from it are flagged.' })
export class ReferenceLocationType {
  @Field(() => Float)
  latitude!: number;

  @Field(() => Float)
  longitude!: number;

  @Field(() => ReferenceLocationSource)
  source!: ReferenceLocationSource;

  @Field(() => GraphQLDateTimeISO)
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

  @Field(() => Boolean)
  hasPhoto!: boolean;

  @Field(() => Boolean, { description: 'The visitor agreed to keep the visit’s GPS location.' })
  locationConsent!: boolean;
}

@ObjectType('VisitProofImages', { description: 'The images of a visit’s proof as data URLs. Every read is audited.' })
export class VisitProofImagesType {
  @Field(() => ID)
  visitId!: string;

  @Field(() => String, { nullable: true, description: 'PNG data URL.' })
  visitorSignature!: string | null;

  @Field(() => String, { nullable: true, description: 'PNG data URL.' })
  elderSignature!: string | null;

  @Field(() => ElderSigner, { nullable: true })
  elderSigner!: ElderSigner | null;

  @Field(() => String, { nullable: true })
  elderUnableToSignReason!: string | null;

  @Field(() => String, { nullable: true, description: 'JPEG data URL.' })
  photo!: string | null;
}

@ObjectType('CareService', { description: '关爱服务: a service delivered (on a visit or on its own).' })
export class CareServiceType {
  @Field(() => ID)
  id!: string;

  @Field(() => CareKind)
  kind!: CareKind;

  @Field(() => String, { nullable: true })
  content!: string | null;

  @Field(() => LocalDate)
  deliveredOn!: string;

  @Field(() => ID, { nullable: true })
  visitId!: string | null;
}

@ObjectType('Visit', { description: '探访关爱服务记录表: one visit, with every field of the official form.' })
export class VisitType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  elderId!: string;

  @Field(() => Int, { description: '第几次探访: numbered per elder.' })
  seq!: number;

  @Field(() => GraphQLDateTimeISO)
  visitedAt!: Date;

  @Field(() => LocalDate, { description: 'The day in China time; the window it counts in.' })
  visitedOn!: string;

  @Field(() => VisitMethod)
  method!: VisitMethod;

  @Field(() => VisitorType, { nullable: true })
  visitor!: VisitorType | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The visitor as an imported ledger (importVisits) wrote them, when no visitor of the elder’s village or town matched: then `visitor` is null and this names who visited. Null otherwise.',
  })
  visitorNameAsWritten!: string | null;

  @Field(() => String, { description: 'Who entered it (信息录入人), by username.' })
  enteredBy!: string;

  @Field(() => GraphQLDateTimeISO)
  enteredAt!: Date;

  @Field(() => ID, { nullable: true })
  campaignId!: string | null;

  @Field(() => String, { nullable: true })
  location!: string | null;

  @Field(() => Float, { nullable: true })
  latitude!: number | null;

  @Field(() => Float, { nullable: true })
  longitude!: number | null;

  @Field(() => Int, { nullable: true })
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

  @Field(() => String, { nullable: true })
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

@InputType()
export class CareServiceInput {
  @Field(() => CareKind)
  kind!: CareKind;

  @Field(() => String, { nullable: true })
  content?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Default: the visit day.' })
  deliveredOn?: string | null;
}

/** The findings of the visit record form (探访记录表), shared by a live record and an imported ledger line. */
@InputType()
export abstract class VisitFindingsInput {
  @Field(() => String, { nullable: true })
  location?: string | null;

  @Field(() => Int, { nullable: true })
  durationMinutes?: number | null;

  @Field(() => HouseholdChange, { nullable: true })
  householdChange?: HouseholdChange | null;

  @Field(() => Int, { nullable: true })
  householdChangeCount?: number | null;

  @Field(() => Trend, { nullable: true })
  expression?: Trend | null;

  @Field(() => Trend, { nullable: true })
  mobility?: Trend | null;

  @Field(() => DiseaseStatus, { nullable: true })
  disease?: DiseaseStatus | null;

  @Field(() => String, { nullable: true })
  diseaseName?: string | null;

  @Field(() => Trend, { nullable: true })
  mood?: Trend | null;

  @Field(() => Safety, { nullable: true })
  gasSafety?: Safety | null;

  @Field(() => Safety, { nullable: true })
  waterHeatingSafety?: Safety | null;

  @Field(() => Safety, { nullable: true })
  electricitySafety?: Safety | null;

  @Field(() => Boolean, { nullable: true })
  housingUnsafe?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  unattended?: boolean | null;

  @Field(() => Trend, { nullable: true })
  personalHygiene?: Trend | null;

  @Field(() => Trend, { nullable: true })
  homeHygiene?: Trend | null;

  @Field(() => Trend, { nullable: true })
  indoorEnvironment?: Trend | null;

  @Field(() => String, { nullable: true })
  serviceNeeds?: string | null;

  @Field(() => String, { nullable: true })
  careSuggestions?: string | null;

  @Field(() => Boolean, { nullable: true })
  visitorSigned?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  elderSigned?: boolean | null;

  @Field(() => Satisfaction, { nullable: true })
  satisfaction?: Satisfaction | null;

  @Field(() => String, { nullable: true })
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
  @Field(() => ID)
  elderId!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'Not in the future, not before the archive was registered.' })
  visitedAt!: Date;

  @Field(() => VisitMethod)
  method!: VisitMethod;

  @Field(() => ID, { nullable: true, description: 'Default: the visitor linked to your login.' })
  visitorId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Client-chosen key (up to 100 characters): a retried submission with the same key records once and returns the first record.',
  })
  idempotencyKey?: string | null;

  @Field(() => ID, { nullable: true })
  campaignId?: string | null;

  @Field(() => Float, { nullable: true })
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  longitude?: number | null;

  @Field(() => [CareServiceInput], { nullable: true })
  careServices?: CareServiceInput[] | null;

  @Field(() => VisitProofInput, { nullable: true, description: 'Signatures, photo and location consent. A drawn signature also sets `visitorSigned`/`elderSigned`.' })
  proof?: VisitProofInput | null;
}


@InputType()
export class VisitFilter {
  @Field(() => String, { nullable: true, description: 'Region subtree (default: your jurisdiction).' })
  regionCode?: string | null;

  @Field(() => ID, { nullable: true })
  elderId?: string | null;

  @Field(() => ID, { nullable: true })
  visitorId?: string | null;

  @Field(() => [VisitMethod], { nullable: true })
  methods?: VisitMethod[] | null;

  @Field(() => LocalDate, { nullable: true })
  from?: string | null;

  @Field(() => LocalDate, { nullable: true })
  to?: string | null;

  @Field(() => [VisitFlag], { nullable: true, description: 'Visits with any of these flags (探访核查).' })
  flags?: VisitFlag[] | null;
}

@InputType({ description: 'A care service delivered outside a visit (三个一: cleaning, laundry, haircut, ...).' })
export class RecordCareServiceInput {
  @Field(() => ID)
  elderId!: string;

  @Field(() => CareKind)
  kind!: CareKind;

  @Field(() => String, { nullable: true })
  content?: string | null;

  @Field(() => LocalDate)
  deliveredOn!: string;
}

@ObjectType('ElderReferenceLocationResult', { description: 'The reference location set, and how many of the elder’s home visits it re-flagged.' })
export class ElderReferenceLocationResultType {
  @Field(() => ID)
  elderId!: string;

  @Field(() => ReferenceLocationType)
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
