import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { LocalDate } from '../../graphql/scalars.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { ReverificationService } from './reverification.service.js';
import { SurveyService } from './survey.service.js';
import {
  ReverificationConnection,
  ReverificationSummaryType,
  SurveyArchiveInput,
  SurveyProgressType,
  SurveyResult,
  SurveyRoundConnection,
  SurveyRoundType,
  SurveyTaskConnection,
  SurveyTaskStatus,
  SurveyTaskType,
  SurveyTeamInput,
  type ReverificationItemType,
} from './survey.types.js';

@Resolver()
export class SurveyResolver {
  // ---------------------------------------------------------------- dynamic management (动态管理)
  @Query(() => ReverificationConnection, {
    description:
      '动态管理: active archives of a region (default: your jurisdiction) not verified for the configured period (TANFANG_REVERIFY_MONTHS, default 12 months), and temporary difficulties past their end date not verified since, each with its reasons in words. Verified by a home visit, an edit of the archive or a survey result. Outside your jurisdiction the region is NOT_FOUND. Every archive listed is read-audited.',
  })
  reverificationDue(
    @Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<ReverificationItemType>> {
    return new ReverificationService(ctx).list(regionCode, page.first, page.after);
  }

  @Query(() => ReverificationSummaryType, { description: '动态管理: how many archives of a region are due for re-verification (counts only; the dashboard figure).' })
  reverificationSummary(@Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null, @Ctx() ctx: RequestContext): Promise<ReverificationSummaryType> {
    return new ReverificationService(ctx).summary(regionCode);
  }

  // ---------------------------------------------------------------- survey rounds (摸底排查)
  @Mutation(() => SurveyRoundType, {
    description:
      '摸底排查: open a survey round over a town (9 digits) or county (6 digits) of your jurisdiction, with its dates and team. Its task list is built at once, per village: archives due for re-verification, pending agency candidates, and the police roll of residents aged 60+ (a roll person with an archive is the archive’s task).',
  })
  createSurveyRound(
    @Arg('regionCode', () => String, { description: 'The region surveyed (摸底排查); inside your jurisdiction.' }) regionCode: string,
    @Arg('name', () => String, { description: 'A name for the round, e.g. 2026年第四季度摸底排查.' }) name: string,
    @Arg('startsOn', () => LocalDate, { description: 'First day of the round (YYYY-MM-DD, China time).' }) startsOn: string,
    @Arg('endsOn', () => LocalDate, { description: 'Last day of the round (YYYY-MM-DD, China time), not before startsOn.' }) endsOn: string,
    @Arg('team', () => SurveyTeamInput, { nullable: true, description: 'The survey team (摸底排查专班) to create with the round; optional.' }) team: SurveyTeamInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SurveyRoundType> {
    return new SurveyService(ctx).createRound(regionCode, name, startsOn, endsOn, team);
  }

  @Mutation(() => SurveyRoundType, {
    description: 'Add to a round’s task list the people who appeared since it was built (a roll synced later, new candidates, archives now due). Tasks with a result are never touched.',
  })
  refreshSurveyRound(@Arg('roundId', () => ID, { description: 'The round.' }) roundId: string, @Ctx() ctx: RequestContext): Promise<SurveyRoundType> {
    return new SurveyService(ctx).refreshRound(roundId);
  }

  @Query(() => SurveyRoundConnection, { description: 'Survey rounds over a region (default: your jurisdiction) or over an area that includes it, newest first.' })
  surveyRounds(
    @Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<SurveyRoundType>> {
    return new SurveyService(ctx).rounds(regionCode, page.first, page.after);
  }

  @Query(() => SurveyRoundType, { description: 'One survey round (NOT_FOUND outside your jurisdiction).' })
  surveyRound(@Arg('id', () => ID, { description: 'The round.' }) id: string, @Ctx() ctx: RequestContext): Promise<SurveyRoundType> {
    return new SurveyService(ctx).round(id);
  }

  @Query(() => SurveyTaskConnection, { description: 'A round’s tasks in your jurisdiction, optionally of one village and status, by village and name.' })
  surveyTasks(
    @Arg('roundId', () => ID, { description: 'The round.' }) roundId: string,
    @Arg('regionCode', () => String, { nullable: true, description: 'Only tasks in this region (inside the round’s); omitted: all.' }) regionCode: string | null,
    @Arg('status', () => SurveyTaskStatus, { nullable: true, description: 'Only tasks with this status; omitted: all.' }) status: SurveyTaskStatus | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<SurveyTaskType>> {
    return new SurveyService(ctx).tasks(roundId, regionCode, status, page.first, page.after);
  }

  @Mutation(() => SurveyTaskType, {
    description:
      'Record the result for one person, once (a second result is CONFLICT). ELIGIBLE verifies the archive, or registers one through the registry (a candidate is enrolled); NOT_ELIGIBLE needs the reason in note. Who and when are kept and audited. Only those who run rounds or the round’s team members may record.',
  })
  recordSurveyResult(
    @Arg('taskId', () => ID, { description: 'The task (one person to check).' }) taskId: string,
    @Arg('result', () => SurveyResult, { description: 'What the check found.' }) result: SurveyResult,
    @Arg('note', () => String, { nullable: true, description: 'An optional note by the surveyor.' }) note: string | null,
    @Arg('archive', () => SurveyArchiveInput, { nullable: true, description: 'The archive to register when the result enrolls the person.' }) archive: SurveyArchiveInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SurveyTaskType> {
    return new SurveyService(ctx).recordResult(taskId, result, note, archive);
  }

  @Query(() => SurveyProgressType, {
    description: 'Progress of a round, per village and in total: tasks, surveyed, left, and coverage = roll people surveyed ÷ roll people (null, with the reason in words, where no roll was synced).',
  })
  surveyProgress(@Arg('roundId', () => ID, { description: 'The round.' }) roundId: string, @Ctx() ctx: RequestContext): Promise<SurveyProgressType> {
    return new SurveyService(ctx).progress(roundId);
  }
}
