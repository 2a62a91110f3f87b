import { graphql } from '../../gql';

export const FlaggedVisitsQuery = graphql(`
  query FlaggedVisits($filter: VisitFilter, $first: Int, $after: String) {
    visits(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        visitedAt
        enteredAt
        method
        durationMinutes
        distanceMeters
        flags
        visitorNameAsWritten
        visitor {
          id
          name
        }
        proof {
          hasVisitorSignature
          hasElderSignature
          hasPhoto
          elderSigner
          elderUnableToSignReason
        }
        elder {
          id
          name
          region {
            code
            fullName
          }
          referenceLocation {
            latitude
            longitude
            source
            setAt
          }
        }
      }
    }
    visitFlagThresholds {
      maxDistanceMeters
      lateEntryHours
      minMinutes
    }
  }
`);

export const VisitProofQuery = graphql(`
  query VisitProof($visitId: ID!) {
    visitProof(visitId: $visitId) {
      visitId
      visitorSignature
      elderSignature
      elderSigner
      elderUnableToSignReason
      photo
    }
  }
`);

export const SetElderReferenceLocationMutation = graphql(`
  mutation SetElderReferenceLocation($elderId: ID!, $latitude: Float!, $longitude: Float!) {
    setElderReferenceLocation(elderId: $elderId, latitude: $latitude, longitude: $longitude) {
      elderId
      visitsRechecked
      referenceLocation {
        latitude
        longitude
        source
        setAt
      }
    }
  }
`);
