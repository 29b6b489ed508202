import { describe, expect, it } from 'vitest';
import { createFlowControl } from './flow.js';

describe('createFlowControl', () => {
  it('is writable only when connected, unblocked on every connection and with room', () => {
    const flow = createFlowControl(2);
    expect(flow.isWritable()).toBe(true);
    flow.setBlocked('a', true);
    flow.setBlocked('b', true);
    flow.setBlocked('a', false);
    expect(flow.isWritable()).toBe(false);
    flow.setBlocked('b', false);
    flow.setConnected(false);
    expect(flow.isWritable()).toBe(false);
    flow.setConnected(true);
    const release = flow.acquire(2);
    expect([flow.isWritable(), flow.outstanding()]).toEqual([false, 2]);
    release();
    release(); // a second release changes nothing
    expect([flow.isWritable(), flow.outstanding()]).toEqual([true, 0]);
  });

  it('lets waiters through once the broker unblocks, and lets an aborted waiter go with false', async () => {
    const flow = createFlowControl(10);
    flow.setBlocked('rascal', true);
    const order: string[] = [];
    const waiting = flow.waitUntilWritable().then((ok) => order.push(`writable:${ok}`));
    const controller = new AbortController();
    const aborted = flow.waitUntilWritable(controller.signal).then((ok) => order.push(`aborted:${ok}`));
    controller.abort();
    await aborted;
    order.push('unblock');
    flow.setBlocked('rascal', false);
    await waiting;
    expect(order).toEqual(['aborted:false', 'unblock', 'writable:true']);
  });

  it('makes publishers wait for room, not for the connection', async () => {
    const flow = createFlowControl(1);
    flow.setConnected(false);
    await flow.waitForRoom(); // resolves although disconnected
    const release = flow.acquire(1);
    let through = false;
    const waiting = flow.waitForRoom().then(() => (through = true));
    await Promise.resolve();
    expect(through).toBe(false);
    release();
    await waiting;
    expect(through).toBe(true);
  });
});
