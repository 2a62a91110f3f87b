import { Field, ID, InputType, Int, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import { labelled } from '../../graphql/enums.js';
import { DisabilityCategory, FamilyPlanningKind } from '../elders/elder.enums.js';

export enum SyncStatus {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  UNCHANGED = 'UNCHANGED',
  REJECTED = 'REJECTED',
  CONFLICT = 'CONFLICT',
}
registerEnumType(SyncStatus, {
  name: 'SyncStatus',
  valuesConfig: labelled(SyncStatus, {
    CREATED: '新增',
    UPDATED: '已更新（来源版本更高）',
    UNCHANGED: '无变化（同一版本、同一内容）',
    REJECTED: '被拒绝（见 errors），其余记录不受影响',
    CONFLICT: '冲突：来源版本低于已存版本，或同一版本内容不同',
  }),
});

export enum MatchKind {
  ELDER = 'ELDER',
  CANDIDATE = 'CANDIDATE',
  NONE = 'NONE',
}
registerEnumType(MatchKind, {
  name: 'MatchKind',
  valuesConfig: labelled(MatchKind, {
    ELDER: '按身份证号匹配到本辖区的老年人档案',
    CANDIDATE: '未建档但符合条件：已列入乡镇摸排名单（候选对象）',
    NONE: '未匹配',
  }),
});

@ObjectType('SyncFieldError')
export class SyncFieldErrorType {
  @Field(() => String)
  field!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String)
  messageEn!: string;
}

@ObjectType('SyncRecordResult', { description: 'What happened to one record of a batch, in the order sent.' })
export class SyncRecordResultType {
  @Field(() => String)
  externalId!: string;

  @Field(() => SyncStatus)
  status!: SyncStatus;

  @Field(() => MatchKind)
  match!: MatchKind;

  @Field(() => ID, { nullable: true })
  elderId!: string | null;

  @Field(() => ID, { nullable: true })
  candidateId!: string | null;

  @Field(() => [SyncFieldErrorType])
  errors!: SyncFieldErrorType[];
}

@ObjectType('SyncResult', {
  description:
    'The answer to a sync batch. A replay with the same idempotencyKey returns this same answer (replayed: true) and changes nothing.',
})
export class SyncResultType {
  @Field(() => ID, { nullable: true, description: 'The stored batch; null for a dry run (nothing was stored).' })
  batchId!: string | null;

  @Field(() => String)
  idempotencyKey!: string;

  @Field(() => Boolean, {
    description: 'true: nothing was written; the verdicts, matches and counts are what a real run would give now (candidateId stays null: no candidate was queued).',
  })
  dryRun!: boolean;

  @Field(() => Boolean)
  replayed!: boolean;

  @Field(() => Int)
  received!: number;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => Int)
  conflicts!: number;

  @Field(() => [SyncRecordResultType])
  results!: SyncRecordResultType[];
}

/** Fields every agency record carries: the agency's own id and version, and whom it is about. */
@InputType('AgencyRecordFields', { description: 'The fields every agency record input has (each record input repeats them).' })
export class AgencyRecordBase {
  @Field(() => String, { description: "The agency's own record id (1-100 characters): the key of upserts." })
  externalId!: string;

  @Field(() => String, { description: 'The person’s 18-character ID number: how records are matched to archives.' })
  idNumber!: string;

