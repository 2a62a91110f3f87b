import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { webhookSettingsOf } from '../../config/env.js';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { WebhooksService } from './webhooks.service.js';
import {
  CreatedWebhookSubscriptionType,
  CreateWebhookSubscriptionInput,
  WebhookDeliveryConnection,
  WebhookSubscriptionType,
  type WebhookDeliveryType,
} from './webhooks.types.js';

// A context built without a configuration gets production's webhook rules (private addresses refused).
const service = (ctx: RequestContext) => new WebhooksService(ctx, ctx.webhooks ?? webhookSettingsOf(process.env, true));

@Resolver(() => WebhookSubscriptionType)
export class WebhooksResolver {
  @Query(() => [WebhookSubscriptionType], {
    description: 'Your agency\'s (or, for an integrator, your own) webhook subscriptions; civil-affairs admins: every one in the jurisdiction.',
  })
  webhookSubscriptions(@Ctx() ctx: RequestContext): Promise<WebhookSubscriptionType[]> {
    return service(ctx).list();
  }

  @Mutation(() => CreatedWebhookSubscriptionType, { description: 'Register a webhook. The answer holds the signing secret, shown this once.' })
  createWebhookSubscription(
    @Arg('input', () => CreateWebhookSubscriptionInput, { description: 'Where to POST and which events.' }) input: CreateWebhookSubscriptionInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CreatedWebhookSubscriptionType> {
    return service(ctx).create(input);
  }

  @Mutation(() => Boolean, { description: 'Delete one of your webhook subscriptions: nothing more is sent to it (its log stays).' })
  deleteWebhookSubscription(@Arg('id', () => ID, { description: 'One of your subscriptions.' }) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return service(ctx).delete(id);
  }

  @Query(() => WebhookDeliveryConnection, { description: 'The delivery log of a subscription you can see, newest first.' })
  webhookDeliveries(
    @Arg('subscriptionId', () => ID, { description: 'One of your subscriptions (admins: any in their jurisdiction).' }) subscriptionId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<WebhookDeliveryType>> {
    return service(ctx).deliveries(subscriptionId, page.first, page.after);
  }
}
