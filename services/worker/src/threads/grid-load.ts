// The grid-load thread (a piscina task module): one grid task per call, its topology built once per
// thread; the result's partition buffer is moved back to the main thread, not copied.
import { createGridLoadThread, type GridLoadThreadTask } from '@conveyor/grid';
import { move, transferableSymbol, valueSymbol } from 'piscina';

const run = createGridLoadThread();

// `unknown`: what goes back is a piscina transfer wrapper, unwrapped on the main thread.
export default function gridLoad(task: GridLoadThreadTask): unknown {
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
