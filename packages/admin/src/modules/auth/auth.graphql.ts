import { graphql } from '../../gql';

export const MeFields = graphql(`
  fragment MeFields on Me {
    id
    username
    displayName
    role
    roleLabel
    scopes
    regionCode
    idleMinutes
    region {
      code
      name
      fullName
      level
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      token
      expiresAt
      me {
        ...MeFields
      }
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      ...MeFields
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);
