/** One cable's results for one task: the columns of the results CSV (DESIGN §5). */
export type ResultRow = {
  selection: string;
  startDate: string;
  endDate: string;
  cableId: string;
  capacityKw: number;
  peakKw: number;
  peakAt: string;
  utilization: number;
  overloadedIntervals: number;
  energyKwh: number;
};