  @Field(() => String, { nullable: true, description: 'The name as the agency has it (used for survey candidates).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'The village (12-digit code) where the agency knows the person lives.' })
  regionCode?: string | null;

  @Field(() => Int, {
    defaultValue: 1,
    description: "The agency's version of this record: a higher one updates, a lower one is CONFLICT, the same one with other content is CONFLICT.",
  })
  sourceVersion!: number;
}

function batchOf<T extends object>(name: string, record: ClassType<T>, what: string) {
  @InputType(name, { description: `A batch of ${what}: up to 5,000 records, idempotent by key.` })
  class Batch {
    @Field(() => String, { description: 'Chosen by the agency (1-100 characters): the same key with the same records is a replay.' })
    idempotencyKey!: string;

    @Field(() => [record])
    records!: T[];

    @Field(() => Boolean, {
      nullable: true,
      defaultValue: false,
      description:
        'true: nothing is written (no agency record, effect, candidate, data conflict, audit entry, change-feed row or stored answer) and the answer is exactly what a real run would give now: the same statuses, matches and errors; batchId is null and a CANDIDATE match has no candidateId yet. A key already used by a real run gives that run’s stored answer (replayed: true, dryRun: false), as a real run would.',
    })
    dryRun?: boolean | null;
  }
  return Batch;
}

// ---- police
@InputType()
export class ResidenceChangeInput extends AgencyRecordBase {
  @Field(() => String, { description: 'The new village (12-digit code); outside the region tree means moved away.' })
  newRegionCode!: string;

  @Field(() => String, { nullable: true })
  newAddress?: string | null;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  movedOn!: string;
}
export const ResidenceChangeBatch = batchOf('ResidenceChangeBatch', ResidenceChangeInput, 'residence changes (户籍/居住地变化)');

@InputType()
export class DeathRegistrationInput extends AgencyRecordBase {
  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  diedOn!: string;

  @Field(() => String, { nullable: true })
  certificateNumber?: string | null;
}
export const DeathRegistrationBatch = batchOf('DeathRegistrationBatch', DeathRegistrationInput, 'death registrations (死亡登记)');

@InputType()
export class MissingPersonReportInput extends AgencyRecordBase {
  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  reportedOn!: string;

  @Field(() => String, { nullable: true, description: 'When the person was found; open while null. YYYY-MM-DD, checked per record.' })
  foundOn?: string | null;
}
export const MissingPersonReportBatch = batchOf('MissingPersonReportBatch', MissingPersonReportInput, 'missing-person reports (走失报告)');

export enum IncidentKind {
  ABUSE = 'ABUSE',
  FRAUD = 'FRAUD',
}
registerEnumType(IncidentKind, { name: 'IncidentKind', valuesConfig: labelled(IncidentKind, { ABUSE: '虐待、侵害老年人', FRAUD: '诈骗老年人' }) });

@InputType()
export class IncidentInput extends AgencyRecordBase {
  @Field(() => String, { description: 'One of ABUSE or FRAUD; checked per record.' })
  incidentKind!: IncidentKind;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  occurredOn!: string;

  @Field(() => String)
  summary!: string;
}
export const IncidentBatch = batchOf('IncidentBatch', IncidentInput, 'abuse and fraud incidents (侵害、诈骗案事件)');

@InputType()
export class AntiFraudOutreachInput extends AgencyRecordBase {
  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  deliveredOn!: string;

  @Field(() => String)
  topic!: string;
}
export const AntiFraudOutreachBatch = batchOf('AntiFraudOutreachBatch', AntiFraudOutreachInput, 'anti-fraud outreach (反诈宣传)');

@InputType()
export class ResidentRollInput extends AgencyRecordBase {
  @Field(() => String, { description: 'YYYY-MM-DD: the day of the register extract; the person must be 60 or over on it. Checked per record.' })
  listedOn!: string;
}
export const ResidentRollBatch = batchOf(
  'ResidentRollBatch',
  ResidentRollInput,
  'household-registration roll entries of residents aged 60+ (户籍老年人名册); name and regionCode (the village) are required',
);

// ---- health
@InputType()
export class FamilyPlanningFamilyInput extends AgencyRecordBase {
  @Field(() => String, { description: 'One of ONLY_CHILD_DISABLED or ONLY_CHILD_DECEASED; checked per record.' })
  familyPlanningKind!: FamilyPlanningKind;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  recognizedOn!: string;
}
export const FamilyPlanningFamilyBatch = batchOf('FamilyPlanningFamilyBatch', FamilyPlanningFamilyInput, 'family-planning special families (计划生育特殊家庭)');

export enum AssessedIncapacity {
  NONE = 'NONE',
  PARTIAL = 'PARTIAL',
  FULL = 'FULL',
}
registerEnumType(AssessedIncapacity, {
  name: 'AssessedIncapacity',
  valuesConfig: labelled(AssessedIncapacity, { NONE: '能力完好（非失能）', PARTIAL: '部分失能', FULL: '完全失能' }),
});

@InputType()
export class IncapacityAssessmentInput extends AgencyRecordBase {
  @Field(() => String, { description: 'One of NONE, PARTIAL or FULL; checked per record.' })
  level!: AssessedIncapacity;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  assessedOn!: string;
}
export const IncapacityAssessmentBatch = batchOf('IncapacityAssessmentBatch', IncapacityAssessmentInput, 'incapacity assessments (失能评估)');

@InputType()
export class FamilyDoctorContractInput extends AgencyRecordBase {
  @Field(() => String)
  doctorName!: string;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  signedOn!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, checked per record.' })
  expiresOn?: string | null;
}
export const FamilyDoctorContractBatch = batchOf('FamilyDoctorContractBatch', FamilyDoctorContractInput, 'family-doctor contracts (家庭医生签约)');

@InputType()
export class HealthCheckInput extends AgencyRecordBase {
  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  checkedOn!: string;

  @Field(() => String, { nullable: true })
  summary?: string | null;
}
export const HealthCheckBatch = batchOf('HealthCheckBatch', HealthCheckInput, 'annual health checks for 65+ (老年人健康体检)');

@InputType()
export class ChronicFollowUpInput extends AgencyRecordBase {
  @Field(() => String)
  disease!: string;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  followedOn!: string;
}
export const ChronicFollowUpBatch = batchOf('ChronicFollowUpBatch', ChronicFollowUpInput, 'chronic-disease follow-ups (慢病随访)');

// ---- disability federation
@InputType()
export class DisabilityCertificateInput extends AgencyRecordBase {
  @Field(() => String, { description: '20 characters: the ID number, the category digit (1-7) and the grade digit (1-4).' })
  certificateNumber!: string;

  @Field(() => String, { description: 'One of VISUAL, HEARING, SPEECH, PHYSICAL, INTELLECTUAL, MENTAL or MULTIPLE (national codes 1-7); checked per record.' })
  category!: DisabilityCategory;

  @Field(() => Int, { description: '1 (most severe) to 4.' })
  grade!: number;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  issuedOn!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, checked per record.' })
  cancelledOn?: string | null;
}
export const DisabilityCertificateBatch = batchOf('DisabilityCertificateBatch', DisabilityCertificateInput, 'disability certificates (残疾人证)');

// ---- housing
export enum HousingGrade {
  A = 'A',
  B = 'B',
  C = 'C',
  D = 'D',
}
registerEnumType(HousingGrade, {
  name: 'HousingGrade',
  valuesConfig: labelled(HousingGrade, { A: 'A级（安全）', B: 'B级（基本安全）', C: 'C级（局部危险）', D: 'D级（整幢危险）' }),
});

@InputType()
export class HousingAppraisalInput extends AgencyRecordBase {
  @Field(() => String, { description: 'One of A, B, C or D; checked per record.' })
  grade!: HousingGrade;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  appraisedOn!: string;
}
export const HousingAppraisalBatch = batchOf('HousingAppraisalBatch', HousingAppraisalInput, 'housing safety appraisals (房屋安全鉴定)');

export enum RenovationKind {
  DANGEROUS_HOUSING = 'DANGEROUS_HOUSING',
  AGE_FRIENDLY = 'AGE_FRIENDLY',
}
registerEnumType(RenovationKind, {
  name: 'RenovationKind',
  valuesConfig: labelled(RenovationKind, { DANGEROUS_HOUSING: '危房改造', AGE_FRIENDLY: '适老化改造' }),
});

export enum RenovationStatus {
  PLANNED = 'PLANNED',
  IN_PROGRESS = 'IN_PROGRESS',
  DONE = 'DONE',
}
registerEnumType(RenovationStatus, {
  name: 'RenovationStatus',
  valuesConfig: labelled(RenovationStatus, { PLANNED: '已列入计划', IN_PROGRESS: '施工中', DONE: '已完成' }),
});

@InputType()
export class HousingRenovationInput extends AgencyRecordBase {
  @Field(() => String, { description: 'One of DANGEROUS_HOUSING or AGE_FRIENDLY; checked per record.' })
  renovationKind!: RenovationKind;

  @Field(() => String, { description: 'One of PLANNED, IN_PROGRESS or DONE; checked per record.' })
  status!: RenovationStatus;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  updatedOn!: string;
}
export const HousingRenovationBatch = batchOf('HousingRenovationBatch', HousingRenovationInput, 'renovations (危房改造、适老化改造)');
