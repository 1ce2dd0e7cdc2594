import type { WebRunResult } from '../src/web/run-signature.js';

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a whole text/event-stream response into its named events (one JSON `data` line each). */
export async function readSseEvents(response: Response): Promise<SseEvent[]> {
  const blocks = (await response.text()).split('\n\n').filter((block) => block.trim() !== '');
  return blocks.map((block) => {
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (event === undefined || data === undefined) throw new Error(`malformed SSE block: ${block}`);
    return { event, data: JSON.parse(data) as Record<string, unknown> };
  });
}

export const postJson = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The result carried by the last event; fails when the stream ended any other way. */
export function resultOf(events: SseEvent[]): WebRunResult {
  const last = events.at(-1);
  if (last?.event !== 'result') throw new Error(`expected a result event last, got ${JSON.stringify(last)}`);
  return last.data.result as WebRunResult;
}
