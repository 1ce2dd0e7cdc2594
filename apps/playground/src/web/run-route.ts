import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonBody } from '../http/read-json-body.js';
import { errorResponse, sendError } from '../http/send-json.js';
import { openEventStream, writeEvent } from '../http/sse.js';
import type { BackendPool } from './backend-pool.js';
import { parseRunRequest } from './parse-run-request.js';
import { runSignature } from './run-signature.js';

/** An SSE `error` event's data: the OpenAI-shaped error plus the thrown error's class name. */
export const errorEvent = (error: unknown) => ({
  ...errorResponse(error).body.error,
  name: error instanceof Error ? error.name : 'Error',
});

/**
 * POST /api/run: one signature on one backend, as Server-Sent Events: `status` (queued, loading,
 * running), `text-delta`, `field-delta`, then `result` or `error`. Bad requests get a JSON 4xx instead.
 */
export async function handleRun(
  pool: BackendPool,
  request: IncomingMessage,
  response: ServerResponse,
  bodyLimit: number,
): Promise<void> {
  const abort = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  let run: ReturnType<typeof parseRunRequest>;
  try {
    run = parseRunRequest(await readJsonBody(request, bodyLimit), pool.names);
  } catch (error) {
    sendError(response, error);
    return;
  }
  openEventStream(response);
  const send = (event: string, data: unknown) => writeEvent(response, data, event);
  send('status', { stage: pool.isLoaded(run.backend) ? 'queued' : 'loading', backend: run.backend });
  try {
    await pool.run(run.backend, async (lm) => {
      if (abort.signal.aborted) return;
      send('status', { stage: 'running', backend: run.backend, lm: lm.id });
      await runSignature(lm, run, (event) => send(event.type, event), abort.signal);
    });
  } catch (error) {
    send('error', errorEvent(error));
  }
  response.end();
}
