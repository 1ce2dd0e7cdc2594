/** One server-sent event: its `event:` name (default "message") and its joined `data:` lines. */
export interface SSEEvent {
  event: string;
  data: string;
}

/**
 * Incremental server-sent-events decoder (WHATWG "event stream" rules): text may be split anywhere
 * across chunks, lines end in LF, CR or CRLF, a blank line dispatches, comments and unknown fields
 * are ignored.
 */
export class SSEDecoder {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private pendingCR = false;

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SSEEvent[] {
    const events: SSEEvent[] = [];
    let chunk = text;
    if (this.pendingCR && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.pendingCR = false;
    this.buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) this.pendingCR = true;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  /** Ends the stream; a final event without its blank line is still delivered. */
  end(): SSEEvent[] {
    const events: SSEEvent[] = [];
    if (this.buffer !== '') {
      const event = this.line(this.buffer);
      if (event) events.push(event);
      this.buffer = '';
    }
    const last = this.dispatch();
    if (last) events.push(last);
    return events;
  }

  private line(line: string): SSEEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    return undefined;
  }

  private dispatch(): SSEEvent | undefined {
    if (this.data.length === 0) {
      this.event = '';
      return undefined;
    }
    const event = { event: this.event || 'message', data: this.data.join('\n') };
    this.data = [];
    this.event = '';
    return event;
  }
}
