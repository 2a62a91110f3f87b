import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PeriodInput, PeriodKind } from '../compliance/compliance.types.js';
import { ReportSubmissionService } from './reports.submission.js';
import { ReportDueDayType, ReportSubmissionStateType, ReportSubmissionStatus } from './reports.submission.types.js';
import { ReportType } from './reports.types.js';

/** 报送: submitting a region's statistics table upward, and the level above's approval or return. Rules in ReportSubmissionService. */
@Resolver(() => ReportType)
export class ReportSubmissionResolver {
  @Query(() => ReportSubmissionStateType, {
    description: 'Where a region’s report of a period stands (your own region, or one below it), with its due date and every submitted version.',
  })
  reportSubmission(
    @Arg('regionCode', () => String, { description: 'The region whose report it is (inside your jurisdiction).' }) regionCode: string,
    @Arg('period', () => PeriodInput, { description: 'MONTH, QUARTER or YEAR.' }) period: PeriodInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportSubmissionStateType> {
    return new ReportSubmissionService(ctx).state(regionCode, period);
  }

  @Query(() => [ReportSubmissionStateType], {
    description: 'For the level above: each region one level below `regionCode` (default: yours) with its report’s state for the period, late ones first.',
  })
  reportSubmissions(
    @Arg('period', () => PeriodInput, { description: 'The period (MONTH, QUARTER or YEAR).' }) period: PeriodInput,
    @Arg('regionCode', () => String, { nullable: true, description: 'The region whose children’s submissions are listed; omitted: your own region.' }) regionCode: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportSubmissionStateType[]> {
    return new ReportSubmissionService(ctx).children(period, regionCode);
  }

  @Query(() => [ReportSubmissionStateType], { description: 'A region’s recent periods of a kind (the running one first), each with its state: the submitter’s list.' })
  reportSubmissionPeriods(
    @Arg('regionCode', () => String, { description: 'The region (inside your jurisdiction).' }) regionCode: string,
    @Arg('kind', () => PeriodKind, { description: 'MONTH, QUARTER or YEAR.' }) kind: PeriodKind,
    @Arg('count', () => Int, { defaultValue: 6, description: '1 to 24.' }) count: number,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportSubmissionStateType[]> {
    return new ReportSubmissionService(ctx).periods(regionCode, kind, count);
  }

  @Mutation(() => ReportSubmissionStateType, {
    description:
      'Submit your own region’s report of an ended period to the level above: its figures (as `report` answers them now) are frozen as a new version. CONFLICT while a version is pending or approved.',
  })
  submitReport(
    @Arg('regionCode', () => String, { description: 'Your own region (a report is submitted by its own level).' }) regionCode: string,
    @Arg('period', () => PeriodInput, { description: 'The period (MONTH, QUARTER or YEAR) to submit.' }) period: PeriodInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportSubmissionStateType> {
    return new ReportSubmissionService(ctx).submit(regionCode, period);
  }

  @Mutation(() => ReportSubmissionStateType, { description: 'Approve a pending version submitted by a region below yours. CONFLICT when it is already decided or superseded.' })
  async approveReport(
    @Arg('regionCode', () => String, { description: 'A region below yours whose report is pending.' }) regionCode: string,
    @Arg('period', () => PeriodInput, { description: 'The period of the report.' }) period: PeriodInput,
    @Arg('version', () => Int, { description: 'The pending version you read: CONFLICT when it was decided or superseded meanwhile.' }) version: number,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportSubmissionStateType> {
    return (await new ReportSubmissionService(ctx).decide(regionCode, period, version, ReportSubmissionStatus.APPROVED, null)).state;
  }

  @Mutation(() => ReportSubmissionStateType, { description: 'Return a pending version to the region below with a reason; it corrects and resubmits a new version.' })
  async returnReport(
    @Arg('regionCode', () => String, { description: 'A region below yours whose report is pending.' }) regionCode: string,
    @Arg('period', () => PeriodInput, { description: 'The period of the report.' }) period: PeriodInput,
    @Arg('version', () => Int, { description: 'The pending version you read: CONFLICT when it was decided or superseded meanwhile.' }) version: number,
    @Arg('reason', () => String, { description: 'What the region must correct (required; shown to the submitter).' }) reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportSubmissionStateType> {
    return (await new ReportSubmissionService(ctx).decide(regionCode, period, version, ReportSubmissionStatus.RETURNED, reason)).state;
  }

  @Query(() => [ReportDueDayType], {
    description: `The due day of each kind of report sent upward (MONTH, QUARTER, YEAR) in force for a region, and where it is set (the region itself, a region above, or the default). For those who set due days (scope report.schedule).`,
  })
  reportDueDays(
    @Arg('regionCode', () => String, { nullable: true, description: 'The region (inside your jurisdiction); omitted: your own.' }) regionCode: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportDueDayType[]> {
    return new ReportSubmissionService(ctx).dueDaysOf(regionCode);
  }

  @Mutation(() => ReportDueDayType, {
    description: `Set the day of the month after a period by which reports of a kind are due, for a region and its subtree (the nearest region above that sets one wins). Defaults: MONTH the 5th, QUARTER the 10th, YEAR the 20th. WEEK and HALF_YEAR are not reported upward: BAD_USER_INPUT.`,
  })
  setReportDueDay(
    @Arg('regionCode', () => String, { description: 'The region to set it on (its subtree inherits it); inside your jurisdiction.' }) regionCode: string,
    @Arg('kind', () => PeriodKind, { description: 'MONTH, QUARTER or YEAR.' }) kind: PeriodKind,
    @Arg('day', () => Int, { description: 'Day of the month after the period ends, 1 to 28.' }) day: number,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportDueDayType> {
    return new ReportSubmissionService(ctx).setDueDay(regionCode, kind, day);
  }

  @FieldResolver(() => [ReportSubmissionStateType], {
    description: '报送: the report’s state of each region one level down for this period (empty for a week, and for users who neither submit nor approve).',
  })
  childSubmissions(@Root() report: ReportType, @Ctx() ctx: RequestContext): Promise<ReportSubmissionStateType[]> {
    return new ReportSubmissionService(ctx).forReport(report.region, report.period);
  }
}
