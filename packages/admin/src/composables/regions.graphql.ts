import { graphql } from '../gql';

export const RegionChildrenQuery = graphql(`
  query RegionChildren($parentCode: String) {
    regions(parentCode: $parentCode) {
      code
      name
      level
    }
  }
`);
