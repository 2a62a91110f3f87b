import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { labelled } from '../../graphql/enums.js';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { LocalDate } from '../../graphql/scalars.js';
import { RegionType } from '../regions/region.types.js';
import type { Region } from '../regions/region.entity.js';
import { ElderClassEnum } from '../standards/standards.enums.js';

/**
 * How the score is made, in words: the schema's descriptions quote it, the spreadsheet prints it, and
 * assessment.service.ts computes exactly this.
 */
export const ASSESSMENT_WEIGHTING =
  'score (0-100, one decimal) = 100 × the weighted mean of the parts a town has data for: ' +
  'visits 40% (per class with elders to visit, min(1, visit rate ÷ target), averaged over those classes), ' +
  'alert acknowledgement 15% (alerts raised in the period whose first deadline, 2 hours urgent or 3 days normal, has passed or that were acknowledged: the share acknowledged within it), ' +
  'satisfaction 15% (the visits’ average on 1-4: 非常满意 4, 满意 3, 一般 2, 不满意 1; scaled as (average − 1) ÷ 3), ' +
  'report timeliness 15% (报送 of the period’s statistics table: 1 when its first version was submitted by the due day, 0 when it was late or is past due unsent; left out while not yet due, for weeks and half years, and for villages, which do not report upward). ' +
  'A part without data (no alert raised, no satisfaction recorded, no report due) is left out and the other weights scale up; a town with no part has no score and no rank. ' +
  'Referral response times are shown but not scored: they measure the agency the alert was referred to, not the town. ' +
  'rank: by score, highest first; equal scores share a rank (1, 1, 3).';

export enum ReportTimeliness {
  ON_TIME = 'ON_TIME',
  LATE = 'LATE',
  NOT_YET_DUE = 'NOT_YET_DUE',
}
registerEnumType(ReportTimeliness, {
  name: 'ReportTimeliness',
  description: 'Whether a region’s statistics table of the period reached the level above (报送) by its due day: its first version counts.',
  valuesConfig: labelled(ReportTimeliness, {
    ON_TIME: '按时报送（首次报送未逾期）',
    LATE: '逾期（首次报送晚于报送期限，或已过期限仍未报送）',
    NOT_YET_DUE: '未到报送期限，尚未报送',
  }),
});

@InputType('AssessmentTargetInput', { description: 'The visit-rate target of one class (0 < rate ≤ 1).' })
export class AssessmentTargetInput {
  @Field(() => ElderClassEnum, { description: 'The class (A, B or C) the target is for.' })
  class!: ElderClassEnum;

  @Field(() => Float, { description: 'E.g. 1 for 100%.' })
  rate!: number;
}

@ObjectType('AssessmentTarget', { description: 'A visit-rate target the assessment used for one class (given, or the default 100%).' })
export class AssessmentTargetType {
  @Field(() => ElderClassEnum, { description: 'The class (A, B or C).' })
  class!: ElderClassEnum;

  @Field(() => Float, { description: 'The target visit rate, a fraction (1 = 100%).' })
  rate!: number;
}

@ObjectType('AssessmentClassRate', {
  description: 'The visit rate of one class in a town (the report’s 探访率, for elders of that class on `asOf`), against its target.',
})
export class AssessmentClassRateType {
  @Field(() => ElderClassEnum, { description: 'The class (A, B or C).' })
  class!: ElderClassEnum;

  @Field(() => Float, { description: 'The target visit rate of the class, a fraction (1 = 100%).' })
  target!: number;

  @Field(() => Int, { nullable: true, description: 'Visited to standard. Null when withheld (integrators: 1 to 4, or 1 to 4 not visited).' })
  numerator!: number | null;

  @Field(() => Int, { nullable: true, description: 'Elders of the class to visit. Null when withheld (integrators: 1 to 4).' })
  denominator!: number | null;

  @Field(() => Float, { nullable: true, description: 'numerator ÷ denominator, 4 decimals; null with no elder or when withheld.' })
  rate!: number | null;

  @Field(() => Float, { nullable: true, description: 'min(1, rate ÷ target), 4 decimals: the class’s part of the visit score.' })
  achievement!: number | null;
}

@ObjectType('AssessmentRow', { description: 'One town (a child region) of the assessment: its figures, score and rank.' })
export class AssessmentRowType {
  @Field(() => RegionType, { description: 'The town (region one level down) this row assesses.' })
  region!: Region;

