// One cable's results for one task — the columns of the results CSV (DESIGN §5) — as the grid
// calculation and the monolith define them: a task_results row holds exactly that.
export type { ResultRow } from '@conveyor/grid';
