/** One server-sent event: its `event:` name (`message` when none) and its `data:` lines joined. */
export type ServerSentEvent = { event: string; data: string };

/**
 * The events of a `text/event-stream` body, as the SSE spec reads them: fields `event` and `data`,
 * comments and unknown fields skipped, an event dispatched at each blank line. `\n`, `\r\n` and `\r`
 * all end lines. Ends when the body does; an event the body cut off before its blank line is dropped.
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];

  /** Reads the complete lines of `buffer`; returns the event a blank line among them ended, in order. */
  function* completeLines(ended: boolean): Generator<ServerSentEvent> {
    // A trailing `\r` may be the first half of a `\r\n`, and the last piece a line cut in two: both
    // wait for the next chunk, unless the body has ended.
    const cut = !ended && buffer.endsWith('\r') ? buffer.length - 1 : buffer.length;
    const lines = buffer.slice(0, cut).split(/\r\n|\r|\n/);
    buffer = (lines.pop() ?? '') + buffer.slice(cut);
    for (const line of lines) {
      if (line === '') {
        if (data.length) yield { event: event || 'message', data: data.join('\n') };
        event = '';
        data = [];
        continue;
      }
      const colon = line.indexOf(':');
      if (colon === 0) continue;
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
  }

  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      yield* completeLines(done);
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
