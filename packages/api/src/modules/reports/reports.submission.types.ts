import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';
import { LocalDate } from '../../graphql/scalars.js';
import { PeriodKind } from '../compliance/compliance.types.js';
import { RegionType } from '../regions/region.types.js';
import type { Region } from '../regions/region.entity.js';
import { ReportFiguresType } from './reports.types.js';

/**
 * Where a region's report of a period stands. Lateness is not a status of its own but the `late` flag beside it, so
 * a report can be both (已报送 and 逾期: submitted after its due date); see `ReportSubmissionState.late`.
 */
export enum ReportSubmissionStatus {
  NOT_SUBMITTED = 'NOT_SUBMITTED',
  SUBMITTED = 'SUBMITTED',
  RETURNED = 'RETURNED',
  APPROVED = 'APPROVED',
}
registerEnumType(ReportSubmissionStatus, {
  name: 'ReportSubmissionStatus', description: 'Where a region’s report of a period stands in 报送 (submission to the level above); lateness is the separate `late` flag.',
  valuesConfig: labelled(ReportSubmissionStatus, { NOT_SUBMITTED: '未报送', SUBMITTED: '已报送（待审核）', RETURNED: '已退回', APPROVED: '已通过' }),
});

@ObjectType('ReportSubmissionVersion', { description: 'One submitted version of a region’s report of a period, with its frozen figures and the decision on it.' })
export class ReportSubmissionVersionType {
  @Field(() => Int, { description: 'The version number, 1 for the first submission, +1 for each resubmission.' })
  version!: number;

  @Field(() => ReportSubmissionStatus, { description: 'SUBMITTED (pending), RETURNED or APPROVED.' })
  status!: ReportSubmissionStatus;

  @Field(() => String, { description: 'Who submitted it, by name.' })
  submittedBy!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When it was submitted.' })
  submittedAt!: Date;

  @Field(() => Boolean, { description: 'Submitted after its due date (China time).' })
  submittedLate!: boolean;

  @Field(() => String, { nullable: true, description: 'Who approved or returned it, by name.' })
  decidedBy!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When it was approved or returned; null while pending.' })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was returned.' })
  reason!: string | null;

  @Field(() => LocalDate, { description: 'The day the frozen figures were judged on (the period’s last day).' })
  asOf!: string;

  @Field(() => ReportFiguresType, { description: 'The figures as submitted: what `report` answered for the region and period at submission; later changes do not rewrite them.' })
  figures!: ReportFiguresType;
}

@ObjectType('ReportSubmissionState', { description: '报送: where one region’s report of one period stands, with its due date and every version submitted.' })
export class ReportSubmissionStateType {
  @Field(() => RegionType, { description: 'The region whose report this is.' })
  region!: Region;

  @Field(() => String, { description: 'The report’s period label: 2026-10 (month), 2026-Q4 or 2026.' })
  period!: string;

  @Field(() => PeriodKind, { description: 'The kind of period (MONTH, QUARTER or YEAR).' })
  kind!: PeriodKind;

  @Field(() => LocalDate, { description: 'First day of the period (China time).' })
  from!: string;

  @Field(() => LocalDate, { description: 'Last day of the period (China time).' })
  to!: string;

  @Field(() => LocalDate, { description: 'Due by the end of this day (China time): the due day of the kind in force for the region, in the month after the period.' })
  dueOn!: string;

  @Field(() => ReportSubmissionStatus, { description: 'The latest version’s status, or NOT_SUBMITTED.' })
  status!: ReportSubmissionStatus;

  @Field(() => Boolean, {
    description:
      '逾期: the due date has passed and the region had not reported by then. True when the latest version was submitted after the due date, or when nothing is pending or approved (NOT_SUBMITTED, RETURNED) and the due date has passed.',
  })
  late!: boolean;

  @Field(() => Int, { nullable: true, description: 'The latest version (null when never submitted).' })
  version!: number | null;

  @Field(() => String, { nullable: true, description: 'Who submitted the latest version, by name.' })
  submittedBy!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the latest version was submitted; null when never submitted.' })
  submittedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who approved or returned the latest version, by name.' })
  decidedBy!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the latest version was approved or returned; null while pending or never submitted.' })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the latest version was returned.' })
  reason!: string | null;

  @Field(() => [ReportSubmissionVersionType], { description: 'Every version, newest first.' })
  versions!: ReportSubmissionVersionType[];
}

@ObjectType('ReportDueDay', { description: 'The due day of a kind of report set on a region; its subtree inherits it unless a region nearer sets its own.' })
export class ReportDueDayType {
  @Field(() => String, { description: 'The region the due day is set on (its subtree inherits it).' })
  regionCode!: string;

  @Field(() => PeriodKind, { description: 'The kind of report (period kind) the due day applies to.' })
  kind!: PeriodKind;

  @Field(() => Int, { description: 'Day of the month after the period ends (1 to 28).' })
  day!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The region whose setting is in force: `regionCode` itself, a region above it, or null when none is set and the default applies.',
  })
  setOn!: string | null;
}
