import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Info, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { AgencyViewsService } from './agency-views.service.js';
import { AgencyElderConnection, AgencyElderFilter, AgencyElderType, ReferredAlertConnection, ReferredAlertType } from './agency-views.types.js';

@Resolver()
export class AgencyViewsResolver {
  @Query(() => AgencyElderConnection, {
    description:
      "Partner agencies (scope agency.view:duty): the elders of your agency's region subtree that its duty needs, with only the fields its duty needs (see `AgencyElder` and AGENCY_VIEWS). Police and health see every elder; the disability federation, disabled elders; housing, elders whose housing was flagged. FORBIDDEN for an account without an agency. Audited (AGENCY_VIEW_READ).",
  })
  agencyElders(
    @Arg('filter', () => AgencyElderFilter, { nullable: true, description: 'Which elders of your view (default: all of them, in your agency\'s region subtree).' }) filter: AgencyElderFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<AgencyElderType>> {
    return new AgencyViewsService(ctx).elders(filter, page.first, page.after, info);
  }

  @Query(() => ReferredAlertConnection, {
    description:
      "Partner agencies and service organisations (scope alert.read:referred): alerts referred to your agency's kind (HEALTH, HOUSING, POLICE, DISABILITY; SOCIAL_WORK answers SOCIAL_WORKER, COUNSELLING answers COUNSELLOR, LEGAL_AID answers LEGAL_AID) for elders in its region subtree, any status (a declined one stays listed, DECLINED), latest referral first, each with its version and where your answer stands; answer them with respondToReferral. Audited (AGENCY_VIEW_READ).",
  })
  referredAlerts(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<ReferredAlertType>> {
    return new AgencyViewsService(ctx).referredAlerts(page.first, page.after);
  }
}
