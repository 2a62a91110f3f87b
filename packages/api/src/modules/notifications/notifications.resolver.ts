import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { NotificationsService } from './notifications.service.js';
import { NotificationConnection, NotificationType } from './notifications.types.js';

@Resolver(() => NotificationType)
export class NotificationsResolver {
  @Query(() => NotificationConnection, { description: 'Your own notifications (消息通知), newest first; `unreadOnly` for the unread ones.' })
  notifications(
    @Arg('unreadOnly', () => Boolean, { nullable: true, defaultValue: false, description: 'Only those not yet marked read.' }) unreadOnly: boolean,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<NotificationType>> {
    return new NotificationsService(ctx).list(unreadOnly, page.first, page.after);
  }

  @Query(() => Int, { description: 'How many of your notifications are unread (the bell\'s badge).' })
  unreadNotificationCount(@Ctx() ctx: RequestContext): Promise<number> {
    return new NotificationsService(ctx).unreadCount();
  }

  @Mutation(() => Int, { description: 'Mark your notifications read: these `ids` (others\' are ignored), or `all`. Returns how many changed.' })
  markNotificationsRead(
    @Arg('ids', () => [ID], { nullable: true, description: 'The notifications to mark read (your own; others are ignored).' }) ids: string[] | null,
    @Arg('all', () => Boolean, { nullable: true, description: 'True: mark every unread notification of yours read.' }) all: boolean | null,
    @Ctx() ctx: RequestContext,
  ): Promise<number> {
    return new NotificationsService(ctx).markRead(ids, all);
  }
}
