import { graphql } from '../../gql';

export const CandidatesQuery = graphql(`
  query SurveyCandidates($statuses: [CandidateStatus!], $first: Int, $after: String) {
    candidates(statuses: $statuses, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        idNumber
        name
        regionCode
        reasons
        status
        firstSeenAt
        elderId
        dismissReason
      }
    }
  }
`);

export const EnrollCandidateMutation = graphql(`
  mutation EnrollSurveyCandidate($id: ID!, $input: EnrollCandidateInput!) {
    enrollCandidate(id: $id, input: $input) {
      id
      name
    }
  }
`);

export const DismissCandidateMutation = graphql(`
  mutation DismissSurveyCandidate($id: ID!, $reason: String!) {
    dismissCandidate(id: $id, reason: $reason) {
      id
      status
      dismissReason
    }
  }
`);

export const DataConflictsQuery = graphql(`
  query DataConflicts($statuses: [DataConflictStatus!], $first: Int, $after: String) {
    dataConflicts(statuses: $statuses, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        elderId
        elderName
        kind
        field
        archiveValue
        agencyValue
        detail
        raisedAt
        regionCode
        status
        decision
        note
      }
    }
  }
`);

export const SettleDataConflictMutation = graphql(`
  mutation SettleDataConflict($id: ID!, $decision: ConflictDecision!, $note: String!) {
    settleDataConflict(id: $id, decision: $decision, note: $note) {
      id
      status
      decision
      note
    }
  }
`);

export const TransfersQuery = graphql(`
  query Transfers($statuses: [TransferStatus!]) {
    transfers(statuses: $statuses) {
      id
      elderId
      elderName
      fromRegionCode
      toRegionCode
      movedOn
      proposedAt
      status
      note
    }
  }
`);

export const AcceptTransferMutation = graphql(`
  mutation AcceptTransfer($id: ID!, $note: String) {
    acceptTransfer(id: $id, note: $note) {
      id
      status
    }
  }
`);

export const RejectTransferMutation = graphql(`
  mutation RejectTransfer($id: ID!, $note: String!) {
    rejectTransfer(id: $id, note: $note) {
      id
      status
    }
  }
`);

export const AgencyRecordsQuery = graphql(`
  query AgencyRecords($filter: AgencyRecordFilter, $first: Int, $after: String) {
    agencyRecords(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        agencyKind
        kind
        externalId
        idNumber
        elderId
        effectiveOn
        receivedAt
        batchId
        sourceVersion
        payload
      }
    }
  }
`);

export const SyncResultFields = graphql(`
  fragment SyncResultFields on SyncResult {
    batchId
    idempotencyKey
    dryRun
    replayed
    received
    created
    updated
    unchanged
    rejected
    conflicts
    results {
      externalId
      status
      match
      elderId
      candidateId
      errors {
        field
        message
        messageEn
      }
    }
  }
`);

// One mutation per record kind: the records are typed by the API's input of that kind.
export const SYNC_MUTATIONS = {
  RESIDENCE_CHANGE: graphql(`
    mutation SyncResidenceChanges($batch: ResidenceChangeBatch!) {
      syncResidenceChanges(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  DEATH_REGISTRATION: graphql(`
    mutation SyncDeathRegistrations($batch: DeathRegistrationBatch!) {
      syncDeathRegistrations(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  MISSING_PERSON: graphql(`
    mutation SyncMissingPersonReports($batch: MissingPersonReportBatch!) {
      syncMissingPersonReports(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  INCIDENT: graphql(`
    mutation SyncIncidents($batch: IncidentBatch!) {
      syncIncidents(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  ANTI_FRAUD_OUTREACH: graphql(`
    mutation SyncAntiFraudOutreach($batch: AntiFraudOutreachBatch!) {
      syncAntiFraudOutreach(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  RESIDENT_ROLL: graphql(`
    mutation SyncResidentRoll($batch: ResidentRollBatch!) {
      syncResidentRoll(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  FAMILY_PLANNING_SPECIAL: graphql(`
    mutation SyncFamilyPlanningFamilies($batch: FamilyPlanningFamilyBatch!) {
      syncFamilyPlanningFamilies(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  INCAPACITY_ASSESSMENT: graphql(`
    mutation SyncIncapacityAssessments($batch: IncapacityAssessmentBatch!) {
      syncIncapacityAssessments(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  FAMILY_DOCTOR_CONTRACT: graphql(`
    mutation SyncFamilyDoctorContracts($batch: FamilyDoctorContractBatch!) {
      syncFamilyDoctorContracts(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  HEALTH_CHECK: graphql(`
    mutation SyncHealthChecks($batch: HealthCheckBatch!) {
      syncHealthChecks(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  CHRONIC_FOLLOW_UP: graphql(`
    mutation SyncChronicFollowUps($batch: ChronicFollowUpBatch!) {
      syncChronicFollowUps(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  DISABILITY_CERTIFICATE: graphql(`
    mutation SyncDisabilityCertificates($batch: DisabilityCertificateBatch!) {
      syncDisabilityCertificates(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  HOUSING_APPRAISAL: graphql(`
    mutation SyncHousingAppraisals($batch: HousingAppraisalBatch!) {
      syncHousingAppraisals(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
  HOUSING_RENOVATION: graphql(`
    mutation SyncHousingRenovations($batch: HousingRenovationBatch!) {
      syncHousingRenovations(batch: $batch) {
        ...SyncResultFields
      }
    }
  `),
} as const;
