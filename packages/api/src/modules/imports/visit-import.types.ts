import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { LocalDate } from '../../graphql/scalars.js';
import { SyncFieldErrorType } from '../agencies/sync.types.js';
import { CareServiceInput, VisitFindingsInput, VisitMethod } from '../visits/visits.types.js';
import { ImportStatus } from './imports.shared.js';

@InputType('VisitImportRecord', {
  description:
    'One visit of a paper or spreadsheet ledger (探访台账). The findings have the names and types of RecordVisitInput; the visit is dated by day only (it is stored at 12:00 China time).',
})
export class VisitImportRecord extends VisitFindingsInput {
  @Field(() => String, { nullable: true, description: 'Up to 200 characters, echoed back (e.g. "探访台账.xlsx 第12行").' })
  sourceRef?: string | null;

  @Field(() => String, { description: 'The elder’s 公民身份号码. The archive must be in your jurisdiction (else: “no archive with this ID number in your area”).' })
  idNumber!: string;

  @Field(() => LocalDate, { description: 'The visit day: not in the future, not before the archive’s registration date (its China day).' })
  visitedOn!: string;

  @Field(() => VisitMethod, { description: '探访方式' })
  method!: VisitMethod;

  @Field(() => String, {
    description:
      'Who visited, matched by name to a visitor serving the elder’s village or its town (and active on that day). No match: the visit is created with a warning and this name kept as written. Two visitors of that name: give visitorPhone.',
  })
  visitorName!: string;

  @Field(() => String, { nullable: true, description: 'Tells apart visitors of the same name.' })
  visitorPhone?: string | null;

  @Field(() => [CareServiceInput], { nullable: true, description: 'Services delivered on the visit (their date defaults to the visit day).' })
  careServices?: CareServiceInput[] | null;
}

@InputType('VisitImportBatch', { description: 'Historical visit records to import (up to 5,000 a call).' })
export class VisitImportBatch {
  @Field(() => String, {
    description:
      '1 to 100 characters, yours (per login). The same key with the same records returns the stored answer (replayed: true) and changes nothing; with other records: CONFLICT.',
  })
  idempotencyKey!: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'True: the verdicts a real run would give now, with nothing written (no visits, alerts, audit rows, no key stored).',
  })
  dryRun?: boolean | null;

  @Field(() => [VisitImportRecord], { description: '1 to 5,000 records; answered one by one, in this order.' })
  records!: VisitImportRecord[];
}

@ObjectType('VisitImportRecordResult', { description: 'What happened to one imported visit, in input order.' })
export class VisitImportRecordResultType {
  @Field(() => Int, { description: '0-based position in the batch.' })
  index!: number;

  @Field(() => String, { nullable: true, description: 'The record’s sourceRef, echoed back.' })
  sourceRef!: string | null;

  @Field(() => ImportStatus, {
    description:
      'CREATED: written (or, in a dry run, would be). EXISTS: the elder already has a visit that day by that method (imported earlier, recorded live, or earlier in this batch): nothing written. REJECTED: see errors.',
  })
  status!: ImportStatus;

  @Field(() => ID, { nullable: true, description: 'The archive the ID number matched in your jurisdiction.' })
  elderId!: string | null;

  @Field(() => String, { nullable: true, description: 'Its name, so a person can check the match.' })
  elderName!: string | null;

  @Field(() => ID, { nullable: true, description: 'CREATED: the new visit (null in a dry run). EXISTS: the visit already there (null when it is an earlier record of a dry run).' })
  visitId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The visitor matched by name (and phone).' })
  visitorId!: string | null;

  @Field(() => [SyncFieldErrorType], { description: 'Not blocking: e.g. visitor not matched (the name is kept as written), a duplicate line of this batch.' })
  warnings!: SyncFieldErrorType[];

  @Field(() => [SyncFieldErrorType], { description: 'REJECTED: every problem, by input field (`visitedOn`, `careServices.0.deliveredOn`).' })
  errors!: SyncFieldErrorType[];
}

@ObjectType('VisitImportResult', { description: 'The answer to importVisits. A replay with the same idempotencyKey returns this same answer (replayed: true).' })
export class VisitImportResultType {
  @Field(() => ID, { nullable: true, description: 'Null for a dry run.' })
  batchId!: string | null;

  @Field(() => String, { description: 'The key the batch was sent with.' })
  idempotencyKey!: string;

  @Field(() => Boolean, { description: 'true: nothing was written (see VisitImportBatch.dryRun).' })
  dryRun!: boolean;

  @Field(() => Boolean, { description: 'true: this key was already used; this is the stored answer and nothing was written now.' })
  replayed!: boolean;

  @Field(() => Int, { description: 'Records in the batch.' })
  received!: number;

  @Field(() => Int, { description: 'Visits created (status CREATED).' })
  created!: number;

  @Field(() => Int, { description: 'Records whose visit was already recorded (status EXISTS): not created twice.' })
  exists!: number;

  @Field(() => Int, { description: 'Records refused (status REJECTED); see their errors.' })
  rejected!: number;

  @Field(() => [VisitImportRecordResultType], { description: 'One result per record, in the order sent.' })
  records!: VisitImportRecordResultType[];
}
