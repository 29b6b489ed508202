import { describe, expect, it } from 'vitest';
import { checkForLeaks, leakMark } from '@conveyor/runtime/testing';
import { createTestDatabase } from '../src/testing.js';

describe('createTestDatabase and the leak guard', () => {
  it('counts the pool as open until close, by the database’s name', async () => {
    const mark = leakMark();
    const database = await createTestDatabase();
    expect(() => checkForLeaks(mark, 'the test')).toThrow(
      `the test left 1 resource(s) open: database pool ${database.name}`,
    );
    await database.close();
    expect(() => checkForLeaks(mark, 'the test')).not.toThrow();
  });
});
