import { graphql } from '../../gql';

export const VisitStandardFields = graphql(`
  fragment VisitStandardFields on VisitStandard {
    id
    code
    name
    description
    baseline
    template
    regionCode
    effectiveFrom
    retiredAt
    source
    requirements {
      id
      activity
      class
      circumstance
      description
      homeOnly
      minCount
      window
      windowDays
    }
  }
`);

export const VisitStandardsQuery = graphql(`
  query VisitStandards($includeRetired: Boolean!) {
    visitStandards(includeRetired: $includeRetired, includeTemplates: true) {
      ...VisitStandardFields
    }
  }
`);

export const CreateVisitStandardMutation = graphql(`
  mutation CreateVisitStandard($input: CreateVisitStandardInput!) {
    createVisitStandard(input: $input) {
      ...VisitStandardFields
    }
  }
`);

export const AdoptVisitStandardMutation = graphql(`
  mutation AdoptVisitStandard($templateId: ID!, $regionCode: String!, $effectiveFrom: Date) {
    adoptVisitStandard(templateId: $templateId, regionCode: $regionCode, effectiveFrom: $effectiveFrom) {
      ...VisitStandardFields
    }
  }
`);

export const RetireVisitStandardMutation = graphql(`
  mutation RetireVisitStandard($id: ID!, $reason: String!) {
    retireVisitStandard(id: $id, reason: $reason) {
      id
      retiredAt
    }
  }
`);

export const CampaignFields = graphql(`
  fragment CampaignFields on Campaign {
    id
    name
    description
    regionCode
    classes
    reasonKind
    reason
    startsOn
    endsOn
    minCount
    window
    windowDays
    homeOnly
    cancelledAt
  }
`);

export const CampaignsQuery = graphql(`
  query Campaigns($activeOn: Date) {
    campaigns(activeOn: $activeOn) {
      ...CampaignFields
    }
  }
`);

export const CreateCampaignMutation = graphql(`
  mutation CreateCampaign($input: CreateCampaignInput!) {
    createCampaign(input: $input) {
      ...CampaignFields
    }
  }
`);

export const CancelCampaignMutation = graphql(`
  mutation CancelCampaign($id: ID!, $reason: String!) {
    cancelCampaign(id: $id, reason: $reason) {
      id
      cancelledAt
    }
  }
`);
