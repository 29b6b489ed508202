// Registered by vitest.shared.ts for every workspace: a test (or a test file's beforeAll) that leaves
// open a broker connection or subscription, a database pool or a child process it opened fails, naming
// it. Hooks here are registered first, so their afterEach and afterAll run after the test file's own
// (vitest runs after-hooks in reverse order): cleanup in afterEach/afterAll counts.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { closeLeaks, leakMark } from './leaks.js';

let fileMark = 0;
let testMark = 0;

beforeAll(() => {
  fileMark = leakMark();
});
beforeEach(() => {
  testMark = leakMark();
});
afterEach(async () => {
  await closeLeaks(testMark, 'the test');
});
afterAll(async () => {
  await closeLeaks(fileMark, 'the test file');
});
