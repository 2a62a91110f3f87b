import { Field, Float, Int, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';
import { LocalDate } from '../../graphql/scalars.js';
import { RegionType } from '../regions/region.types.js';
import type { Region } from '../regions/region.entity.js';

@ObjectType('CountBy', { description: 'A count for one key. `count` is null when withheld (integrators: a count of 1 to 4, or one it could be worked out from).' })
export class CountByType {
  @Field(() => String, { description: 'What is counted: a class, circumstance, method, kind or agency code (see the figure).' })
  key!: string;

  @Field(() => Int, { nullable: true, description: 'How many; null when withheld.' })
  count!: number | null;
}

@ObjectType('ReportVisitRate', {
  description:
    '探访率 of the period. denominator: elders of the region registered on or before `asOf`, not closed (deceased, moved away, in an institution) and with no written refusal in force on `asOf`, and with at least one visit requirement. numerator: those of them with no overdue requirement on `asOf` and every requirement whose current window ends within the period met. `asOf` is the period’s last day, or today for a running period. Children’s denominators add up to the parent’s.',
})
export class ReportVisitRateType {
  @Field(() => Int, { nullable: true, description: 'Elders whose requirements were met (see the type); null when withheld.' })
  numerator!: number | null;

  @Field(() => Int, { nullable: true, description: 'Elders whose requirements are counted (see the type); null when withheld.' })
  denominator!: number | null;

  @Field(() => Float, { nullable: true, description: 'numerator / denominator, 4 decimals; null if the denominator is 0 or either is withheld.' })
  rate!: number | null;
}

@ObjectType('ReportFigures', { description: '情况统计表 of one region for one period (DOMAIN.md section 8). Counts are null when withheld.' })
export class ReportFiguresType {
  @Field(() => Int, { nullable: true, description: 'Elders in the registry on `asOf` (not closed).' })
  elders!: number | null;

  @Field(() => [CountByType], { description: 'Elders by class in force on `asOf`.' })
  eldersByClass!: CountByType[];

  @Field(() => [CountByType], { description: 'Elders by circumstance (one elder counts under each of theirs; AGED_80_PLUS and SEVERELY_DISABLED derived).' })
  eldersByCircumstance!: CountByType[];

  @Field(() => Int, { nullable: true, description: 'Elders with a responsible contact (结对) on `asOf`.' })
  eldersWithContact!: number | null;

  @Field(() => [CountByType], { description: 'Active visitors by kind (those whose area is inside the region).' })
  visitorsByKind!: CountByType[];

  @Field(() => [CountByType], { description: 'Teams by kind.' })
  teamsByKind!: CountByType[];

  @Field(() => Int, { nullable: true, description: 'Visits dated in the period.' })
  visits!: number | null;

  @Field(() => [CountByType], { description: 'Visits dated in the period, by method.' })
  visitsByMethod!: CountByType[];

  @Field(() => ReportVisitRateType, { description: 'The visit rate (探访率) of the period.' })
  visitRate!: ReportVisitRateType;

  @Field(() => Int, { nullable: true, description: 'Elders with an overdue requirement on `asOf`.' })
  overdueElders!: number | null;

  @Field(() => Int, { nullable: true, description: 'Visits dated in the period with a GPS location kept (with the visitor’s consent).' })
  visitsWithLocation!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Visits dated in the period signed by the visitor and by the visited side (elder or family member), or with the reason the visited side could not sign.',
  })
  visitsSigned!: number | null;

  @Field(() => Int, { nullable: true, description: 'Visits dated in the period with any flag for the town’s check (探访核查).' })
  visitsFlagged!: number | null;

  @Field(() => [CountByType], { description: 'Visits dated in the period by flag (FAR_FROM_REFERENCE, LATE_ENTRY, SHORT_DURATION); one visit counts under each of its flags.' })
  visitsByFlag!: CountByType[];

  @Field(() => [CountByType], { description: 'Alerts raised in the period, by kind (rule code, or MANUAL).' })
  alertsOpenedByKind!: CountByType[];

  @Field(() => [CountByType], { description: 'Alerts raised in the period, by the agency they were referred to (NONE if not referred).' })
  alertsOpenedByAgency!: CountByType[];

  @Field(() => Int, { nullable: true, description: 'Alerts resolved in the period.' })
  alertsResolved!: number | null;

  @Field(() => Int, { nullable: true, description: 'Elders with a written refusal in force on `asOf` (not in the visit rate).' })
  refusals!: number | null;

  @Field(() => Int, { nullable: true, description: 'Survey candidates first reported by agencies in the period.' })
  candidatesFound!: number | null;

  @Field(() => Int, { nullable: true, description: 'Candidates enrolled (archive registered) in the period.' })
  candidatesEnrolled!: number | null;
}

