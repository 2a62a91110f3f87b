import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { ReverificationService } from './reverification.service.js';
import { ReverificationConnection, ReverificationSummaryType, type ReverificationItemType } from './survey.types.js';

@Resolver()
export class SurveyResolver {
  @Query(() => ReverificationConnection, {
    description:
      '动态管理: active archives of a region (default: your jurisdiction) not verified for the configured period (TANFANG_REVERIFY_MONTHS, default 12 months), and temporary difficulties past their end date not verified since, each with its reasons in words. Verified by a home visit, an edit of the archive or a survey result. Outside your jurisdiction the region is NOT_FOUND. Every archive listed is read-audited.',
  })
  reverificationDue(
    @Arg('regionCode', () => String, { nullable: true }) regionCode: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<ReverificationItemType>> {
    return new ReverificationService(ctx).list(regionCode, page.first, page.after);
  }

  @Query(() => ReverificationSummaryType, { description: '动态管理: how many archives of a region are due for re-verification (counts only; the dashboard figure).' })
  reverificationSummary(@Arg('regionCode', () => String, { nullable: true }) regionCode: string | null, @Ctx() ctx: RequestContext): Promise<ReverificationSummaryType> {
    return new ReverificationService(ctx).summary(regionCode);
  }
}
