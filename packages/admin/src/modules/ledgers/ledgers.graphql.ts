import { graphql } from '../../gql';

// The print forms: every field of the official layouts, nothing else (see RegistrationForm / VisitRecordForm in the API).
export const RegistrationFormsQuery = graphql(`
  query RegistrationForms($elderId: ID, $villageCode: String, $revealPurpose: String, $part: Int) {
    registrationForms(elderId: $elderId, villageCode: $villageCode, revealPurpose: $revealPurpose, part: $part) {
      elderId
      name
      gender
      birthDate
      idNumber
      identityRevealed
      phone
      place {
        county
        town
        village
        villageCode
      }
      addressDetail
      livesAtRegisteredResidence
      circumstances
      disabled
      disabilityCertificateNumber
      livingAloneOrEmptyNest
      leftBehind
      incapacitated
      familyPlanningSpecial
      emergencyContacts {
        name
        relation
        phone
      }
      householdMembers {
        name
        gender
        idNumber
        relation
        health
        assistance
      }
      waterSafe
      electricitySafe
      housingSafe
      householdMonthlyIncome
      monthlyBenefits
      benefitsNote
      helpReceived {
        unitType
        unitName
        measures
      }
      acceptsVisits
    }
  }
`);

export const VisitRecordFormsQuery = graphql(`
  query VisitRecordForms($visitId: ID, $villageCode: String, $from: Date, $to: Date, $part: Int) {
    visitRecordForms(visitId: $visitId, villageCode: $villageCode, from: $from, to: $to, part: $part) {
      visitId
      elderId
      elderName
      elderPhone
      place {
        county
        town
        village
        villageCode
      }
      addressDetail
      seq
      visitedAt
      visitedOn
      method
      visitorName
      enteredByName
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
      personalHygiene
      homeHygiene
      indoorEnvironment
      serviceNeeds
      careSuggestions
      visitorSigned
      elderSigned
      satisfaction
      careServices {
        kind
        content
        deliveredOn
      }
    }
  }
`);
