import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';
import { VisitMethod } from './visits.types.js';

export enum SpotCheckResult {
  CONFIRMED = 'CONFIRMED',
  NOT_CONFIRMED = 'NOT_CONFIRMED',
  UNREACHABLE = 'UNREACHABLE',
}
registerEnumType(SpotCheckResult, {
  name: 'SpotCheckResult',
  description: 'What the call-back of a spot check (抽查回访) found.',
  valuesConfig: labelled(SpotCheckResult, {
    CONFIRMED: '属实（老年人或家属确认探访发生）',
    NOT_CONFIRMED: '不属实（老年人或家属否认探访）',
    UNREACHABLE: '联系不上（不计入核实率的分母）',
  }),
});

@ObjectType('SpotCheckDraw', {
  description:
    'A spot-check sample (四不两直 抽查) of the visits of a region in a period: the visits ordered by md5(seed || visit id), the first `size` of them. The seed is kept, so the same sample can be shown and derived again.',
})
export class SpotCheckDrawType {
  @Field(() => ID, { description: 'The draw.' })
  id!: string;

  @Field(() => String, { description: 'The region whose visits were sampled.' })
  regionCode!: string;

  @Field(() => String, { description: 'The region’s full name.' })
  regionName!: string;

  @Field(() => String, { description: 'The period’s label (2026-11, 2026-W47, 2026-Q4, 2026-H2, 2026).' })
  period!: string;

  @Field(() => LocalDate, { description: 'First day of the period (China time).' })
  from!: string;

  @Field(() => LocalDate, { description: 'Last day of the period (China time).' })
  to!: string;

  @Field(() => String, { description: 'The seed of the draw: the sample is the visits ordered by md5(seed || visit id).' })
  seed!: string;

  @Field(() => Int, { description: 'Visits asked for.' })
  size!: number;

  @Field(() => Int, { description: 'Visits of the region in the period when drawn (the population sampled).' })
  population!: number;

  @Field(() => Int, { description: 'Visits in the sample (the smaller of size and population).' })
  drawn!: number;

  @Field(() => Int, { description: 'Visits of the sample with a result recorded.' })
  recorded!: number;

  @Field(() => GraphQLDateTimeISO, { description: 'When it was drawn.' })
  drawnAt!: Date;

  @Field(() => String, { description: 'Who drew it, by name.' })
  drawnBy!: string;

  @Field(() => Boolean, { description: 'True when this call made the draw; false when it returned the draw already made for the region and period.' })
  created!: boolean;
}

@ObjectType('SpotCheck', { description: 'One visit of a spot-check sample and its call-back.' })
export class SpotCheckType {
  @Field(() => ID, { description: 'The spot check.' })
  id!: string;

  @Field(() => ID, { description: 'The draw it belongs to.' })
  drawId!: string;

  @Field(() => Int, { description: 'Place in the sample (1 = first by md5(seed || visit id)).' })
  rank!: number;

  @Field(() => ID, { description: 'The visit checked.' })
  visitId!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When the visit took place.' })
  visitedAt!: Date;

  @Field(() => LocalDate, { description: 'The visit day (China time).' })
  visitedOn!: string;

  @Field(() => VisitMethod, { description: 'How the visit was made.' })
  method!: VisitMethod;

  @Field(() => String, { nullable: true, description: 'The visitor, by name (the name as written for a paper record without a visitor).' })
  visitorName!: string | null;

  @Field(() => String, { description: 'The village of the visit, full name.' })
  regionName!: string;

  @Field(() => SpotCheckResult, { nullable: true, description: 'Null until the call-back is recorded.' })
  result!: SpotCheckResult | null;

  @Field(() => String, { nullable: true, description: 'The checker’s note.' })
  note!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the result was recorded; null until then.' })
  checkedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who recorded the call-back, by name.' })
  checkedBy!: string | null;

  @Field(() => Int, { description: 'Pass it back to recordSpotCheck: a stale version is CONFLICT.' })
  version!: number;

  /** For the `elder` field: the archive, through the jurisdiction filter and the read audit. */
  elderId!: string;
}

export const SpotCheckConnection = connectionOf('SpotCheck', SpotCheckType, 'The visits of a spot-check sample, in sample order.');

@ObjectType('SpotCheckRate', {
  description:
    '核实率 of a region: confirmed ÷ checked, where checked = confirmed + not confirmed; unreachable elders are counted apart and in neither. Over the current draws whose period lies inside the period asked, each visit once (its latest result).',
})
export class SpotCheckRateType {
  @Field(() => String, { description: 'The region.' })
  regionCode!: string;

  @Field(() => String, { description: 'The region’s own name (the rows are children of one region).' })
  regionName!: string;

  @Field(() => Int, { description: 'Visits drawn.' })
  drawn!: number;

  @Field(() => Int, { description: 'Confirmed + not confirmed.' })
  checked!: number;

  @Field(() => Int, { description: 'Call-backs where the elder or family confirmed the visit.' })
  confirmed!: number;

  @Field(() => Int, { description: 'Call-backs where the elder or family denied the visit.' })
  notConfirmed!: number;

  @Field(() => Int, { description: 'Call-backs that reached no one.' })
  unreachable!: number;

  @Field(() => Int, { description: 'Drawn, no result yet.' })
  pending!: number;

  @Field(() => Float, { nullable: true, description: 'confirmed ÷ checked, 4 decimals; null when nothing was checked.' })
  rate!: number | null;
}
