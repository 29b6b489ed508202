import type { Results } from '../result.js';

/** What every scenario receives from main. */
export type BenchContext = {
  quick: boolean;
  /** Runs of each (scenario, system). */
  repeats: number;
  databaseUrl: string;
  amqpUrl: string;
  redisUrl: string;
  postgresUrl: string;
  results: Results;
  log: (line: string) => void;
};
