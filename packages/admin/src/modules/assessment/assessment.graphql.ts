import { graphql } from '../../gql';

export const AssessmentQuery = graphql(`
  query Assessment($regionCode: String, $period: PeriodInput!) {
    assessment(regionCode: $regionCode, period: $period) {
      region {
        code
        name
      }
      from
      to
      asOf
      computedAt
      suppressed
      weighting
      targets {
        class
        rate
      }
      rows {
        region {
          code
          name
        }
        rank
        score
        eldersToVisit
        visitRate
        classRates {
          class
          numerator
          denominator
          rate
        }
        alertsRaised
        acknowledgedOnTimeRate
        averageAcknowledgeMinutes
        referrals
        referralsAnswered
        averageReferralResponseMinutes
        averageReferralOutcomeMinutes
        satisfactionResponses
        satisfactionAverage
        reportTimeliness
        reportDueOn
        spotChecksChecked
        verificationRate
      }
    }
  }
`);
