import { graphql } from '../../gql';

// 报送: a region's report of a period sent up to the level above, approved or returned there (API: reports.submission.ts).

export const SubmissionStateFields = graphql(`
  fragment SubmissionStateFields on ReportSubmissionState {
    region {
      code
      name
    }
    period
    from
    to
    dueOn
    status
    late
    version
    submittedBy
    submittedAt
    decidedBy
    decidedAt
    reason
  }
`);

export const SubmissionPeriodsQuery = graphql(`
  query SubmissionPeriods($regionCode: String!, $count: Int!) {
    reportSubmissionPeriods(regionCode: $regionCode, kind: MONTH, count: $count) {
      ...SubmissionStateFields
    }
  }
`);

export const OwnSubmissionQuery = graphql(`
  query OwnSubmission($regionCode: String!, $period: PeriodInput!) {
    reportSubmission(regionCode: $regionCode, period: $period) {
      ...SubmissionStateFields
      versions {
        version
        status
        submittedBy
        submittedAt
        submittedLate
        decidedBy
        decidedAt
        reason
        asOf
        figures {
          ...ReportFiguresFields
        }
      }
    }
    report(regionCode: $regionCode, periodInput: $period) {
      asOf
      figures {
        ...ReportFiguresFields
      }
    }
  }
`);

export const ChildSubmissionsQuery = graphql(`
  query ChildSubmissions($period: PeriodInput!, $regionCode: String) {
    reportSubmissions(period: $period, regionCode: $regionCode) {
      ...SubmissionStateFields
    }
  }
`);

export const SubmitReportMutation = graphql(`
  mutation SubmitReport($regionCode: String!, $period: PeriodInput!) {
    submitReport(regionCode: $regionCode, period: $period) {
      ...SubmissionStateFields
    }
  }
`);

export const ApproveReportMutation = graphql(`
  mutation ApproveReport($regionCode: String!, $period: PeriodInput!, $version: Int!) {
    approveReport(regionCode: $regionCode, period: $period, version: $version) {
      ...SubmissionStateFields
    }
  }
`);

export const ReturnReportMutation = graphql(`
  mutation ReturnReport($regionCode: String!, $period: PeriodInput!, $version: Int!, $reason: String!) {
    returnReport(regionCode: $regionCode, period: $period, version: $version, reason: $reason) {
      ...SubmissionStateFields
    }
  }
`);

export const ReportDueDaysQuery = graphql(`
  query ReportDueDays($regionCode: String) {
    reportDueDays(regionCode: $regionCode) {
      regionCode
      kind
      day
      setOn
    }
  }
`);

export const SetReportDueDayMutation = graphql(`
  mutation SetReportDueDay($regionCode: String!, $kind: PeriodKind!, $day: Int!) {
    setReportDueDay(regionCode: $regionCode, kind: $kind, day: $day) {
      regionCode
      kind
      day
      setOn
    }
  }
`);