@ObjectType('ReportAmendment', { description: 'A correction of a closed period: who, why, and the region’s figures before and after.' })
export class ReportAmendmentType {
  @Field(() => Int, { description: 'The version this amendment made (2 for the first amendment).' })
  version!: number;

  @Field(() => String, { description: 'Why the closed figures were corrected, as written by the amender.' })
  reason!: string;

  @Field(() => String, { description: 'Who amended, by username (empty for integrators: they get no staff names).' })
  amendedBy!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When it was amended.' })
  amendedAt!: Date;

  @Field(() => GraphQLJSON, { description: 'Raw figures (figure → key → count) of the previous version.' })
  before!: unknown;

  @Field(() => GraphQLJSON, { description: 'Raw figures (figure → key → count) of this version.' })
  after!: unknown;
}

@ObjectType('RegionReport', { description: 'One region’s figures.' })
export class RegionReportType {
  @Field(() => RegionType, { description: 'The region one level down.' })
  region!: Region;

  @Field(() => ReportFiguresType, { description: 'Its figures (its whole subtree).' })
  figures!: ReportFiguresType;
}

@ObjectType('Report', { description: 'The statistics table of a region and period, with the same figures for each region one level down.' })
export class ReportType {
  @Field(() => RegionType, { description: 'The region of the report (scope report.read:aggregate; within your jurisdiction).' })
  region!: Region;

  @Field(() => String, { description: 'As asked: 2026-10 (month), 2026-W43 (ISO week), 2026-Q4 or 2026.' })
  period!: string;

  @Field(() => LocalDate, { description: 'First day of the period (China time).' })
  from!: string;

  @Field(() => LocalDate, { description: 'Last day of the period (China time).' })
  to!: string;

  @Field(() => LocalDate, { description: 'The day requirements and the registry are judged on: `to`, or today for a running period; an earlier day when a city or town answers from the last rollup refresh while the new day’s runs (then `computedAt` is not today: show it).' })
  asOf!: string;

  @Field(() => GraphQLDateTimeISO, {
    description: 'When these figures were computed: now (live), the last rollup refresh (running months, refreshed every 30 s; for a city or town also while the new day’s refresh has not run, judged on `asOf`), or the close.',
  })
  computedAt!: Date;

  @Field(() => Boolean, { description: 'Counts from 1 to 4 are withheld (integrators), so no one can be singled out, and with them enough other counts that none can be worked out by subtraction from any report, level or the spreadsheet.' })
  suppressed!: boolean;

  @Field(() => Boolean, { description: 'Closed (here or above): the figures are frozen; later changes do not rewrite them.' })
  closed!: boolean;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the period was closed (关账); null while open.' })
  closedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'The version of the frozen figures (1 at close, +1 per amendment).' })
  version!: number | null;

  @Field(() => [ReportAmendmentType], { description: 'Corrections made after the close, oldest first; empty while open.' })
  amendments!: ReportAmendmentType[];

  @Field(() => ReportFiguresType, { description: 'The region’s own figures (its whole subtree).' })
  figures!: ReportFiguresType;

  @Field(() => [RegionReportType], { description: 'Each region one level down (none for a village).' })
  children!: RegionReportType[];
}
