import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';
import type { Elder } from '../elders/elder.entity.js';
import { ElderType } from '../elders/elder.types.js';
import { ElderComplianceType } from '../standards/standards.types.js';
import { ComplianceService } from './compliance.service.js';
import { OverdueElderConnection, PeriodInput, VisitorWorkloadConnection, VisitorWorkloadType, VisitRateType, WorklistItemType, type OverdueElderType } from './compliance.types.js';
import { lagTolerant } from '../../shared/read-replica.js';

@Resolver(() => ElderType)
export class ComplianceResolver {
  @FieldResolver(() => ElderComplianceType, {
    description: 'What the standards ask of this elder on `asOf` (default today) and whether it was done. Derived, never stored.',
  })
  compliance(@Root() elder: Elder, @Arg('asOf', () => LocalDate, { nullable: true, description: 'The day to judge on (YYYY-MM-DD, China time); omitted: today. Not in the future.' }) asOf: string | null, @Ctx() ctx: RequestContext): Promise<ElderComplianceType> {
    return new ComplianceService(ctx).forElder(elder, asOf);
  }

  @Query(() => OverdueElderConnection, {
    description: 'Elders of a region subtree (default: your jurisdiction) with an overdue requirement on `asOf` (default today), most overdue first.',
  })
  overdueElders(
    @Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null,
    @Arg('asOf', () => LocalDate, { nullable: true, description: 'The day to judge on (YYYY-MM-DD, China time); omitted: today. Not in the future.' }) asOf: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<OverdueElderType>> {
    return lagTolerant(ctx, (readCtx) => new ComplianceService(readCtx).overdueElders(regionCode, asOf, page.first, page.after, info));
  }

  @Query(() => [WorklistItemType], {
    description: "The logged-in visitor's assigned elders that are overdue or due in their current window, most urgent first.",
  })
  myWorklist(@Arg('asOf', () => LocalDate, { nullable: true, description: 'The day to judge on (YYYY-MM-DD, China time); omitted: today. Not in the future.' }) asOf: string | null, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<WorklistItemType[]> {
    return lagTolerant(ctx, (readCtx) => new ComplianceService(readCtx).myWorklist(asOf, info));
  }

  @Query(() => VisitRateType, { description: '探访率 of a region subtree (default: your jurisdiction) for a period; definitions on the VisitRate type.' })
  visitRate(
    @Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null,
    @Arg('period', () => PeriodInput, { description: 'The period (PeriodInput: kind and a day inside it).' }) period: PeriodInput,
    @Ctx() ctx: RequestContext,
  ): Promise<VisitRateType> {
    return lagTolerant(ctx, (readCtx) => new ComplianceService(readCtx).visitRate(regionCode, period));
  }

  @Query(() => [VisitorWorkloadType], { description: 'Workload of every active visitor of a region subtree, most overdue first.' })
  visitorWorkload(
    @Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null,
    @Arg('asOf', () => LocalDate, { nullable: true, description: 'The day to judge on (YYYY-MM-DD, China time); omitted: today. Not in the future.' }) asOf: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<VisitorWorkloadType[]> {
    return lagTolerant(ctx, (readCtx) => new ComplianceService(readCtx).workload(regionCode, asOf));
  }

  @Query(() => VisitorWorkloadConnection, {
    description: 'The visitors of a region subtree (default: your jurisdiction) with their workloads on `asOf` (default today), a page at a time: most overdue first, then by name. The same figures as `visitorWorkload`, which answers every visitor at once and is refused above the response limit (a city of a million elders has over 13,000 visitors).',
  })
  visitorWorkloads(
    @Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null,
    @Arg('asOf', () => LocalDate, { nullable: true, description: 'The day to judge on (YYYY-MM-DD, China time); omitted: today. Not in the future.' }) asOf: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<VisitorWorkloadType>> {
    return lagTolerant(ctx, (readCtx) => new ComplianceService(readCtx).workloadPage(regionCode, asOf, page.first, page.after));
  }
}
