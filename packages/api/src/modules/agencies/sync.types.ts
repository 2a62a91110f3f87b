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
  description: 'What a sync did with one record (同步结果).',
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
  description: 'Whom a synced record was matched to, by ID number (匹配结果).',
  valuesConfig: labelled(MatchKind, {
    ELDER: '按身份证号匹配到本辖区的老年人档案',
    CANDIDATE: '未建档但符合条件：已列入乡镇摸排名单（候选对象）',
    NONE: '未匹配',
  }),
});

@ObjectType('SyncFieldError', { description: 'Why one field of a synced record was refused (the record is REJECTED, the rest of the batch is not).' })
export class SyncFieldErrorType {
  @Field(() => String, { description: 'The field of the record input, e.g. `idNumber` or `movedOn`.' })
  field!: string;

  @Field(() => String, { description: 'What is wrong and how to fix it, in Chinese.' })
  message!: string;

  @Field(() => String, { description: 'The same in English.' })
  messageEn!: string;
}

@ObjectType('SyncRecordResult', { description: 'What happened to one record of a batch, in the order sent.' })
export class SyncRecordResultType {
  @Field(() => String, { description: "The agency's own record id, as sent." })
  externalId!: string;

  @Field(() => SyncStatus, { description: 'What the sync did with the record.' })
  status!: SyncStatus;

  @Field(() => MatchKind, { description: 'Whom the record was matched to by its ID number.' })
  match!: MatchKind;

  @Field(() => ID, { nullable: true, description: 'The archive matched (match ELDER); null otherwise.' })
  elderId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The survey candidate queued for the town (match CANDIDATE); null otherwise and on a dry run.' })
  candidateId!: string | null;

  @Field(() => [SyncFieldErrorType], { description: 'Why the record was REJECTED, every wrong field at once; empty otherwise.' })
  errors!: SyncFieldErrorType[];
}

@ObjectType('SyncResult', {
  description:
    'The answer to a sync batch. A replay with the same idempotencyKey returns this same answer (replayed: true) and changes nothing.',
})
export class SyncResultType {
  @Field(() => ID, { nullable: true, description: 'The stored batch; null for a dry run (nothing was stored).' })
  batchId!: string | null;

  @Field(() => String, { description: 'The key the batch was sent with.' })
  idempotencyKey!: string;

  @Field(() => Boolean, {
    description: 'true: nothing was written; the verdicts, matches and counts are what a real run would give now (candidateId stays null: no candidate was queued).',
  })
  dryRun!: boolean;

  @Field(() => Boolean, { description: 'true: this key was already used; this is the stored answer of that run and nothing was written now.' })
  replayed!: boolean;

  @Field(() => Int, { description: 'Number of records in the batch.' })
  received!: number;

  @Field(() => Int, { description: 'Records stored for the first time (status CREATED).' })
  created!: number;

  @Field(() => Int, { description: 'Records replaced by a higher sourceVersion (status UPDATED).' })
  updated!: number;

  @Field(() => Int, { description: 'Records already stored with the same version and content (status UNCHANGED).' })
  unchanged!: number;

  @Field(() => Int, { description: 'Records refused for invalid fields (status REJECTED); see their errors.' })
  rejected!: number;

  @Field(() => Int, { description: 'Records older than, or differing at the same version from, what is stored (status CONFLICT).' })
  conflicts!: number;

  @Field(() => [SyncRecordResultType], { description: 'One result per record, in the order sent.' })
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

    @Field(() => [record], { description: 'The records, up to 5,000. Each is checked on its own: an invalid one is REJECTED with its errors and the others still apply.' })
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
@InputType({ description: 'A residence change (户籍/居住地变化) from the police: moves the archive to the new village, or closes it as moved away.' })
export class ResidenceChangeInput extends AgencyRecordBase {
  @Field(() => String, { description: 'The new village (12-digit code); outside the region tree means moved away.' })
  newRegionCode!: string;

  @Field(() => String, { nullable: true, description: 'The street address at the new place, up to 200 characters.' })
  newAddress?: string | null;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  movedOn!: string;
}
export const ResidenceChangeBatch = batchOf('ResidenceChangeBatch', ResidenceChangeInput, 'residence changes (户籍/居住地变化)');

@InputType({ description: 'A death registration (死亡登记) from the police: closes the matched archive and stops its visit requirements.' })
export class DeathRegistrationInput extends AgencyRecordBase {
  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  diedOn!: string;

  @Field(() => String, { nullable: true, description: 'The death certificate number, up to 50 characters.' })
  certificateNumber?: string | null;
}
export const DeathRegistrationBatch = batchOf('DeathRegistrationBatch', DeathRegistrationInput, 'death registrations (死亡登记)');

@InputType({ description: 'A missing-person report (走失报告) from the police: an open one raises an alert for the elder, resolved when a record with foundOn arrives.' })
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
registerEnumType(IncidentKind, { name: 'IncidentKind', description: 'Kind of incident the police report.', valuesConfig: labelled(IncidentKind, { ABUSE: '虐待、侵害老年人', FRAUD: '诈骗老年人' }) });

@InputType({ description: 'An abuse or fraud incident (侵害、诈骗案事件) involving an elder, from the police: raises an alert.' })
export class IncidentInput extends AgencyRecordBase {
  @Field(() => String, { description: 'One of ABUSE or FRAUD; checked per record.' })
  incidentKind!: IncidentKind;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  occurredOn!: string;

