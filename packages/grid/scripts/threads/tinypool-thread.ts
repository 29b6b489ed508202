// The grid-load thread under tinypool: the result object is posted with its partition's buffer transferred.
import { Tinypool, kTransferable, kValue } from 'tinypool';
import { createGridLoadThread, type GridLoadThreadTask } from '../../src/grid-load-thread.js';

const run = createGridLoadThread();

export default function gridLoad(task: GridLoadThreadTask) {
  const result = run(task);
  if (!result.ok) return result;
  return Tinypool.move({
    get [kTransferable]() {
      return [result.data.buffer];
    },
    get [kValue]() {
      return result;
    },
  });
}
