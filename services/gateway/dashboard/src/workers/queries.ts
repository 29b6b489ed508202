import { graphql, type ResultOf } from '../graphql';

export const WorkerRowFields = graphql(`
  fragment WorkerRow on Worker {
    id
    host
    version
    alive
    stopped
    slots
    busySlots
    tasksDone
    tasksPerSecond
    lastSeenAt
    calculations {
      name
      version
    }
  }
`);

export type WorkerRowData = ResultOf<typeof WorkerRowFields>;

/** Gone workers too (kept by the gateway for an hour), so that the page shows who left. */
export const WorkersQuery = graphql(
  `
    query Workers {
      workers(includeGone: true) {
        ...WorkerRow
      }
    }
  `,
  [WorkerRowFields],
);

export const WorkersSubscription = graphql(
  `
    subscription WorkersChanged {
      workers(includeGone: true) {
        ...WorkerRow
      }
    }
  `,
  [WorkerRowFields],
);
