import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';

export enum AgencyKindEnum {
  POLICE = 'POLICE',
  HEALTH = 'HEALTH',
  DISABILITY = 'DISABILITY',
  HOUSING = 'HOUSING',
  SOCIAL_WORK = 'SOCIAL_WORK',
  COUNSELLING = 'COUNSELLING',
  LEGAL_AID = 'LEGAL_AID',
  CIVIL_AFFAIRS = 'CIVIL_AFFAIRS',
}
registerEnumType(AgencyKindEnum, {
  name: 'AgencyKind',
  description: 'The kind of an agency: a partner that syncs its own records (POLICE, HEALTH, DISABILITY, HOUSING), a service organisation alerts are referred to (SOCIAL_WORK, COUNSELLING, LEGAL_AID), or civil affairs (民政, the lead, never registered as an agency).',
  valuesConfig: labelled(AgencyKindEnum, {
    POLICE: '公安',
    HEALTH: '卫健',
    DISABILITY: '残联',
    HOUSING: '住建',
    SOCIAL_WORK: '社会工作服务机构（接收转介给社会工作者的预警）',
    COUNSELLING: '心理咨询/心理服务机构（接收转介给心理咨询师的预警）',
    LEGAL_AID: '司法所/法律援助（接收转介给司法所的预警）',
    CIVIL_AFFAIRS: '民政',
  }),
});

@ObjectType('Agency', { description: 'A partner agency or service organisation registered at a region: its people get accounts of its role, its systems API keys. Read with region.read (a partner user sees its own agency).' })
export class AgencyType {
  @Field(() => ID, { description: 'The agency\'s id (for apiClients, createApiClient).' })
  id!: string;

  @Field(() => AgencyKindEnum, { description: 'What kind of agency it is (one per kind and region).' })
  kind!: AgencyKindEnum;

  @Field(() => String, { description: 'Its official name, e.g. 开平市公安局 (2-100 characters).' })
  name!: string;

  @Field(() => String, { description: 'The region it serves (2 to 12 digits): it sees and syncs elders of that subtree.' })
  regionCode!: string;
}

@ObjectType('ApiClient', { description: "A partner system's API key (the key itself is shown once, at creation)." })
export class ApiClientType {
  @Field(() => ID, { description: 'The key\'s id (for revokeApiClient); not the key.' })
  id!: string;

  @Field(() => ID, { description: 'The agency whose system uses the key; calls with it act as that agency.' })
  agencyId!: string;

  @Field(() => String, { description: 'What the key is for, e.g. 残联业务系统 (2-100 characters).' })
  name!: string;

  @Field(() => String, { description: 'The first characters of the key, to tell keys apart.' })
  keyPrefix!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When the key was created.' })
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Recorded at most once a minute.' })
  lastUsedAt!: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When it was revoked (from then on it is UNAUTHENTICATED); null while it works.' })
  revokedAt!: Date | null;
}

@ObjectType('CreatedApiClient', { description: 'A new API key (createApiClient): its record and, this once, the key itself.' })
export class CreatedApiClientType {
  @Field(() => ApiClientType, { description: 'The stored record of the key (what apiClients lists).' })
  client!: ApiClientType;

  @Field(() => String, { description: 'Send as `Authorization: Bearer <key>`. Shown only now: it is stored hashed.' })
  key!: string;
}

@ObjectType('AgencyRecord', { description: "One record an agency sent, with its provenance." })
export class AgencyRecordType {
  @Field(() => ID, { description: 'The stored record\'s id.' })
  id!: string;

  @Field(() => AgencyKindEnum, { description: 'The kind of agency that sent it.' })
  agencyKind!: AgencyKindEnum;

  @Field(() => String, { description: 'DISABILITY_CERTIFICATE, DEATH_REGISTRATION, ...' })
  kind!: string;

  @Field(() => String, { description: 'The agency\'s own id of the record, unique per agency and record kind: a newer sourceVersion of the same externalId updates it.' })
  externalId!: string;

  @Field(() => ID, { nullable: true, description: 'The archive it matched by ID number; null when it matched none (a candidate or no match).' })
  elderId!: string | null;

