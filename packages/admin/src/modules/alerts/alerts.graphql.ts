import { graphql } from '../../gql';

export const AlertFields = graphql(`
  fragment AlertFields on Alert {
    id
    elderId
    regionCode
    queueRegionCode
    visitId
    ruleCode
    ruleTitle
    ruleTitleEn
    raisedByName
    elder {
      id
      name
      region {
        code
        name
        fullName
        localPath
      }
    }
    title
    detail
    severity
    status
    raisedAt
    acknowledgeBy
    acknowledgedAt
    escalationLevel
    referredTo
    referredAt
    referralState
    referralAnswer
    referralOutcomeOn
    referralResponseMinutes
    referralOutcomeMinutes
    suggestedReferral
    resolvedAt
    resolution
    version
    events {
      at
      status
      note
      actor
      actorName
      referredTo
      response
      outcomeOn
      agencyName
    }
  }
`);

export const AlertQueueQuery = graphql(`
  query AlertQueue($filter: AlertFilter, $first: Int, $after: String) {
    alerts(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...AlertFields
      }
    }
  }
`);

export const AcknowledgeAlertMutation = graphql(`
  mutation AcknowledgeAlert($id: ID!, $version: Int!, $note: String) {
    acknowledgeAlert(id: $id, version: $version, note: $note) {
      ...AlertFields
    }
  }
`);

export const ReferAlertMutation = graphql(`
  mutation ReferAlert($id: ID!, $version: Int!, $to: Referral!, $note: String) {
    referAlert(id: $id, version: $version, to: $to, note: $note) {
      ...AlertFields
    }
  }
`);

export const ResolveAlertMutation = graphql(`
  mutation ResolveAlert($id: ID!, $version: Int!, $resolution: String!) {
    resolveAlert(id: $id, version: $version, resolution: $resolution) {
      ...AlertFields
    }
  }
`);

// The name of the region the queue is filtered to, for its tag (town and village, as rows of people show them).
export const AlertRegionQuery = graphql(`
  query AlertRegion($code: String!) {
    region(code: $code) {
      code
      localPath
    }
  }
`);

// The partner's side of a referral (转介反馈): what was referred to its agency, and its answers.
export const ReferredAlertFields = graphql(`
  fragment ReferredAlertFields on ReferredAlert {
    id
    version
    title
    detail
    severity
    status
    raisedAt
    referredAt
    referredTo
    referralState
    referralAnswer
    referralOutcomeOn
    referralResponseMinutes
    elderName
    village {
      code
      name
      fullName
    }
  }
`);

export const ReferredAlertsQuery = graphql(`
  query ReferredAlerts($first: Int, $after: String) {
    referredAlerts(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...ReferredAlertFields
      }
    }
  }
`);

export const RespondToReferralMutation = graphql(`
  mutation RespondToReferral($alertId: ID!, $version: Int!, $response: ReferralResponse!, $note: String, $outcomeDate: Date) {
    respondToReferral(alertId: $alertId, version: $version, response: $response, note: $note, outcomeDate: $outcomeDate) {
      ...ReferredAlertFields
    }
  }
`);
