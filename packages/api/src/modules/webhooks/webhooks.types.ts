import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';

export enum WebhookEvent {
  ALERT_REFERRED = 'ALERT_REFERRED',
  FEED_CHANGED = 'FEED_CHANGED',
  REPORT_APPROVED = 'REPORT_APPROVED',
}
registerEnumType(WebhookEvent, {
  name: 'WebhookEvent',
  valuesConfig: labelled(WebhookEvent, {
    ALERT_REFERRED: '预警转介到本部门（payload: alertId, referredTo, regionCode）',
    FEED_CHANGED: '变更流有新内容（payload: since, endCursor；数据用 changes(since:) 读取）',
    REPORT_APPROVED: '报表审核通过（payload: regionCode, period, version）',
  }),
});

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  valuesConfig: labelled(WebhookDeliveryStatus, { PENDING: '待投递（含重试中）', DELIVERED: '已送达', FAILED: '投递失败（已停止重试）' }),
});

@ObjectType('WebhookSubscription', { description: 'An outbound webhook (回调订阅) of a partner agency or an integrator. The secret is shown only once, at creation.' })
export class WebhookSubscriptionType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [WebhookEvent])
  events!: WebhookEvent[];

  @Field(() => Boolean)
  active!: boolean;

  @Field(() => String, { description: 'Whose it is: the agency\'s name, or the integrator user\'s name.' })
  ownerName!: string;

  @Field(() => String)
  regionCode!: string;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;
}

@ObjectType('CreatedWebhookSubscription')
export class CreatedWebhookSubscriptionType {
  @Field(() => WebhookSubscriptionType)
  subscription!: WebhookSubscriptionType;

  @Field(() => String, {
    description: 'The signing secret, shown this once: keep it. Each delivery has `X-Tanfang-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `<t>.<body>` with it.',
  })
  secret!: string;
}

@InputType()
export class CreateWebhookSubscriptionInput {
  @Field(() => String, { description: 'http(s) URL; in production no private or loopback address.' })
  url!: string;

  @Field(() => [WebhookEvent])
  events!: WebhookEvent[];
}

@ObjectType('WebhookDelivery', { description: 'One delivery of an event to a subscription (its id is the `X-Tanfang-Delivery` header, the same on every retry).' })
export class WebhookDeliveryType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  subscriptionId!: string;

  @Field(() => WebhookEvent)
  event!: WebhookEvent;

  @Field(() => String, { description: 'The payload as sent (JSON text): ids and cursors only.' })
  payload!: string;

  @Field(() => WebhookDeliveryStatus)
  status!: WebhookDeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true })
  lastHttpStatus!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  deliveredAt!: Date | null;
}

export const WebhookDeliveryConnection = connectionOf('WebhookDelivery', WebhookDeliveryType, 'Deliveries of a subscription, newest first.');
