import { describe, expect, it } from 'vitest';
import { parseServerSentEvents } from './gateway.js';

describe('parseServerSentEvents', () => {
  it('reads complete messages, skips pings, and keeps an unfinished one for later', () => {
    const { messages, rest } = parseServerSentEvents(
      ':\n\nevent: next\ndata: {"data":{"a":1}}\n\nevent: complete\ndata:\n\nevent: next\ndata: {"da',
    );
    expect(messages).toEqual([
      { event: 'next', data: '{"data":{"a":1}}' },
      { event: 'complete', data: '' },
    ]);
    expect(rest).toBe('event: next\ndata: {"da');
  });

  it('joins the data lines of one message', () => {
    expect(parseServerSentEvents('data: a\ndata: b\n\n').messages).toEqual([
      { event: 'message', data: 'a\nb' },
    ]);
  });
});