  @Field(() => Int, { nullable: true, description: 'Elders to visit (all classes). Null when withheld.' })
  eldersToVisit!: number | null;

  @Field(() => Float, { nullable: true, description: 'The visit rate of all classes together, 4 decimals.' })
  visitRate!: number | null;

  @Field(() => [AssessmentClassRateType], { description: 'A, B and C.' })
  classRates!: AssessmentClassRateType[];

  @Field(() => Int, { nullable: true, description: 'Alerts raised in the period for elders of the town. Null when withheld.' })
  alertsRaised!: number | null;

  @Field(() => Float, { nullable: true, description: 'Of the alerts raised in the period that were acknowledged or whose first deadline has passed, the share acknowledged within it (4 decimals).' })
  acknowledgedOnTimeRate!: number | null;

  @Field(() => Int, { nullable: true, description: 'Average minutes from raising to acknowledgement, of the alerts raised in the period and acknowledged.' })
  averageAcknowledgeMinutes!: number | null;

  @Field(() => Int, { nullable: true, description: 'Alerts referred in the period (latest referral). Null when withheld.' })
  referrals!: number | null;

  @Field(() => Int, { nullable: true, description: 'Of them, answered (accepted, declined or with an outcome). Null when withheld.' })
  referralsAnswered!: number | null;

  @Field(() => Int, { nullable: true, description: 'Average minutes from referral to the agency’s first answer.' })
  averageReferralResponseMinutes!: number | null;

  @Field(() => Int, { nullable: true, description: 'Average minutes from referral to the outcome being reported.' })
  averageReferralOutcomeMinutes!: number | null;

  @Field(() => Int, { nullable: true, description: 'Visits of the period with satisfaction recorded. Null when withheld.' })
  satisfactionResponses!: number | null;

  @Field(() => Float, { nullable: true, description: 'Their average on 1-4 (非常满意 4, 满意 3, 一般 2, 不满意 1), 2 decimals.' })
  satisfactionAverage!: number | null;

  @Field(() => ReportTimeliness, { nullable: true, description: 'Its 报送 of the period’s statistics table; null when the period (a week, a half year) or the level (villages) is not reported upward.' })
  reportTimeliness!: ReportTimeliness | null;

  @Field(() => LocalDate, { nullable: true, description: 'The due day of that report (报送期限).' })
  reportDueOn!: string | null;

  @Field(() => Int, { nullable: true, description: 'Spot checks of its visits in the period with an answer (confirmed or not confirmed). Null when withheld.' })
  spotChecksChecked!: number | null;

  @Field(() => Float, { nullable: true, description: '核实率: confirmed ÷ checked, 4 decimals (the spot checks’ verificationRates); null with none checked or when withheld.' })
  verificationRate!: number | null;

  @Field(() => Float, { nullable: true, description: `The score. ${ASSESSMENT_WEIGHTING}` })
  score!: number | null;

  @Field(() => Int, { nullable: true, description: 'The rank by score among the rows (1 is best; ties share).' })
  rank!: number | null;
}

@ObjectType('Assessment', {
  description: `考核: the towns (regions one level down) of a region for a period, with their figures, score and rank. ${ASSESSMENT_WEIGHTING}`,
})
export class AssessmentType {
  @Field(() => RegionType, { description: 'The region whose towns are assessed.' })
  region!: Region;

  @Field(() => LocalDate, { description: 'The period’s first day (China time).' })
  from!: string;

  @Field(() => LocalDate, { description: 'The period’s last day (China time).' })
  to!: string;

  @Field(() => LocalDate, { description: 'The day the visit rates are judged on: the period’s last day, or today for a running period; the rollups’ day when they answer from an earlier day’s refresh (see `computedAt`).' })
  asOf!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When these figures were computed: the last refresh of the report rollups for this month and last month (also while the new day’s refresh has not run), else now.' })
  computedAt!: Date;

  @Field(() => Boolean, { description: 'Counts of 1 to 4 are withheld (integrators), and the rates and averages made of them.' })
  suppressed!: boolean;

  @Field(() => [AssessmentTargetType], { description: 'The visit-rate targets used, per class.' })
  targets!: AssessmentTargetType[];

  @Field(() => String, { description: 'How the score is made, in words.' })
  weighting!: string;

  @Field(() => [AssessmentRowType], { description: 'Best first (by rank, then region code); rows without a score last.' })
  rows!: AssessmentRowType[];
}
