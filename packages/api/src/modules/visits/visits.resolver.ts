import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';
import type { Elder } from '../elders/elder.entity.js';
import { ElderType } from '../elders/elder.types.js';
import { VisitsService } from './visits.service.js';
import { VisitProofService } from './visit-proof.service.js';
import { CareServiceType, RecordCareServiceInput, ReferenceLocationType, RecordVisitInput, VisitConnection, VisitFilter, VisitType } from './visits.types.js';

@Resolver(() => ElderType)
export class VisitsResolver {
  @Mutation(() => VisitType, {
    description:
      'Record a visit (探访关爱服务记录表). BAD_USER_INPUT for a date in the future or before the archive existed; FORBIDDEN for an elder outside your jurisdiction or (visitors) your assignment. A retry with the same `idempotencyKey` records once. Findings raise alerts by the rules table.',
  })
  recordVisit(@Arg('input', () => RecordVisitInput, { description: 'The visit record (探访关爱服务记录表); every wrong field is listed at once.' }) input: RecordVisitInput, @Ctx() ctx: RequestContext): Promise<VisitType> {
    return new VisitsService(ctx).record(input);
  }

  @Mutation(() => CareServiceType, { description: 'Record a care service delivered outside a visit (cleaning, laundry, haircut, ...).' })
  recordCareService(@Arg('input', () => RecordCareServiceInput, { description: 'The care service delivered.' }) input: RecordCareServiceInput, @Ctx() ctx: RequestContext): Promise<CareServiceType> {
    return new VisitsService(ctx).recordCareService(input);
  }

  @Query(() => VisitConnection, { description: 'Visit records in your jurisdiction, newest first.' })
  visits(
    @Arg('filter', () => VisitFilter, { nullable: true, description: 'Which visits; omitted: all of your jurisdiction, newest first.' }) filter: VisitFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<VisitType>> {
    return new VisitsService(ctx).list(filter, page.first, page.after);
  }

  @FieldResolver(() => VisitConnection, { name: 'visits', description: "This elder's visit records, newest first." })
  elderVisits(@Root() elder: Elder, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<VisitType>> {
    return new VisitsService(ctx).ofElder(elder, page.first, page.after);
  }

  @FieldResolver(() => [CareServiceType], { description: 'Care services delivered to this elder (latest 200 in the range).' })
  careServices(
    @Root() elder: Elder,
    @Arg('from', () => LocalDate, { nullable: true, description: 'First day (YYYY-MM-DD); omitted: no lower bound.' }) from: string | null,
    @Arg('to', () => LocalDate, { nullable: true, description: 'Last day (YYYY-MM-DD); omitted: no upper bound.' }) to: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CareServiceType[]> {
    return new VisitsService(ctx).careServicesOf(elder, from, to);
  }

  @FieldResolver(() => ReferenceLocationType, {
    nullable: true,
    description: 'Where the elder is visited: the first home visit’s GPS, or set by the town (setElderReferenceLocation). Home visits farther than TANFANG_VISIT_MAX_DISTANCE_M (500 m) are flagged FAR_FROM_REFERENCE.',
  })
  referenceLocation(@Root() elder: Elder, @Ctx() ctx: RequestContext): Promise<ReferenceLocationType | null> {
    return new VisitProofService(ctx).referenceOf(elder);
  }
}
