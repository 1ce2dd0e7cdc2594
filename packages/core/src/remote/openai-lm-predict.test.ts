import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Predict } from '../modules/predict.js';
import { Signature } from '../signature/signature.js';
import { chatChunk, FakeServer, sendSSE } from './__fixtures__/fake-server.js';
import { OpenAILM } from './openai-lm.js';

let server: FakeServer;
beforeAll(async () => {
  server = await FakeServer.start();
});
afterAll(() => server.close());

describe('Predict over OpenAILM and a real HTTP server', () => {
  it('streams typed fields end to end', async () => {
    const reply = '[[ ## answer ## ]]\n42\n\n[[ ## completed ## ]]';
    server.handle((_request, response) =>
      sendSSE(
        response,
        [
          ...reply.match(/.{1,5}/gs)!.map((piece) => chatChunk(piece)),
          chatChunk('', 'stop'),
          'data: [DONE]\n\n',
        ],
        1,
      ),
    );
    const lm = new OpenAILM({ baseURL: server.baseURL, model: 'tiny', tokenizeURL: false });
    const predict = new Predict(Signature.from('question: str -> answer: int'), { lm });
    const deltas: string[] = [];
    let prediction: unknown;
    for await (const event of predict.stream({ question: 'six times seven?' })) {
      if (event.type === 'field-delta') deltas.push(event.delta);
      else prediction = event.prediction;
    }
    expect(deltas.join('')).toBe('42');
    expect(prediction).toEqual({ answer: 42 });
    const body = server.requests[0]?.body as { messages: Array<{ role: string; content: string }> };
    expect(body.messages.at(-1)?.content).toContain('six times seven?');
  });
});
