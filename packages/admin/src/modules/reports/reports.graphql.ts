import { graphql } from '../../gql';

export const ReportFiguresFields = graphql(`
  fragment ReportFiguresFields on ReportFigures {
    elders
    eldersByClass {
      key
      count
    }
    visits
    visitRate {
      numerator
      denominator
      rate
    }
    overdueElders
    alertsOpenedByKind {
      key
      count
    }
    alertsResolved
    refusals
    visitsWithLocation
    visitsSigned
    visitsFlagged
  }
`);

export const ReportFields = graphql(`
  fragment ReportFields on Report {
    period
    from
    to
    asOf
    computedAt
    closed
    closedAt
    version
    suppressed
    region {
      code
      name
      level
    }
    figures {
      ...ReportFiguresFields
    }
    children {
      region {
        code
        name
        level
      }
      figures {
        ...ReportFiguresFields
      }
    }
    amendments {
      version
      reason
      amendedBy
      amendedAt
      before
      after
    }
  }
`);

export const ReportQuery = graphql(`
  query Report($regionCode: String, $period: PeriodInput!) {
    report(regionCode: $regionCode, periodInput: $period) {
      ...ReportFields
    }
  }
`);

export const CloseReportPeriodMutation = graphql(`
  mutation CloseReportPeriod($regionCode: String!, $period: PeriodInput!) {
    closeReportPeriod(regionCode: $regionCode, periodInput: $period) {
      ...ReportFields
    }
  }
`);

export const AmendReportPeriodMutation = graphql(`
  mutation AmendReportPeriod($regionCode: String!, $period: PeriodInput!, $reason: String!) {
    amendReportPeriod(regionCode: $regionCode, periodInput: $period, reason: $reason) {
      ...ReportFields
    }
  }
`);
