import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { LocalDate } from '../../graphql/scalars.js';
import { SyncFieldErrorType } from '../agencies/sync.types.js';
import { RecordRefusalInput, RegisterElderInput } from '../elders/elder.inputs.js';
import { ImportStatus } from './imports.shared.js';

/** One row of an office's 基本信息登记表: every field registerElder takes, plus the registration date and a source reference. */
@InputType('ElderImportRecord', {
  description:
    'One archive to import: every field of RegisterElderInput (same names and types, same rules), plus the archive’s registration date (建档日期) and a reference to where the row came from.',
})
export class ElderImportRecord extends RegisterElderInput {
  @Field(() => LocalDate, {
    nullable: true,
    description:
      '建档日期: the day the office registered the elder, not in the future (default: today). It becomes the archive’s registration date (China midnight of that day), so visits may be dated back to it. The elder must be 60 or over on this date. Used for new archives only: an existing archive keeps its date.',
  })
  registeredOn?: string | null;

  @Field(() => RecordRefusalInput, {
    nullable: true,
    description:
      '意愿: the elder does not accept visiting service, with the written refusal (date, reason, who talked with the elder: the fields and rules of recordRefusal). A new archive is created not accepting visits, its refusal on record; an existing archive that accepts visits lists "refusal" in differences, and with updateExisting the refusal is recorded (recordRefusal). Absent or null: nothing is said about willingness (an import never withdraws a standing refusal: use withdrawRefusal).',
  })
  refusal?: RecordRefusalInput | null;

  @Field(() => String, { nullable: true, description: 'Up to 200 characters of free text echoed back in the answer, e.g. "台账.xlsx 第12行".' })
  sourceRef?: string | null;
}

@InputType('ElderImportBatch', { description: 'A batch of archives to import (批量建档): 1 to 5,000 records, idempotent by key.' })
export class ElderImportBatch {
  @Field(() => String, {
    description: 'Chosen by the caller (1-100 characters). The same key with the same records returns the stored answer (replayed: true) and changes nothing; the same key with other records is CONFLICT.',
  })
  idempotencyKey!: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'true: nothing is written (no archive, no audit, no key stored) and the verdicts are exactly those a real run would give now (CREATED records have no elderId yet). A key already used by a real run gives that run’s stored answer (replayed: true), as a real run would.',
  })
  dryRun?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'true: records whose archive exists in your jurisdiction and differs are applied as an update of the fields given (status UPDATED).',
  })
  updateExisting?: boolean | null;

  @Field(() => [ElderImportRecord], { description: '1 to 5,000 records, answered in this order.' })
  records!: ElderImportRecord[];
}

@ObjectType('ElderImportRecordResult', { description: 'What happened to one record of an elder import, in the order sent.' })
export class ElderImportRecordResultType {
  @Field(() => Int, { description: '0-based position of the record in the batch.' })
  index!: number;

  @Field(() => String, { nullable: true, description: 'The record’s sourceRef, as sent.' })
  sourceRef!: string | null;

  @Field(() => ImportStatus, { description: 'CREATED, UPDATED, EXISTS or REJECTED (see ImportStatus).' })
  status!: ImportStatus;

  @Field(() => ID, {
    nullable: true,
    description: 'The archive: CREATED (null in a dry run), UPDATED, or EXISTS inside your jurisdiction; null otherwise.',
  })
  elderId!: string | null;

  @Field(() => String, { nullable: true, description: 'EXISTS or UPDATED inside your jurisdiction: the archive’s name, so a person can check it is the same elder.' })
  elderName!: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'EXISTS and UPDATED only: true if the archive is in your jurisdiction; false means "exists in another region" and nothing more is told.',
  })
  inJurisdiction!: boolean | null;

  @Field(() => [String], {
    description: 'EXISTS/UPDATED inside your jurisdiction: the input fields (of those given in the record) whose value differs from the archive, e.g. "phone", "emergencyContacts"; "refusal" when the record gives a refusal and the archive accepts visits.',
  })
  differences!: string[];

  @Field(() => [SyncFieldErrorType], {
    description: 'REJECTED: every problem, field being the input path ("idNumber", "emergencyContacts.0.phone", "registeredOn").',
  })
  errors!: SyncFieldErrorType[];
}

@ObjectType('ElderImportResult', {
  description: 'The answer to an elder import. A replay with the same idempotencyKey returns this same answer (replayed: true).',
})
export class ElderImportResultType {
  @Field(() => ID, { nullable: true, description: 'The stored batch; null for a dry run.' })
  batchId!: string | null;

  @Field(() => String, { description: 'The key the batch was sent with.' })
  idempotencyKey!: string;

  @Field(() => Boolean, { description: 'true: nothing was written; the verdicts are what a real run would do.' })
  dryRun!: boolean;

  @Field(() => Boolean, { description: 'true: this is the stored answer of an earlier call with the same key and records.' })
  replayed!: boolean;

  @Field(() => Int, { description: 'Records received.' })
  received!: number;

  @Field(() => Int, { description: 'Records with status CREATED.' })
  created!: number;

  @Field(() => Int, { description: 'Records with status UPDATED.' })
  updated!: number;

  @Field(() => Int, { description: 'Records with status EXISTS.' })
  exists!: number;

  @Field(() => Int, { description: 'Records with status REJECTED.' })
  rejected!: number;

  @Field(() => [ElderImportRecordResultType], { description: 'One per input record, in input order.' })
  records!: ElderImportRecordResultType[];
}
