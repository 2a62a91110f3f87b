import { graphql } from '../../gql';

/** The archive as the 基本信息登记表 has it (identity masked), with the version an edit sends back. */
export const ElderArchiveFields = graphql(`
  fragment ElderArchiveFields on Elder {
    id
    version
    name
    idNumber
    gender
    birthDate
    age
    phone
    status
    statusDate
    statusReason
    acceptsVisits
    registeredAt
    updatedAt
    addressDetail
    livesAtRegisteredResidence
    circumstances
    incapacityLevel
    familyPlanningKind
    extremePovertyKind
    temporaryDifficulty
    temporaryDifficultyUntil
    lastVerifiedOn
    disability {
      category
      grade
      certificateNumber
      severe
    }
    region {
      code
      name
      fullName
      level
    }
    emergencyContacts {
      id
      kind
      name
      relation
      phone
    }
    householdMembers {
      id
      name
      gender
      idNumber
      relation
      health
      assistance
    }
    livingConditions {
      waterSafe
      electricitySafe
      housingSafe
      householdMonthlyIncome
      monthlyBenefits
      benefitsNote
    }
    helpReceived {
      id
      unitType
      unitName
      measures
    }
    refusals {
      id
      refusedOn
      reason
      talkedWith
      recordedAt
      withdrawnOn
      withdrawnNote
    }
  }
`);

export const VisitSummaryFields = graphql(`
  fragment VisitSummaryFields on Visit {
    id
    seq
    visitedAt
    visitedOn
    method
    durationMinutes
    location
    enteredBy
    enteredAt
    visitor {
      id
      name
    }
    householdChange
    householdChangeCount
    expression
    mobility
    disease
    diseaseName
    mood
    gasSafety
    waterHeatingSafety
    electricitySafety
    housingUnsafe
    unattended
    personalHygiene
    homeHygiene
    indoorEnvironment
    serviceNeeds
    careSuggestions
    visitorSigned
    elderSigned
    satisfaction
    notes
    alertIds
    careServices {
      id
      kind
      content
      deliveredOn
    }
  }
`);

/**
 * Everything of one archive that hangs off `elder(id)` in one request: opening the page is one audited read, not one
 * per tab. Alerts and agency records are top-level lists, loaded when their tab opens.
 */
export const ElderDetailQuery = graphql(`
  query ElderDetail($id: ID!) {
    elder(id: $id) {
      ...ElderArchiveFields
      classification {
        class
        computedClass
        computedAt
        ruleVersion
        changesOn
        reasons {
          code
          text
        }
        override {
          class
          reason
          startsOn
          expiresOn
        }
      }
      classHistory {
        at
        class
        source
        ruleVersion
        expiresOn
        turns80On
        classAt80
        reasons {
          code
          text
        }
      }
      compliance {
        asOf
        class
        met
        overdue
        daysOverdue
        dueBy
        stoppedReason
        requirements {
          requirementId
          activity
          description
          source
          sourceName
          window
          windowStart
          windowEnd
          minCount
          counted
          homeOnly
          met
          overdue
          daysOverdue
          dueBy
        }
      }
      assignments(includeEnded: true) {
        id
        role
        startsAt
        endsAt
        endReason
        visitor {
          id
          name
          kind
          phone
          active
        }
      }
      history(first: 50) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          action
          actorUsername
          at
          changes {
            field
            old
            new
          }
        }
      }
      visits(first: 20) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...VisitSummaryFields
        }
      }
    }
  }
`);

/** Further pages of the visits timeline (the top-level list: no second audited read of the archive). */
export const ElderVisitsPageQuery = graphql(`
  query ElderVisitsPage($elderId: ID!, $after: String) {
    visits(filter: { elderId: $elderId }, first: 20, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...VisitSummaryFields
      }
    }
  }
`);

export const ElderHistoryPageQuery = graphql(`
  query ElderHistoryPage($id: ID!, $after: String) {
    elder(id: $id) {
      id
      history(first: 50, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          action
          actorUsername
          at
          changes {
            field
            old
            new
          }
        }
      }
    }
  }
`);

export const ElderAlertsQuery = graphql(`
  query ElderAlerts($elderId: ID!) {
    alerts(filter: { elderId: $elderId, status: [OPEN, ACKNOWLEDGED, REFERRED, RESOLVED] }, first: 100) {
      totalCount
      nodes {
        id
        title
        detail
        severity
        status
        raisedAt
        acknowledgeBy
        acknowledgedAt
        resolvedAt
        resolution
        escalationLevel
        referredTo
        suggestedReferral
        ruleCode
        visitId
      }
    }
  }
`);

export const ElderAgencyRecordsQuery = graphql(`
  query ElderAgencyRecords($elderId: ID!, $after: String) {
    agencyRecords(filter: { elderId: $elderId }, first: 50, after: $after) {
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
        effectiveOn
        receivedAt
        sourceVersion
        batchId
        payload
      }
    }
  }
`);

export const RevealIdentityMutation = graphql(`
  mutation RevealElderIdentity($elderId: ID!, $purpose: String!) {
    revealElderIdentity(elderId: $elderId, purpose: $purpose) {
      elderId
      idNumber
      phone
      disabilityCertificateNumber
      emergencyContacts {
        id
        name
        phone
      }
      householdMembers {
        id
        name
        idNumber
      }
    }
  }
`);

export const ElderEditQuery = graphql(`
  query ElderEdit($id: ID!) {
    elder(id: $id) {
      ...ElderArchiveFields
    }
  }
`);

export const RegisterElderMutation = graphql(`
  mutation RegisterElder($input: RegisterElderInput!) {
    registerElder(input: $input) {
      id
    }
  }
`);

export const UpdateElderMutation = graphql(`
  mutation UpdateElder($id: ID!, $version: Int!, $input: UpdateElderInput!) {
    updateElder(id: $id, version: $version, input: $input) {
      id
      version
    }
  }
`);

export const CloseElderMutation = graphql(`
  mutation CloseElder($id: ID!, $version: Int!, $input: CloseElderInput!) {
    closeElder(id: $id, version: $version, input: $input) {
      id
      version
      status
    }
  }
`);

export const ReopenElderMutation = graphql(`
  mutation ReopenElder($id: ID!, $version: Int!, $reason: String!) {
    reopenElder(id: $id, version: $version, reason: $reason) {
      id
      version
      status
    }
  }
`);

export const RecordRefusalMutation = graphql(`
  mutation RecordRefusal($elderId: ID!, $version: Int!, $input: RecordRefusalInput!) {
    recordRefusal(elderId: $elderId, version: $version, input: $input) {
      id
      version
      acceptsVisits
    }
  }
`);

export const WithdrawRefusalMutation = graphql(`
  mutation WithdrawRefusal($elderId: ID!, $version: Int!, $input: WithdrawRefusalInput!) {
    withdrawRefusal(elderId: $elderId, version: $version, input: $input) {
      id
      version
      acceptsVisits
    }
  }
`);
