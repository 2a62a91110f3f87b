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

export const SearchRegionsQuery = graphql(`
  query SearchRegions($text: String!, $first: Int) {
    searchRegions(text: $text, first: $first) {
      code
      name
      level
    }
  }
`);
