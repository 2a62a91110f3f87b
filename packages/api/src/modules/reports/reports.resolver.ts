import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PERIOD_LABEL_DEPRECATION, PeriodInput } from '../../graphql/period.js';
import { ReportsService } from './reports.service.js';
import { ReportType } from './reports.types.js';
import { lagTolerant } from '../../shared/read-replica.js';

const PERIOD_INPUT = 'The period (PeriodInput: WEEK, MONTH, QUARTER, HALF_YEAR or YEAR containing `date`). Required unless the deprecated `period` is given.';
const PERIOD_LABEL = `Deprecated label form: 2026-10 (month), 2026-W43 (ISO week), 2026-Q4, 2026-H1 (half year) or 2026. ${PERIOD_LABEL_DEPRECATION}`;

@Resolver()
export class ReportsResolver {
  @Query(() => ReportType, {
    description:
      '情况统计表: the figures of a region (default: your jurisdiction) for a period, with each region one level down. Aggregates only; for integrators counts of 1 to 4 are withheld, with the counts they could be worked out from.',
  })
  report(
    @Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null,
    @Arg('period', () => String, { nullable: true, description: PERIOD_LABEL, deprecationReason: PERIOD_LABEL_DEPRECATION }) period: string | null,
    @Arg('periodInput', () => PeriodInput, { nullable: true, description: PERIOD_INPUT }) periodInput: PeriodInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportType> {
    return lagTolerant(ctx, (readCtx) => new ReportsService(readCtx).report(regionCode, { label: period, input: periodInput }));
  }

  @Mutation(() => ReportType, {
    description: 'Close an ended period for a region (and every region below it): its figures and eligibility list are frozen; later changes do not rewrite them.',
  })
  closeReportPeriod(
    @Arg('regionCode', () => String, { description: 'The region to close the period for (its whole subtree is frozen); inside your jurisdiction.' }) regionCode: string,
    @Arg('period', () => String, { nullable: true, description: PERIOD_LABEL, deprecationReason: PERIOD_LABEL_DEPRECATION }) period: string | null,
    @Arg('periodInput', () => PeriodInput, { nullable: true, description: PERIOD_INPUT }) periodInput: PeriodInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportType> {
    return new ReportsService(ctx).close(regionCode, { label: period, input: periodInput });
  }

  @Mutation(() => ReportType, { description: 'Correct a closed period with a reason: a new version of the frozen figures, with the before and after kept.' })
  amendReportPeriod(
    @Arg('regionCode', () => String, { description: 'The region whose closed figures are corrected; inside your jurisdiction.' }) regionCode: string,
    @Arg('period', () => String, { nullable: true, description: PERIOD_LABEL, deprecationReason: PERIOD_LABEL_DEPRECATION }) period: string | null,
    @Arg('periodInput', () => PeriodInput, { nullable: true, description: PERIOD_INPUT }) periodInput: PeriodInput | null,
    @Arg('reason', () => String, { description: 'Why, in words (required; kept in the audit log).' }) reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportType> {
    return new ReportsService(ctx).amend(regionCode, { label: period, input: periodInput }, reason);
  }
}