  @Field(() => String, { description: 'What happened, 1 to 500 characters (shown on the alert).' })
  summary!: string;
}
export const IncidentBatch = batchOf('IncidentBatch', IncidentInput, 'abuse and fraud incidents (侵害、诈骗案事件)');

@InputType({ description: 'Anti-fraud outreach (反诈宣传) the police gave an elder.' })
export class AntiFraudOutreachInput extends AgencyRecordBase {
  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  deliveredOn!: string;

  @Field(() => String, { description: 'What the outreach was about, 1 to 200 characters.' })
  topic!: string;
}
export const AntiFraudOutreachBatch = batchOf('AntiFraudOutreachBatch', AntiFraudOutreachInput, 'anti-fraud outreach (反诈宣传)');

@InputType({ description: 'One resident aged 60 or over on the household-registration roll (户籍老年人名册): someone not yet in the registry becomes a survey candidate.' })
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
@InputType({ description: 'A family-planning special family (计划生育特殊家庭) recognized by health: sets the circumstance on the archive (may change the class).' })
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
  description: 'The incapacity level an assessment found (失能等级).',
  valuesConfig: labelled(AssessedIncapacity, { NONE: '能力完好（非失能）', PARTIAL: '部分失能', FULL: '完全失能' }),
});

@InputType({ description: 'An incapacity assessment (失能评估) from health: sets the incapacity level on the archive (may change the class).' })
export class IncapacityAssessmentInput extends AgencyRecordBase {
  @Field(() => String, { description: 'One of NONE, PARTIAL or FULL; checked per record.' })
  level!: AssessedIncapacity;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  assessedOn!: string;
}
export const IncapacityAssessmentBatch = batchOf('IncapacityAssessmentBatch', IncapacityAssessmentInput, 'incapacity assessments (失能评估)');

@InputType({ description: 'A family-doctor contract (家庭医生签约) from health.' })
export class FamilyDoctorContractInput extends AgencyRecordBase {
  @Field(() => String, { description: 'The contracted family doctor, 1 to 50 characters.' })
  doctorName!: string;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  signedOn!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, checked per record.' })
  expiresOn?: string | null;
}
export const FamilyDoctorContractBatch = batchOf('FamilyDoctorContractBatch', FamilyDoctorContractInput, 'family-doctor contracts (家庭医生签约)');

@InputType({ description: 'An annual health check for people aged 65+ (老年人健康体检) from health.' })
export class HealthCheckInput extends AgencyRecordBase {
  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  checkedOn!: string;

  @Field(() => String, { nullable: true, description: 'The findings, up to 500 characters.' })
  summary?: string | null;
}
export const HealthCheckBatch = batchOf('HealthCheckBatch', HealthCheckInput, 'annual health checks for 65+ (老年人健康体检)');

@InputType({ description: 'A chronic-disease follow-up (慢病随访) from health.' })
export class ChronicFollowUpInput extends AgencyRecordBase {
  @Field(() => String, { description: 'The chronic disease followed up, 1 to 100 characters.' })
  disease!: string;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  followedOn!: string;
}
export const ChronicFollowUpBatch = batchOf('ChronicFollowUpBatch', ChronicFollowUpInput, 'chronic-disease follow-ups (慢病随访)');

// ---- disability federation
@InputType({ description: 'A disability certificate (残疾人证) from the disability federation: sets disability, category and grade on the archive (severe 重残 = grade 1-2; may change the class); cancelledOn withdraws it.' })
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
  description: 'Dangerous-housing appraisal grade (房屋危险性等级), A (safe) to D (the whole building dangerous).',
  valuesConfig: labelled(HousingGrade, { A: 'A级（安全）', B: 'B级（基本安全）', C: 'C级（局部危险）', D: 'D级（整幢危险）' }),
});

@InputType({ description: 'A housing safety appraisal (房屋安全鉴定) from housing: grades C and D mark the housing unsafe.' })
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
  description: 'Kind of home renovation reported by housing.',
  valuesConfig: labelled(RenovationKind, { DANGEROUS_HOUSING: '危房改造', AGE_FRIENDLY: '适老化改造' }),
});

export enum RenovationStatus {
  PLANNED = 'PLANNED',
  IN_PROGRESS = 'IN_PROGRESS',
  DONE = 'DONE',
}
registerEnumType(RenovationStatus, {
  name: 'RenovationStatus',
  description: 'How far a renovation has got.',
  valuesConfig: labelled(RenovationStatus, { PLANNED: '已列入计划', IN_PROGRESS: '施工中', DONE: '已完成' }),
});

@InputType({ description: 'The state of a renovation (危房改造 or 适老化改造) of an elder’s home, from housing.' })
export class HousingRenovationInput extends AgencyRecordBase {
  @Field(() => String, { description: 'One of DANGEROUS_HOUSING or AGE_FRIENDLY; checked per record.' })
  renovationKind!: RenovationKind;

  @Field(() => String, { description: 'One of PLANNED, IN_PROGRESS or DONE; checked per record.' })
  status!: RenovationStatus;

  @Field(() => String, { description: 'YYYY-MM-DD. Checked per record: a bad date rejects only its record.' })
  updatedOn!: string;
}
export const HousingRenovationBatch = batchOf('HousingRenovationBatch', HousingRenovationInput, 'renovations (危房改造、适老化改造)');
