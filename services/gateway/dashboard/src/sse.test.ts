import { describe, expect, it } from 'vitest';
import { readServerSentEvents, type ServerSentEvent } from './sse';

/** A body that arrives in these chunks. */
function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(stream)) events.push(event);
  return events;
}

describe('readServerSentEvents', () => {
  it("reads graphql-yoga's stream: a ping comment, next events, then complete", async () => {
    const events = await collect(
      body(':\n\n', 'event: next\ndata: {"data":{"a":1}}\n\n', 'event: complete\ndata:\n\n'),
    );
    expect(events).toEqual([
      { event: 'next', data: '{"data":{"a":1}}' },
      { event: 'complete', data: '' },
    ]);
  });

  it('joins an event cut anywhere across chunks, multi-byte characters included', async () => {
    const text = 'event: next\ndata: {"s":"Überlast ⚡"}\n\n';
    const bytes = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    expect(await collect(stream)).toEqual([{ event: 'next', data: '{"s":"Überlast ⚡"}' }]);
  });

  it('takes \\r\\n and \\r line ends, also a \\r\\n split between chunks', async () => {
    const events = await collect(body('event: next\r', '\ndata: 1\r\n\r\n', 'data: 2\r\r'));
    expect(events).toEqual([
      { event: 'next', data: '1' },
      { event: 'message', data: '2' },
    ]);
  });

  it('joins data lines with a newline, skips unknown fields and dispatches nothing without data', async () => {
    const events = await collect(body('id: 7\nevent: ping\n\n', 'data: a\ndata:b\nretry: 10\n\n'));
    expect(events).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('drops an event the stream cut off before its blank line', async () => {
    expect(await collect(body('event: next\ndata: {"data":'))).toEqual([]);
  });
});
