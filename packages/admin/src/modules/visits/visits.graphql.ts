import { graphql } from '../../gql';

/** The header of the visit form: who is being visited, and who may be named as the visitor. */
export const VisitElderQuery = graphql(`
  query VisitElder($id: ID!) {
    elder(id: $id) {
      id
      name
      idNumber
      gender
      age
      status
      acceptsVisits
      registeredAt
      addressDetail
      region {
        code
        fullName
      }
      classification {
        class
      }
      assignments {
        id
        role
        visitor {
          id
          name
          kind
        }
      }
    }
  }
`);

export const VisitCampaignsQuery = graphql(`
  query VisitCampaigns($activeOn: Date) {
    campaigns(activeOn: $activeOn) {
      id
      name
      regionCode
      classes
      homeOnly
      startsOn
      endsOn
    }
  }
`);

export const RecordVisitMutation = graphql(`
  mutation RecordVisit($input: RecordVisitInput!) {
    recordVisit(input: $input) {
      id
      seq
      visitedAt
      visitedOn
      method
      alertIds
    }
  }
`);

/** The alerts a visit raised: the elder's alerts of any status, matched by id. */
export const VisitAlertsQuery = graphql(`
  query VisitAlerts($elderId: ID!) {
    alerts(filter: { elderId: $elderId, status: [OPEN, ACKNOWLEDGED, REFERRED, RESOLVED] }, first: 100) {
      nodes {
        id
        title
        detail
        severity
        status
        acknowledgeBy
        suggestedReferral
      }
    }
  }
`);

/**
 * The visitor's worklist (我的探访任务): their assigned elders that are overdue or due in the window now running.
 * missedDueBy goes with daysOverdue (a past date), dueBy with daysLeft (a date to come): never one with the other.
 */
export const MyWorklistQuery = graphql(`
  query MyWorklist {
    myWorklist {
      class
      overdue
      daysOverdue
      missedDueBy
      dueBy
      daysLeft
      elder {
        id
        name
        age
        region {
          code
          name
        }
      }
      requirements {
        requirementId
        description
        overdue
      }
    }
  }
`);
