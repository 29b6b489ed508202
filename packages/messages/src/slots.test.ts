import { describe, expect, it } from 'vitest';
import { createSlots } from './slots.js';

describe('createSlots', () => {
  it('lets `size` holders in at once and the next waiter in, in order, when one releases', async () => {
    const slots = createSlots(2);
    const never = new AbortController().signal;
    const first = await slots.acquire(never);
    const second = await slots.acquire(never);
    const order: string[] = [];
    const third = slots.acquire(never).then((release) => (order.push('third'), release));
    const fourth = slots.acquire(never).then((release) => (order.push('fourth'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    first!();
    first!(); // a second release of the same slot frees nothing more
    (await third)!();
    second!();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
    expect(slots.free).toBe(1); // the fourth holds the other one
  });

  it('gives up a wait when its signal aborts, without taking a slot', async () => {
    const slots = createSlots(1);
    const held = await slots.acquire(new AbortController().signal);
    const stop = new AbortController();
    const waiting = slots.acquire(stop.signal);
    stop.abort();
    expect(await waiting).toBeUndefined();
    held!();
    expect(slots.free).toBe(1);
    expect(await slots.acquire(stop.signal)).toBeUndefined();
  });
});
