import { graphql } from '../../gql';

export const SurveyRoundsQuery = graphql(`
  query SurveyRounds($first: Int, $after: String) {
    surveyRounds(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        regionCode
        regionName
        startsOn
        endsOn
        team {
          id
          name
          kind
        }
      }
    }
  }
`);

export const SurveyRoundQuery = graphql(`
  query SurveyRoundDetail($id: ID!) {
    surveyRound(id: $id) {
      id
      name
      regionCode
      regionName
      startsOn
      endsOn
      team {
        id
        name
        kind
      }
    }
    surveyProgress(roundId: $id) {
      total {
        regionCode
        regionName
        tasks
        surveyed
        left
        rollPeople
        rollSurveyed
        coverage
        coverageNote
      }
      villages {
        regionCode
        regionName
        tasks
        surveyed
        left
        rollPeople
        rollSurveyed
        coverage
        coverageNote
      }
    }
  }
`);

export const SurveyTasksQuery = graphql(`
  query SurveyTasks($roundId: ID!, $regionCode: String, $status: SurveyTaskStatus, $first: Int, $after: String) {
    surveyTasks(roundId: $roundId, regionCode: $regionCode, status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        idNumber
        regionCode
        regionName
        sources
        onRoll
        candidateId
        result
        note
        recordedBy
        recordedAt
        elder {
          id
          name
        }
      }
    }
  }
`);

export const CreateSurveyRoundMutation = graphql(`
  mutation CreateSurveyRound($regionCode: String!, $name: String!, $startsOn: Date!, $endsOn: Date!, $team: SurveyTeamInput) {
    createSurveyRound(regionCode: $regionCode, name: $name, startsOn: $startsOn, endsOn: $endsOn, team: $team) {
      id
    }
  }
`);

export const RecordSurveyResultMutation = graphql(`
  mutation RecordSurveyResult($taskId: ID!, $result: SurveyResult!, $note: String) {
    recordSurveyResult(taskId: $taskId, result: $result, note: $note) {
      id
      result
      note
      recordedBy
      recordedAt
      elder {
        id
        name
      }
    }
  }
`);

export const ReverificationDueQuery = graphql(`
  query ReverificationDue($regionCode: String, $first: Int, $after: String) {
    reverificationDue(regionCode: $regionCode, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        reasons
        reasonText
        lastVerifiedOn
        temporaryDifficultyUntil
        elder {
          id
          name
          idNumber
          region {
            code
            name
          }
        }
      }
    }
  }
`);

export const ReverificationSummaryQuery = graphql(`
  query ReverificationSummary($regionCode: String) {
    reverificationSummary(regionCode: $regionCode) {
      due
      notVerified
      temporaryDifficultyEnded
      months
    }
  }
`);

export const SurveyTeamVisitorsQuery = graphql(`
  query SurveyTeamVisitors($regionCode: String) {
    visitors(filter: { regionCode: $regionCode }, first: 100) {
      nodes {
        id
        name
        regionCode
      }
    }
  }
`);
