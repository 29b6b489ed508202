import { graphql, type ResultOf } from '../graphql';

export const RunQuery = graphql(`
  query RunDetails($id: ID!, $failures: Int) {
    run(id: $id) {
      id
      status
      reason
      percent
      tasksPerSecond
      etaSeconds
      durationMs
      requestedAt
      completedAt
      generation
      request {
        topologySource
        from
        to
        chunk
        selections
        requestedBy
      }
      counts {
        total
        queued
        started
        finished
        failed
        cancelled
      }
      topology {
        id
        nodeCount
      }
      resultSummary {
        rows
        overloadedCables
        maxUtilization
        energyKwh
      }
      resultsCsvUrl
      failures: tasks(status: [FAILED], first: $failures) {
        nodes {
          id
          selection
          startDate
          endDate
          attempt
          error
        }
      }
    }
  }
`);

export type RunData = NonNullable<ResultOf<typeof RunQuery>['run']>;
export type FailureData = RunData['failures']['nodes'][number];

export const TasksQuery = graphql(`
  query RunTasks($id: ID!, $first: Int, $after: String) {
    run(id: $id) {
      tasks(first: $first, after: $after) {
        nodes {
          id
          selection
          startDate
          status
          attempt
          summary
        }
        pageInfo {
          endCursor
          hasNextPage
        }
      }
    }
  }
`);

export type TaskData = NonNullable<ResultOf<typeof TasksQuery>['run']>['tasks']['nodes'][number];

export const RunProgressSubscription = graphql(`
  subscription RunProgress($id: ID!) {
    runProgress(runId: $id) {
      status
      total
      finished
      failed
      cancelled
      percent
      tasksPerSecond
      etaSeconds
    }
  }
`);

export type ProgressData = ResultOf<typeof RunProgressSubscription>['runProgress'];

export const CancelRunMutation = graphql(`
  mutation CancelRun($id: ID!) {
    cancelRun(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const RetryFailedTasksMutation = graphql(`
  mutation RetryFailedTasks($id: ID!) {
    retryFailedTasks(runId: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export const TaskQuery = graphql(`
  query TaskDetails($id: ID!) {
    task(id: $id) {
      id
      selection
      startDate
      endDate
      status
      attempt
      generation
      workerId
      startedAt
      finishedAt
      durationMs
      error
      summary
      calculationVersion
      overloadedCables {
        cableId
        capacityKw
        peakKw
        peakAt
        utilization
        overloadedIntervals
      }
    }
  }
`);

export type TaskDetailsData = NonNullable<ResultOf<typeof TaskQuery>['task']>;

export const OverloadsQuery = graphql(`
  query RunOverloads($id: ID!, $first: Int, $after: String) {
    run(id: $id) {
      overloads(first: $first, after: $after) {
        nodes {
          rank
          selection
          from
          to
          cableId
          capacityKw
          peakKw
          peakAt
          utilization
          overloadedIntervals
        }
        pageInfo {
          endCursor
          hasNextPage
        }
      }
    }
  }
`);

export type OverloadData = NonNullable<ResultOf<typeof OverloadsQuery>['run']>['overloads']['nodes'][number];