  @Field(() => String, { description: 'Masked.' })
  idNumber!: string;

  @Field(() => LocalDate, { description: 'The day the fact took effect as the agency says (a death, a certificate\'s issue, an appraisal), China calendar.' })
  effectiveOn!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When the API received it.' })
  receivedAt!: Date;

  @Field(() => ID, { description: 'The sync batch it came in (one per idempotencyKey).' })
  batchId!: string;

  @Field(() => Int, { description: 'The agency\'s version of the record: an older one than stored is answered CONFLICT and changes nothing.' })
  sourceVersion!: number;

  @Field(() => GraphQLJSON, { description: "The kind's fields as sent." })
  payload!: Record<string, unknown>;
}

export const AgencyRecordConnection = connectionOf('AgencyRecord', AgencyRecordType, 'Agency records, newest first.');

export enum CandidateStatus {
  PENDING = 'PENDING',
  ENROLLED = 'ENROLLED',
  DISMISSED = 'DISMISSED',
}
registerEnumType(CandidateStatus, {
  name: 'CandidateStatus',
  description: 'Where a survey candidate (摸排候选对象) stands.',
  valuesConfig: labelled(CandidateStatus, { PENDING: '待处理', ENROLLED: '已建档', DISMISSED: '已排除' }),
});

export enum TransferStatus {
  PROPOSED = 'PROPOSED',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
}
registerEnumType(TransferStatus, {
  name: 'TransferStatus',
  description: 'Where a reported move (迁移) stands.',
  valuesConfig: labelled(TransferStatus, { PROPOSED: '待接收', ACCEPTED: '已接收', REJECTED: '不接收' }),
});

export enum DataConflictStatus {
  OPEN = 'OPEN',
  SETTLED = 'SETTLED',
}
registerEnumType(DataConflictStatus, {
  name: 'DataConflictStatus',
  description: 'Where a data conflict (数据冲突) stands.',
  valuesConfig: labelled(DataConflictStatus, { OPEN: '待处理', SETTLED: '已处理' }),
});

/** The deprecation of the String status arguments, the same words everywhere. */
export const STATUS_STRING_DEPRECATION = 'Use statuses (a list of the status enum); the String form goes in the next release.';

@ObjectType('Candidate', {
  description: '摸排候选对象: someone an agency reported who has no archive yet and meets the criteria. Never a silent archive: the town enrolls or dismisses.',
})
export class CandidateType {
  @Field(() => ID, { description: 'The candidate\'s id (for enrollCandidate and dismissCandidate).' })
  id!: string;

  @Field(() => String, { description: 'Masked.' })
  idNumber!: string;

  @Field(() => String, { nullable: true, description: 'The name as an agency reported it; null if none did.' })
  name!: string | null;

  @Field(() => String, { description: 'The region the agencies\' records place them in (the village, 12 digits, where known); the town above works the queue.' })
  regionCode!: string;

  @Field(() => GraphQLJSON, { description: 'The agency records that put them here: [{ kind, label, agency, externalId, effectiveOn }].' })
  reasons!: unknown[];

  @Field(() => CandidateStatus, { description: 'PENDING until the town enrolls (ENROLLED) or dismisses (DISMISSED) them.' })
  status!: CandidateStatus;

  @Field(() => GraphQLDateTimeISO, { description: 'When the first agency record about them arrived.' })
  firstSeenAt!: Date;

  @Field(() => ID, { nullable: true, description: 'With ENROLLED: the archive registered for them.' })
  elderId!: string | null;

  @Field(() => String, { nullable: true, description: 'With DISMISSED: why they were not enrolled (2-500 characters).' })
  dismissReason!: string | null;
}

export const CandidateConnection = connectionOf('Candidate', CandidateType, 'Survey candidates, oldest first.');

@InputType({ description: 'Enroll a candidate: the archive gets the candidate’s ID number; give the village and anything known.' })
export class EnrollCandidateInput {
  @Field(() => String, { nullable: true, description: 'Default: the candidate’s name as reported.' })
  name?: string | null;

  @Field(() => String, { description: 'The village (12-digit code) inside your jurisdiction.' })
  regionCode!: string;
}

