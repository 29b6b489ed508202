// The grid-load thread under piscina: the result object is posted with its partition's buffer transferred.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { createGridLoadThread, type GridLoadThreadTask } from '../../src/grid-load-thread.js';

const run = createGridLoadThread();

export default function gridLoad(task: GridLoadThreadTask) {
  const result = run(task);
  if (!result.ok) return result;
  return move({
    get [transferableSymbol]() {
      return [result.data.buffer];
    },
    get [valueSymbol]() {
      return result;
    },
  });
}
