import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PeriodInput } from '../compliance/compliance.types.js';
import { AssessmentService } from './assessment.service.js';
import { AssessmentTargetInput, AssessmentType } from './assessment.types.js';
import { lagTolerant } from '../../shared/read-replica.js';

@Resolver()
export class AssessmentResolver {
  @Query(() => AssessmentType, {
    description:
      '考核 (scope report.read:aggregate): one row per region one level down (the towns of a county or city), with visit rates per class against their targets (default 100% for every class, plan 002), alert acknowledgement, referral response times, satisfaction, a score and a rank. Integrators get the same rows with counts of 1 to 4 withheld (null), and the rates and averages made of them. The spreadsheet: GET /assessment/<regionCode>.xlsx?kind=MONTH&date=YYYY-MM-DD (same bearer token; audited as ASSESSMENT_EXPORT).',
  })
  assessment(
    @Arg('regionCode', () => String, { nullable: true, description: 'Default: your jurisdiction.' }) regionCode: string | null,
    @Arg('period', () => PeriodInput, { description: 'The period assessed: its kind and any day in it.' }) period: PeriodInput,
    @Arg('targets', () => [AssessmentTargetInput], { nullable: true, description: 'Visit-rate targets per class; a class not given keeps 100%.' })
    targets: AssessmentTargetInput[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AssessmentType> {
    return lagTolerant(ctx, (readCtx) => new AssessmentService(readCtx).assessment(regionCode, period, targets));
  }
}
