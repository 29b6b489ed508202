import { describe, expect, it } from 'vitest';
import { createChannel } from './channel.js';

describe('createChannel', () => {
  it('keeps what is pushed before the first read, in order', async () => {
    const channel = createChannel<number>(() => undefined);
    channel.push(1);
    channel.push(2);
    expect(await channel.next(1000)).toBe(1);
    expect(channel.takeAll()).toEqual([2]);
  });

  it('wakes a waiting reader on push, and on close (with nothing)', async () => {
    let closed = 0;
    const channel = createChannel<string>(() => closed++);
    const waiting = channel.next(60_000);
    channel.push('a');
    expect(await waiting).toBe('a');
    const stranded = channel.next(60_000);
    channel.close();
    channel.close();
    expect(await stranded).toBeUndefined();
    expect(closed).toBe(1);
    channel.push('b');
    expect(await channel.next(0)).toBeUndefined();
  });

  it('answers undefined after the timeout without a message', async () => {
    expect(await createChannel<number>(() => undefined).next(1)).toBeUndefined();
  });
});
