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
  description: 'The events a webhook subscription can receive; each payload carries ids and cursors, never personal data.',
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
  description: 'Where a delivery stands: waiting (or retrying), delivered (a 2xx answer), or failed after the last attempt.',
  valuesConfig: labelled(WebhookDeliveryStatus, { PENDING: '待投递（含重试中）', DELIVERED: '已送达', FAILED: '投递失败（已停止重试）' }),
});

@ObjectType('WebhookSubscription', { description: 'An outbound webhook (回调订阅) of a partner agency or an integrator. The secret is shown only once, at creation.' })
export class WebhookSubscriptionType {
  @Field(() => ID, { description: 'The subscription’s id.' })
  id!: string;

  @Field(() => String, { description: 'Where deliveries are POSTed (http or https).' })
  url!: string;

  @Field(() => [WebhookEvent], { description: 'The events it receives.' })
  events!: WebhookEvent[];

  @Field(() => Boolean, { description: 'False once deleted (kept for its delivery log).' })
  active!: boolean;

  @Field(() => String, { description: 'Whose it is: the agency\'s name, or the integrator user\'s name.' })
  ownerName!: string;

  @Field(() => String, { description: 'The owner’s region: events of elders and regions inside it are delivered.' })
  regionCode!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When it was registered.' })
  createdAt!: Date;
}

@ObjectType('CreatedWebhookSubscription', { description: 'A new subscription with its signing secret, which is never shown again.' })
export class CreatedWebhookSubscriptionType {
  @Field(() => WebhookSubscriptionType, { description: 'The subscription registered.' })
  subscription!: WebhookSubscriptionType;

  @Field(() => String, {
    description: 'The signing secret, shown this once: keep it. Each delivery has `X-Tanfang-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `<t>.<body>` with it.',
  })
  secret!: string;
}

@InputType({ description: 'A webhook to register (scope webhook.manage): where to POST and which events.' })
export class CreateWebhookSubscriptionInput {
  @Field(() => String, { description: 'http(s) URL; in production no private or loopback address.' })
  url!: string;

  @Field(() => [WebhookEvent], { description: 'At least one event; integrators may take only REPORT_APPROVED.' })
  events!: WebhookEvent[];
}

@ObjectType('WebhookDelivery', { description: 'One delivery of an event to a subscription (its id is the `X-Tanfang-Delivery` header, the same on every retry).' })
export class WebhookDeliveryType {
  @Field(() => ID, { description: 'The delivery id, sent as `X-Tanfang-Delivery`, the same on every retry: receivers deduplicate on it.' })
  id!: string;

  @Field(() => ID, { description: 'The subscription it goes to.' })
  subscriptionId!: string;

  @Field(() => WebhookEvent, { description: 'The event delivered (sent as `X-Tanfang-Event`).' })
  event!: WebhookEvent;

  @Field(() => String, { description: 'The payload as sent (JSON text): ids and cursors only.' })
  payload!: string;

  @Field(() => WebhookDeliveryStatus, { description: 'Waiting, delivered or failed.' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'HTTP attempts made so far.' })
  attempts!: number;

  @Field(() => Int, { nullable: true, description: 'The receiver’s last HTTP status, if it answered.' })
  lastHttpStatus!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (timeout, refused, non-2xx), if it did.' })
  lastError!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the next retry is due (the wait doubles each attempt, at most an hour); null once delivered or failed.' })
  nextAttemptAt!: Date | null;

  @Field(() => GraphQLDateTimeISO, { description: 'When the event happened and the delivery was queued.' })
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When a 2xx answer came back; null until then.' })
  deliveredAt!: Date | null;
}

export const WebhookDeliveryConnection = connectionOf('WebhookDelivery', WebhookDeliveryType, 'Deliveries of a subscription, newest first.');
