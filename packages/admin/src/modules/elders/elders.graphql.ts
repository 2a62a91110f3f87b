import { graphql } from '../../gql';

export const ElderListQuery = graphql(`
  query ElderList($filter: ElderFilter, $sort: ElderSort, $first: Int, $after: String) {
    elders(filter: $filter, sort: $sort, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        idNumber
        gender
        age
        phone
        status
        acceptsVisits
        circumstances
        registeredAt
        region {
          code
          name
          parent {
            code
            name
          }
        }
      }
    }
  }
`);

// The region of a drilled list, named in its filter tag (「本月未探访 · 东河社区居委会」).
export const ElderListRegionQuery = graphql(`
  query ElderListRegion($code: String!) {
    region(code: $code) {
      code
      name
    }
  }
`);
