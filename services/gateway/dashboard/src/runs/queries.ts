import { graphql, type ResultOf } from '../graphql';

export const RunRowFields = graphql(`
  fragment RunRow on Run {
    id
    status
    percent
    requestedAt
    counts {
      total
      finished
      failed
      cancelled
    }
    request {
      topologySource
      from
      to
    }
  }
`);

export type RunRowData = ResultOf<typeof RunRowFields>;

export const RunsQuery = graphql(
  `
    query Runs($first: Int) {
      runs(first: $first) {
        nodes {
          ...RunRow
        }
      }
    }
  `,
  [RunRowFields],
);

export const RunsSubscription = graphql(
  `
    subscription RunsChanged {
      runs {
        ...RunRow
      }
    }
  `,
  [RunRowFields],
);
