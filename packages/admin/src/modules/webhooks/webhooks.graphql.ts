import { graphql } from '../../gql';

export const WebhookSubscriptionsQuery = graphql(`
  query WebhookSubscriptions {
    webhookSubscriptions { id url events active ownerName regionCode createdAt }
  }
`);

export const CreateWebhookSubscriptionMutation = graphql(`
  mutation CreateWebhookSubscription($input: CreateWebhookSubscriptionInput!) {
    createWebhookSubscription(input: $input) {
      secret
      subscription { id url events active ownerName regionCode createdAt }
    }
  }
`);

export const DeleteWebhookSubscriptionMutation = graphql(`
  mutation DeleteWebhookSubscription($id: ID!) {
    deleteWebhookSubscription(id: $id)
  }
`);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($subscriptionId: ID!, $first: Int, $after: String) {
    webhookDeliveries(subscriptionId: $subscriptionId, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id event payload status attempts lastHttpStatus lastError nextAttemptAt createdAt deliveredAt }
    }
  }
`);