@ObjectType('Transfer', { description: 'A move to another village reported by the police: the receiving town accepts or rejects it.' })
export class TransferType {
  @Field(() => ID, { description: 'The transfer\'s id (for acceptTransfer and rejectTransfer).' })
  id!: string;

  @Field(() => ID, { description: 'The archive that would move.' })
  elderId!: string;

  @Field(() => String, { description: "The elder's name (姓名), read with the row: people, not ids, on the transfer list." })
  elderName!: string;

  @Field(() => String, { description: 'The village (12 digits) the archive is in now.' })
  fromRegionCode!: string;

  @Field(() => String, { description: 'The village (12 digits) the police say the elder moved to.' })
  toRegionCode!: string;

  @Field(() => LocalDate, { description: 'The day of the move, as the police recorded it.' })
  movedOn!: string;

  @Field(() => TransferStatus, { description: 'PROPOSED until the receiving town accepts or rejects it.' })
  status!: TransferStatus;

  @Field(() => GraphQLDateTimeISO, { description: 'When the police record proposed it.' })
  proposedAt!: Date;

  @Field(() => String, { nullable: true, description: 'The receiving town\'s note when accepting, or its reason when rejecting; null until decided.' })
  note!: string | null;
}

@ObjectType('DataConflict', { description: 'Agencies, or an agency and the archive, disagree: civil affairs settles; nothing is overwritten silently.' })
export class DataConflictType {
  @Field(() => ID, { description: 'The conflict\'s id (for settleDataConflict).' })
  id!: string;

  @Field(() => ID, { description: 'The archive the conflict is about.' })
  elderId!: string;

  @Field(() => String, { description: "The elder's name (姓名), read with the row: people, not ids, on the conflict list." })
  elderName!: string;

  @Field(() => String, { description: 'The elder\'s village (12 digits).' })
  regionCode!: string;

  @Field(() => String, { description: 'DEATH_VS_ACTIVITY, ARCHIVE_DIFFERS or MOVED_OUTSIDE.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'The archive field the two sides disagree on (status, incapacityLevel, disability, familyPlanningKind, regionCode); null when no single field is at issue.' })
  field!: string | null;

  @Field(() => String, { nullable: true, description: 'What the archive says about that field, in words; null when it holds nothing.' })
  archiveValue!: string | null;

  @Field(() => String, { nullable: true, description: 'What the agency\'s record says about that field, in words; null when it says nothing.' })
  agencyValue!: string | null;

  @Field(() => [ID], { description: 'The agency records (AgencyRecord.id) involved.' })
  recordIds!: string[];

  @Field(() => String, { description: 'The disagreement in words, for the person who settles it.' })
  detail!: string;

  @Field(() => DataConflictStatus, { description: 'OPEN until settled.' })
  status!: DataConflictStatus;

  @Field(() => GraphQLDateTimeISO, { description: 'When the conflict was found.' })
  raisedAt!: Date;

  @Field(() => String, { nullable: true, description: 'With SETTLED: the ConflictDecision taken (APPLY_AGENCY, KEEP_ARCHIVE or CORRECTED_BY_HAND).' })
  decision!: string | null;

  @Field(() => String, { nullable: true, description: 'With SETTLED: what was checked (2-1000 characters).' })
  note!: string | null;
}

export enum ConflictDecision {
  APPLY_AGENCY = 'APPLY_AGENCY',
  KEEP_ARCHIVE = 'KEEP_ARCHIVE',
  CORRECTED_BY_HAND = 'CORRECTED_BY_HAND',
}
registerEnumType(ConflictDecision, {
  name: 'ConflictDecision',
  description: 'How civil affairs settles a data conflict (settleDataConflict).',
  valuesConfig: labelled(ConflictDecision, {
    APPLY_AGENCY: '采用部门数据（写入档案，重新分类）',
    KEEP_ARCHIVE: '保留档案数据',
    CORRECTED_BY_HAND: '已另行核实并手工更正',
  }),
});

export const DataConflictConnection = connectionOf('DataConflict', DataConflictType, 'Data conflicts, oldest first.');
