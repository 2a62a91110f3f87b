import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import type { Elder } from '../elders/elder.entity.js';
import { ElderType } from '../elders/elder.types.js';
import { PeriodInput } from '../compliance/compliance.types.js';
import { SpotChecksService, SPOT_CHECK_MAX_SIZE } from './spot-checks.service.js';
import { SpotCheckConnection, SpotCheckDrawType, SpotCheckRateType, SpotCheckResult, SpotCheckType } from './spot-checks.types.js';
import { VisitProofService } from './visit-proof.service.js';

/** 四不两直 spot checks (抽查回访): draw a sample, record call-backs, read the verification rates. */
@Resolver(() => SpotCheckType)
export class SpotChecksResolver {
  @Mutation(() => SpotCheckDrawType, {
    description: `Draw a spot-check sample of the region's visits in the period (1 to ${SPOT_CHECK_MAX_SIZE}): the visits ordered by md5(seed || visit id), so the stored seed derives the same sample again. A region and period have one current draw: drawing again returns it (created: false) unless redraw, which replaces it (the old draw is kept, with its results). Needs visit.spotcheck:jurisdiction; a region outside your area is NOT_FOUND; audited (SPOT_CHECK_DRAW).`,
  })
  drawSpotChecks(
    @Arg('regionCode', () => String, { description: 'The region whose visits are sampled; inside your jurisdiction.' }) regionCode: string,
    @Arg('period', () => PeriodInput, { description: 'The period whose visits are sampled (already started).' }) period: PeriodInput,
    @Arg('size', () => Int, { description: 'How many visits to draw, 1 to 200.' }) size: number,
    @Arg('redraw', () => Boolean, { defaultValue: false, description: 'true: replace an existing draw of this region and period.' }) redraw: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<SpotCheckDrawType> {
    return new SpotChecksService(ctx).draw(regionCode, period, size, redraw);
  }

  @Query(() => SpotCheckDrawType, { nullable: true, description: 'The current spot-check draw of a region (default: yours) and period, or null. Needs visit.spotcheck:jurisdiction.' })
  spotCheckDraw(
    @Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null,
    @Arg('period', () => PeriodInput, { description: 'The period.' }) period: PeriodInput,
    @Ctx() ctx: RequestContext,
  ): Promise<SpotCheckDrawType | null> {
    return new SpotChecksService(ctx).current(regionCode, period);
  }

  @Query(() => SpotCheckConnection, { description: 'The visits of a draw in sample order, with their call-backs. Needs visit.spotcheck:jurisdiction; elders served are read-audited.' })
  spotChecks(
    @Arg('drawId', () => ID, { description: 'The draw.' }) drawId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<SpotCheckType>> {
    return new SpotChecksService(ctx).list(drawId, page.first, page.after);
  }

  @Mutation(() => SpotCheckType, {
    description:
      'Record the call-back of one drawn visit (who and when are kept). `version` is the one read: if someone recorded meanwhile it is CONFLICT. NOT_CONFIRMED needs a note. Needs visit.spotcheck:jurisdiction; audited (SPOT_CHECK_RECORD).',
  })
  recordSpotCheck(
    @Arg('id', () => ID, { description: 'The spot check.' }) id: string,
    @Arg('version', () => Int, { description: 'The version you read; CONFLICT if someone recorded it since.' }) version: number,
    @Arg('result', () => SpotCheckResult, { description: 'What the call-back found.' }) result: SpotCheckResult,
    @Arg('note', () => String, { nullable: true, description: 'An optional note.' }) note: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SpotCheckType> {
    return new SpotChecksService(ctx).record(id, version, result, note);
  }

  @Query(() => [SpotCheckRateType], {
    description: '核实率 of the spot checks per child region of `regionCode` (default: yours), for draws whose period lies inside `period`. Needs visit.spotcheck:jurisdiction.',
  })
  spotCheckRates(
    @Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null,
    @Arg('period', () => PeriodInput, { description: 'The period.' }) period: PeriodInput,
    @Ctx() ctx: RequestContext,
  ): Promise<SpotCheckRateType[]> {
    return new SpotChecksService(ctx).rates(regionCode, period);
  }

  @FieldResolver(() => ElderType, { nullable: true, description: 'The elder visited (identity masked; read-audited). Needs elder.read:jurisdiction.' })
  elder(@Root() check: SpotCheckType, @Ctx() ctx: RequestContext): Promise<Elder | null> {
    return new VisitProofService(ctx).elderOf(check.elderId);
  }
}
