import { graphql } from '../../gql';

// The dashboard asks each source only for what its widgets show, one query per scope, so a user who lacks a scope
// never sends (or fails) a query for it.

export const DashboardReportQuery = graphql(`
  query DashboardReport($regionCode: String, $period: PeriodInput!) {
    report(regionCode: $regionCode, periodInput: $period) {
      period
      asOf
      computedAt
      suppressed
      region {
        code
        name
        level
      }
      figures {
        elders
        eldersByClass {
          key
          count
        }
        visitRate {
          numerator
          denominator
          rate
        }
        overdueElders
      }
      children {
        region {
          code
          name
          level
        }
        figures {
          elders
          visitRate {
            numerator
            denominator
            rate
          }
          overdueElders
        }
      }
    }
  }
`);

export const DashboardVisitsQuery = graphql(`
  query DashboardVisits($regionCode: String, $period: PeriodInput!) {
    visitRate(regionCode: $regionCode, period: $period) {
      asOf
      computedAt
      numerator
      denominator
      rate
    }
    overdueElders(regionCode: $regionCode, first: 1) {
      totalCount
    }
  }
`);

export const DashboardAlertsQuery = graphql(`
  query DashboardAlerts($regionCode: String) {
    open: alerts(filter: { regionCode: $regionCode, status: [OPEN] }, first: 1) {
      totalCount
    }
    unresolved: alerts(filter: { regionCode: $regionCode }, first: 1) {
      totalCount
    }
    escalated: alerts(filter: { regionCode: $regionCode, escalated: true }, first: 1) {
      totalCount
    }
  }
`);
