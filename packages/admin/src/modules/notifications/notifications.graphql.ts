import { graphql } from '../../gql';

export const NotificationFields = graphql(`
  fragment NotificationFields on Notification {
    id
    kind
    title
    body
    link
    createdAt
    readAt
  }
`);

export const NotificationsQuery = graphql(`
  query Notifications($unreadOnly: Boolean, $first: Int, $after: String) {
    notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...NotificationFields }
    }
  }
`);

/** The bell: the badge's count and the latest few, in one request. */
export const BellQuery = graphql(`
  query NotificationBell {
    unreadNotificationCount
    notifications(first: 5) { nodes { ...NotificationFields } }
  }
`);

export const MarkNotificationsReadMutation = graphql(`
  mutation MarkNotificationsRead($ids: [ID!], $all: Boolean) {
    markNotificationsRead(ids: $ids, all: $all)
  }
`);
