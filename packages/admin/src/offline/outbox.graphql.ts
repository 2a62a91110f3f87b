import { graphql } from '../gql';

// The outbox's own document: what an upload needs back is only that the server has it. Care services given on a
// visit travel inside the visit's input (careServices), so one kind of upload covers both.
export const UploadVisitMutation = graphql(`
  mutation UploadVisit($input: RecordVisitInput!) {
    recordVisit(input: $input) {
      id
      seq
    }
  }
`);

