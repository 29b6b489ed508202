import { describe, expect, it } from 'vitest';
import { checkForLeaks, leakMark } from '@conveyor/runtime/testing';
import { createTestBroker, createTestNamespace } from '../src/testing.js';
import { silentLogger } from './support.js';

describe('createTestBroker and the leak guard', () => {
  it('counts the connection until close and each subscription until it is cancelled', async () => {
    const ns = await createTestNamespace();
    const mark = leakMark();
    const broker = await createTestBroker({
      amqpUrl: ns.amqpUrl,
      namespace: ns.namespace,
      logger: silentLogger,
    });
    const subscription = await broker.subscribeEvents({ consumer: 'leader', handler: async () => undefined });
    expect(() => checkForLeaks(mark, 'the test')).toThrow(
      `the test left 2 resource(s) open: broker connection ${ns.namespace}, broker subscription ${ns.namespace} leader events`,
    );
    await subscription.cancel();
    expect(() => checkForLeaks(mark, 'the test')).toThrow(
      `the test left 1 resource(s) open: broker connection ${ns.namespace}`,
    );
    await broker.close();
    expect(() => checkForLeaks(mark, 'the test')).not.toThrow();
    await ns.cleanup();
  });
});
