import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BackendPool } from './backend-pool.js';
import { openEventStream } from './open-event-stream.js';
import { parseRunRequest } from './parse-run-request.js';
import { readJsonBody } from './read-json-body.js';
import { runSignature } from './run-signature.js';
import { errorJson, sendError } from './send-json.js';

/**
 * POST /api/run: one signature on one backend, as Server-Sent Events: `status` (queued, loading,
 * running), `text-delta`, `field-delta`, then `result` or `error`. Bad requests get a JSON 4xx instead.
 */
export async function handleRun(
  pool: BackendPool,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const abort = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  let run: ReturnType<typeof parseRunRequest>;
  try {
    run = parseRunRequest(await readJsonBody(request), pool.names);
  } catch (error) {
    sendError(response, error);
    return;
  }
  const send = openEventStream(response);
  send('status', { stage: pool.isLoaded(run.backend) ? 'queued' : 'loading', backend: run.backend });
  try {
    await pool.run(run.backend, async (lm) => {
      if (abort.signal.aborted) return;
      send('status', { stage: 'running', backend: run.backend, lm: lm.id });
      await runSignature(lm, run, (event) => send(event.type, event), abort.signal);
    });
  } catch (error) {
    send('error', errorJson(error));
  }
  response.end();
}
