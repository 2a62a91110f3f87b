import { graphql } from '../../gql';

export const ImportEldersMutation = graphql(`
  mutation ImportElders($batch: ElderImportBatch!) {
    importElders(batch: $batch) {
      batchId
      idempotencyKey
      dryRun
      replayed
      received
      created
      updated
      exists
      rejected
      records {
        index
        sourceRef
        status
        elderId
        elderName
        inJurisdiction
        differences
        errors {
          field
          message
          messageEn
        }
      }
    }
  }
`);

export const ImportVisitsMutation = graphql(`
  mutation ImportVisits($batch: VisitImportBatch!) {
    importVisits(batch: $batch) {
      batchId
      idempotencyKey
      dryRun
      replayed
      received
      created
      exists
      rejected
      records {
        index
        sourceRef
        status
        elderId
        elderName
        visitId
        visitorId
        warnings {
          field
          message
          messageEn
        }
        errors {
          field
          message
          messageEn
        }
      }
    }
  }
`);
