import { graphql } from '../../gql';

export const AuditLogQuery = graphql(`
  query AuditLog($filter: AuditFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      totalCount
      totalCountCapped
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        at
        actorUsername
        actorName
        actorRole
        action
        elderId
        elderName
        regionCode
        regionPath
        purpose
        changes {
          field
          old
          new
        }
        detail
        requestId
        ip
      }
    }
  }
`);
