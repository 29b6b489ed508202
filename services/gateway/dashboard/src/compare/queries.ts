import { graphql, type ResultOf } from '../graphql';

export const EndedRunsQuery = graphql(`
  query EndedRuns($first: Int) {
    runs(first: $first, status: [SUCCEEDED, FAILED, CANCELLED]) {
      nodes {
        id
        status
        requestedAt
        request {
          topologySource
          from
          to
        }
      }
    }
  }
`);

export type EndedRunData = ResultOf<typeof EndedRunsQuery>['runs']['nodes'][number];

const ElementChangeFields = graphql(`
  fragment ElementChangeRow on ElementChange {
    selection
    from
    to
    elementId
    peakKwChange
    utilizationChange
    overloadedIntervalsChange
    a {
      capacityKw
      peakKw
      utilization
      overloadedIntervals
    }
    b {
      capacityKw
      peakKw
      utilization
      overloadedIntervals
    }
  }
`);

export type ElementChangeData = ResultOf<typeof ElementChangeFields>;

export const CompareRunsQuery = graphql(
  `
    query CompareRuns($a: ID!, $b: ID!, $first: Int) {
      compareRuns(a: $a, b: $b) {
        __typename
        ... on Error {
          message
        }
        ... on RunComparison {
          summary {
            cellsCompared
            cellsUnchanged
            cellsChanged
            changeCount
            onlyInACount
            onlyInBCount
            newlyOverloadedCount
            newlyOverloaded
            noLongerOverloadedCount
            noLongerOverloaded
            largestChanges {
              ...ElementChangeRow
            }
          }
          changes(first: $first) {
            nodes {
              ...ElementChangeRow
            }
            pageInfo {
              hasNextPage
            }
          }
        }
      }
    }
  `,
  [ElementChangeFields],
);

export type CompareRunsData = ResultOf<typeof CompareRunsQuery>['compareRuns'];
