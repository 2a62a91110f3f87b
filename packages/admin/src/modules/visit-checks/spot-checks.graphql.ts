import { graphql } from '../../gql';

export const SpotCheckDrawQuery = graphql(`
  query SpotCheckDraw($regionCode: String, $period: PeriodInput!) {
    spotCheckDraw(regionCode: $regionCode, period: $period) {
      id
      regionCode
      regionName
      period
      from
      to
      seed
      size
      population
      drawn
      recorded
      drawnAt
      drawnBy
    }
    spotCheckRates(regionCode: $regionCode, period: $period) {
      regionCode
      regionName
      drawn
      checked
      confirmed
      notConfirmed
      unreachable
      pending
      rate
    }
  }
`);

export const DrawSpotChecksMutation = graphql(`
  mutation DrawSpotChecks($regionCode: String!, $period: PeriodInput!, $size: Int!, $redraw: Boolean) {
    drawSpotChecks(regionCode: $regionCode, period: $period, size: $size, redraw: $redraw) {
      id
      drawn
      population
      created
    }
  }
`);

export const SpotChecksQuery = graphql(`
  query SpotChecks($drawId: ID!, $first: Int, $after: String) {
    spotChecks(drawId: $drawId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        rank
        visitId
        visitedOn
        method
        visitorName
        regionName
        result
        note
        checkedAt
        checkedBy
        version
        elder {
          id
          name
          idNumber
        }
      }
    }
  }
`);

export const RecordSpotCheckMutation = graphql(`
  mutation RecordSpotCheck($id: ID!, $version: Int!, $result: SpotCheckResult!, $note: String) {
    recordSpotCheck(id: $id, version: $version, result: $result, note: $note) {
      id
      result
      note
      checkedAt
      checkedBy
      version
    }
  }
`);
