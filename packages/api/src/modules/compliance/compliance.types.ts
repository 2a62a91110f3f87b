import { Field, Float, Int, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { connectionOf } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';
import { ElderType } from '../elders/elder.types.js';
import type { Elder } from '../elders/elder.entity.js';
import { ElderClassEnum } from '../standards/standards.enums.js';
import { RequirementComplianceType } from '../standards/standards.types.js';

// The period shape moved to graphql/period.ts (one for every operation); re-exported for this module's users.
export { PeriodInput, PeriodKind } from '../../graphql/period.js';

@ObjectType('OverdueElder', { description: 'An elder with at least one overdue requirement.' })
export class OverdueElderType {
  @Field(() => ElderType, { description: 'The elder (masked like every elder read; scope of the query that lists it).' })
  elder!: Elder;

  @Field(() => ElderClassEnum, { nullable: true, description: 'The visit class in force (A, B or C, 分类); null while the elder is not classified yet.' })
  class!: ElderClassEnum | null;

  @Field(() => Int, { description: 'The largest days overdue of the requirements.' })
  daysOverdue!: number;

  @Field(() => [RequirementComplianceType], { description: 'The overdue requirements.' })
  requirements!: RequirementComplianceType[];
}

export const OverdueElderConnection = connectionOf('OverdueElder', OverdueElderType, 'Overdue elders, most overdue first.');

@ObjectType('WorklistItem', { description: 'An elder the visitor must visit: overdue, or due in the current window.' })
export class WorklistItemType {
  @Field(() => ElderType, { description: 'The elder to visit.' })
  elder!: Elder;

  @Field(() => ElderClassEnum, { nullable: true, description: 'The visit class in force (A, B or C, 分类); null while the elder is not classified yet.' })
  class!: ElderClassEnum | null;

  @Field(() => Boolean, { description: 'true: at least one requirement is overdue (a whole window went unmet).' })
  overdue!: boolean;

  @Field(() => Int, { nullable: true, description: 'Days since `missedDueBy` (the largest `daysOverdue` of the requirements); null when not overdue.' })
  daysOverdue!: number | null;

  @Field(() => LocalDate, {
    nullable: true,
    description:
      'When overdue: the day the elder should have been visited by and was not (the last day of the first missed window of the longest-overdue requirement, `daysOverdue` days before the day judged). Null when not overdue.',
  })
  missedDueBy!: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description:
      'The earliest end of a window now running that is not met yet. For an overdue elder it is a date still to come (a visit by then meets the current window) and is not the date that was missed: say what is overdue with `missedDueBy`.',
  })
  dueBy!: string | null;

  @Field(() => Int, { nullable: true, description: 'When not overdue: days from the day judged to `dueBy` (0: due today). Null when overdue.' })
  daysLeft!: number | null;

  @Field(() => [RequirementComplianceType], { description: 'The requirements not met yet.' })
  requirements!: RequirementComplianceType[];
}

@ObjectType('VisitRate', {
  description:
    '探访率 of a region subtree for a period. Evaluated on the last day of the period (or today, for a period still running). ' +
    'denominator: elders in the subtree who are registered, not closed (deceased, moved away, in an institution) and have no written refusal in force on that day, and have at least one requirement. ' +
    'numerator: those of them with no overdue requirement and every requirement whose current window ends within the period met. ' +
    'rate: numerator / denominator (null when the denominator is 0). Refusals are counted apart in `refusals`.',
})
export class VisitRateType {
  @Field(() => String, { description: 'The region at the root of the subtree (2 to 12-digit division code).' })
  regionCode!: string;

  @Field(() => LocalDate, { description: 'First day of the period (China time).' })
  from!: string;

  @Field(() => LocalDate, { description: 'Last day of the period (China time).' })
  to!: string;

  @Field(() => LocalDate, { description: 'The day the requirements were judged on.' })
  asOf!: string;

  @Field(() => GraphQLDateTimeISO, {
    description:
      'When these figures were computed: the last refresh of the report rollups (this month and last month, refreshed in the background; the same figures as `report`), also while the new day’s refresh has not run, for a city or town, judged on `asOf`), or now (any other period, a month never refreshed yet, or a village whose rollup is not today’s).',
  })
  computedAt!: Date;

  @Field(() => Int, { description: 'Elders whose requirements were met (see the type).' })
  numerator!: number;

  @Field(() => Int, { description: 'Elders whose requirements are counted (see the type).' })
  denominator!: number;

  @Field(() => Float, { nullable: true, description: 'numerator / denominator as a fraction 0 to 1, rounded to 4 decimals (0.9375 = 93.75%); null when the denominator is 0.' })
  rate!: number | null;

  @Field(() => Int, { description: 'Elders with a written refusal in force on `asOf` (not in the denominator).' })
  refusals!: number;
}

@ObjectType('VisitorWorkload', { description: 'One visitor: elders held, by class, due this week and overdue.' })
export class VisitorWorkloadType {
  @Field(() => String, { description: 'The visitor (联系人/探访员).' })
  visitorId!: string;

  @Field(() => String, { description: 'The visitor’s name.' })
  visitorName!: string;

  @Field(() => Int, { description: 'Active elders the visitor is the responsible contact (结对) of.' })
  elders!: number;

  @Field(() => Int, { description: 'Of them, class A.' })
  classA!: number;

  @Field(() => Int, { description: 'Of them, class B.' })
  classB!: number;

  @Field(() => Int, { description: 'Of them, class C.' })
  classC!: number;

  @Field(() => Int, { description: 'Elders with an unmet requirement due by the end of this week (Sunday).' })
  dueThisWeek!: number;

  @Field(() => Int, { description: 'Of them, elders with an overdue requirement on the day judged.' })
  overdue!: number;
}

export const VisitorWorkloadConnection = connectionOf('VisitorWorkload', VisitorWorkloadType, 'Visitors’ workloads, most overdue first, then by name.');
