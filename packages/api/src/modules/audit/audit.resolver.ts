import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditEventConnection, AuditEventType, AuditFilter } from './audit.types.js';

@Resolver(() => AuditEventType)
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: 'The audit log of your jurisdiction, newest first (auditors and admins).' })
  auditLog(
    @Arg('filter', () => AuditFilter, { nullable: true, description: 'Which events; omitted: every event you may read.' }) filter: AuditFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<AuditEventType>> {
    return new AuditQueryService(ctx).list(filter, page.first, page.after);
  }
}
