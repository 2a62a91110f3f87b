import { graphql } from '../../gql';

export const UnassignedEldersQuery = graphql(`
  query UnassignedElders($regionCode: String, $first: Int, $after: String) {
    unassignedElders(regionCode: $regionCode, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        gender
        age
        circumstances
        region {
          code
          name
        }
        classification {
          class
        }
      }
    }
  }
`);

export const VisitorFields = graphql(`
  fragment VisitorFields on Visitor {
    id
    name
    kind
    phone
    regionCode
    teamId
    active
    hasLogin
    leftOn
  }
`);

export const VisitorsQuery = graphql(`
  query Visitors($filter: VisitorFilter, $first: Int, $after: String) {
    visitors(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...VisitorFields
      }
    }
  }
`);

export const TeamsQuery = graphql(`
  query Teams($regionCode: String) {
    teams(regionCode: $regionCode) {
      id
      name
      kind
      regionCode
    }
  }
`);

export const VisitorWorkloadQuery = graphql(`
  query VisitorWorkload($regionCode: String, $first: Int, $after: String) {
    visitorWorkloads(regionCode: $regionCode, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        visitorId
        visitorName
        elders
        classA
        classB
        classC
        dueThisWeek
        overdue
      }
    }
  }
`);

export const AssignVisitorMutation = graphql(`
  mutation AssignVisitor($input: AssignVisitorInput!) {
    assignVisitor(input: $input) {
      assigned
      unchanged
      ended
    }
  }
`);

export const ReassignVisitorMutation = graphql(`
  mutation ReassignVisitor($from: ID!, $to: ID!, $reason: String!, $leftOn: Date) {
    reassignVisitor(from: $from, to: $to, reason: $reason, leftOn: $leftOn) {
      assigned
      unchanged
      ended
    }
  }
`);

export const CreateTeamMutation = graphql(`
  mutation CreateTeam($input: CreateTeamInput!) {
    createTeam(input: $input) {
      id
      name
    }
  }
`);

export const CreateVisitorMutation = graphql(`
  mutation CreateVisitor($input: CreateVisitorInput!) {
    createVisitor(input: $input) {
      ...VisitorFields
    }
  }
`);
