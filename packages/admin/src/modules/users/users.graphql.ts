import { graphql } from '../../gql';

export const UserFields = graphql(`
  fragment UserFields on User {
    id
    username
    displayName
    role
    roleLabel
    regionCode
    regionName
    agencyId
    agencyName
    active
    lockedUntil
    lastLoginAt
    createdAt
  }
`);

export const UsersQuery = graphql(`
  query Users($filter: UserFilter, $first: Int, $after: String) {
    users(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...UserFields
      }
    }
  }
`);

export const RolesQuery = graphql(`
  query Roles {
    roles {
      name
      label
      labelEn
      scopes
      needsAgency
    }
  }
`);

export const AgenciesQuery = graphql(`
  query UserAgencies {
    agencies {
      id
      kind
      name
      regionCode
    }
  }
`);

export const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      ...UserFields
    }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      ...UserFields
    }
  }
`);

export const ResetUserPasswordMutation = graphql(`
  mutation ResetUserPassword($id: ID!, $password: String!) {
    resetUserPassword(id: $id, password: $password) {
      ...UserFields
    }
  }
`);

export const DeactivateUserMutation = graphql(`
  mutation DeactivateUser($id: ID!, $reason: String!) {
    deactivateUser(id: $id, reason: $reason) {
      ...UserFields
    }
  }
`);

export const ApiClientsQuery = graphql(`
  query ApiClients($agencyId: ID!) {
    apiClients(agencyId: $agencyId) {
      id
      agencyId
      name
      keyPrefix
      createdAt
      lastUsedAt
      revokedAt
    }
  }
`);

export const CreateApiClientMutation = graphql(`
  mutation CreateApiClient($agencyId: ID!, $name: String!) {
    createApiClient(agencyId: $agencyId, name: $name) {
      key
      client {
        id
        keyPrefix
      }
    }
  }
`);

export const RevokeApiClientMutation = graphql(`
  mutation RevokeApiClient($id: ID!) {
    revokeApiClient(id: $id) {
      id
      revokedAt
    }
  }
`);

export const CreateAgencyMutation = graphql(`
  mutation CreateAgency($kind: AgencyKind!, $regionCode: String!, $name: String!) {
    createAgency(kind: $kind, regionCode: $regionCode, name: $name) {
      id
      kind
      name
      regionCode
    }
  }
`);
