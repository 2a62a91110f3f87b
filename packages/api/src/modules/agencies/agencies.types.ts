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

@ObjectType('Agency')
export class AgencyType {
  @Field(() => ID)
  id!: string;

  @Field(() => AgencyKindEnum)
  kind!: AgencyKindEnum;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  regionCode!: string;
}

@ObjectType('ApiClient', { description: "A partner system's API key (the key itself is shown once, at creation)." })
export class ApiClientType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  agencyId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The first characters of the key, to tell keys apart.' })
  keyPrefix!: string;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Recorded at most once a minute.' })
  lastUsedAt!: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('CreatedApiClient')
export class CreatedApiClientType {
  @Field(() => ApiClientType)
  client!: ApiClientType;

  @Field(() => String, { description: 'Send as `Authorization: Bearer <key>`. Shown only now: it is stored hashed.' })
  key!: string;
}

@ObjectType('AgencyRecord', { description: "One record an agency sent, with its provenance." })
export class AgencyRecordType {
  @Field(() => ID)
  id!: string;

  @Field(() => AgencyKindEnum)
  agencyKind!: AgencyKindEnum;

  @Field(() => String, { description: 'DISABILITY_CERTIFICATE, DEATH_REGISTRATION, ...' })
  kind!: string;

  @Field(() => String)
  externalId!: string;

  @Field(() => ID, { nullable: true })
  elderId!: string | null;

  @Field(() => String, { description: 'Masked.' })
  idNumber!: string;

  @Field(() => LocalDate)
  effectiveOn!: string;

  @Field(() => GraphQLDateTimeISO)
  receivedAt!: Date;

  @Field(() => ID)
  batchId!: string;

  @Field(() => Int)
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
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Masked.' })
  idNumber!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String)
  regionCode!: string;

  @Field(() => GraphQLJSON, { description: 'The agency records that put them here: [{ kind, label, agency, externalId, effectiveOn }].' })
  reasons!: unknown[];

  @Field(() => CandidateStatus)
  status!: CandidateStatus;

  @Field(() => GraphQLDateTimeISO)
  firstSeenAt!: Date;

  @Field(() => ID, { nullable: true })
  elderId!: string | null;

  @Field(() => String, { nullable: true })
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
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  elderId!: string;

  @Field(() => String, { description: "The elder's name (姓名), read with the row: people, not ids, on the transfer list." })
  elderName!: string;

  @Field(() => String)
  fromRegionCode!: string;

  @Field(() => String)
  toRegionCode!: string;

  @Field(() => LocalDate)
  movedOn!: string;

  @Field(() => TransferStatus)
  status!: TransferStatus;

  @Field(() => GraphQLDateTimeISO)
  proposedAt!: Date;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType('DataConflict', { description: 'Agencies, or an agency and the archive, disagree: civil affairs settles; nothing is overwritten silently.' })
export class DataConflictType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  elderId!: string;

  @Field(() => String, { description: "The elder's name (姓名), read with the row: people, not ids, on the conflict list." })
  elderName!: string;

  @Field(() => String)
  regionCode!: string;

  @Field(() => String, { description: 'DEATH_VS_ACTIVITY, ARCHIVE_DIFFERS or MOVED_OUTSIDE.' })
  kind!: string;

  @Field(() => String, { nullable: true })
  field!: string | null;

  @Field(() => String, { nullable: true })
  archiveValue!: string | null;

  @Field(() => String, { nullable: true })
  agencyValue!: string | null;

  @Field(() => [ID])
  recordIds!: string[];

  @Field(() => String)
  detail!: string;

  @Field(() => DataConflictStatus)
  status!: DataConflictStatus;

  @Field(() => GraphQLDateTimeISO)
  raisedAt!: Date;

  @Field(() => String, { nullable: true })
  decision!: string | null;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

export enum ConflictDecision {
  APPLY_AGENCY = 'APPLY_AGENCY',
  KEEP_ARCHIVE = 'KEEP_ARCHIVE',
  CORRECTED_BY_HAND = 'CORRECTED_BY_HAND',
}
registerEnumType(ConflictDecision, {
  name: 'ConflictDecision',
  valuesConfig: labelled(ConflictDecision, {
    APPLY_AGENCY: '采用部门数据（写入档案，重新分类）',
    KEEP_ARCHIVE: '保留档案数据',
    CORRECTED_BY_HAND: '已另行核实并手工更正',
  }),
});

export const DataConflictConnection = connectionOf('DataConflict', DataConflictType, 'Data conflicts, oldest first.');
