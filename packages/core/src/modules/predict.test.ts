import { describe, expect, it } from 'vitest';
import { ChatAdapter } from '../adapters/chat-adapter.js';
import { JSONAdapter } from '../adapters/json-adapter.js';
import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { ContextLengthError } from '../errors/context-length-error.js';
import { LMError } from '../errors/lm-error.js';
import { XError } from '../errors/x-error.js';
import { Signature } from '../signature/signature.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import type { TraceEntry } from './module.js';
import { Predict, type PredictStreamEvent } from './predict.js';
import { predictionInfo } from './prediction.js';

const qa = Signature.from('question: str -> answer: int');
const chatReply = (answer: string | number) => `[[ ## answer ## ]]\n${answer}\n\n[[ ## completed ## ]]`;

describe('Predict', () => {
  it('formats with ChatAdapter, calls the LM and returns typed values', async () => {
    const lm = new ScriptedLM({ responses: [chatReply(42)] });
    const predict = new Predict(qa, { lm, config: { temperature: 0.2 } });
    const prediction = await predict.forward({ question: 'What is six times seven?' }, { maxTokens: 50 });
    expect(prediction).toEqual({ answer: 42 });
    expect(typeof prediction.answer).toBe('number');
    const info = predictionInfo(prediction);
    expect(info?.adapter).toBe('ChatAdapter');
    expect(info?.rawText).toBe(chatReply(42));
    expect(lm.lastCall?.messages).toEqual(
      new ChatAdapter().format(qa, [], { question: 'What is six times seven?' }),
    );
    expect(lm.lastCall?.options).toMatchObject({ temperature: 0.2, maxTokens: 50 });
  });

  it('accepts a signature string and puts demos in the prompt', async () => {
    const lm = new ScriptedLM({ responses: ['[[ ## answer ## ]]\nblue\n\n[[ ## completed ## ]]'] });
    const demos = [{ question: 'sky?', answer: 'blue' }];
    const predict = new Predict('question -> answer', { lm, demos });
    expect(await predict.call({ question: 'sea?' })).toEqual({ answer: 'blue' });
    expect(lm.lastCall?.messages?.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
    ]);
    expect(lm.lastCall?.messages?.[1]?.content).toContain('sky?');
  });

  it('falls back to JSONAdapter when the chat reply does not parse', async () => {
    const lm = new ScriptedLM({ responses: ['I think it is 42.', '{"answer": 42}'] });
    const prediction = await new Predict(qa, { lm }).forward({ question: 'q' });
    expect(prediction).toEqual({ answer: 42 });
    expect(predictionInfo(prediction)?.adapter).toBe('JSONAdapter');
    expect(lm.calls).toHaveLength(2);
  });

  it('throws AdapterParseError with the raw text when the fallback fails too, or is off', async () => {
    const both = new ScriptedLM({ responses: ['nothing', 'still nothing'] });
    const error = await new Predict(qa, { lm: both }).forward({ question: 'q' }).catch((e: unknown) => e);
    expect(AdapterParseError.isInstance(error) && error.rawText).toBe('still nothing');
    const noFallback = new ScriptedLM({ responses: ['nothing'] });
    const predict = new Predict(qa, { lm: noFallback, adapter: new ChatAdapter({ fallbackToJSON: false }) });
    await expect(predict.forward({ question: 'q' })).rejects.toSatisfy(AdapterParseError.isInstance);
    expect(noFallback.calls).toHaveLength(1);
  });

  it('does not try the JSON fallback on an LM error', async () => {
    const lm = new ScriptedLM({ responses: [new LMError('server down', { status: 503 }), '{"answer": 1}'] });
    await expect(new Predict(qa, { lm }).forward({ question: 'q' })).rejects.toThrow('server down');
    expect(lm.calls).toHaveLength(1);
  });

  it('surfaces ContextLengthError just over the limit and answers just under it, without fallback', async () => {
    const question = 'word '.repeat(50).trim();
    const promptTokens = await new ScriptedLM({ responses: [] }).countTokens(
      new ChatAdapter().format(qa, [], { question }),
    );
    const under = new ScriptedLM({ responses: () => chatReply(1), contextLength: promptTokens + 1 });
    expect(await new Predict(qa, { lm: under }).forward({ question })).toEqual({ answer: 1 });

    const over = new ScriptedLM({ responses: () => chatReply(1), contextLength: promptTokens });
    const error = await new Predict(qa, { lm: over }).forward({ question }).catch((e: unknown) => e);
    expect(ContextLengthError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ promptTokens, contextLength: promptTokens });
    expect(over.calls).toHaveLength(1);
  });

  it('handles a one-character input', async () => {
    const lm = new ScriptedLM({ responses: [chatReply(7)] });
    expect(await new Predict(qa, { lm }).forward({ question: 'x' })).toEqual({ answer: 7 });
    expect(lm.lastCall?.messages?.at(-1)?.content.startsWith('[[ ## question ## ]]\nx\n\n')).toBe(true);
  });

  it('rejects a call without an LM, and inputs that are not an object, with typed errors', async () => {
    await expect(new Predict(qa).forward({ question: 'q' })).rejects.toSatisfy(LMError.isInstance);
    const lm = new ScriptedLM({ responses: [] });
    await expect(new Predict(qa, { lm }).forward(null as never)).rejects.toSatisfy(XError.isInstance);
    await expect(new Predict(qa, { lm }).forward(['q'] as never)).rejects.toThrow('an array');
  });

  it('uses a per-call LM over the constructor one and records a trace', async () => {
    const own = new ScriptedLM({ responses: () => chatReply(1) });
    const other = new ScriptedLM({ responses: () => chatReply(2) });
    const predict = new Predict(qa, { lm: own });
    const trace: TraceEntry[] = [];
    expect(await predict.forward({ question: 'a' }, { lm: other, trace })).toEqual({ answer: 2 });
    expect(trace).toEqual([{ predictor: predict, inputs: { question: 'a' }, outputs: { answer: 2 } }]);
    expect(own.calls).toHaveLength(0);
    expect(other.lastCall?.options).not.toHaveProperty('trace');
    expect(other.lastCall?.options).not.toHaveProperty('lm');
  });

  it('uses JSONAdapter when given one', async () => {
    const lm = new ScriptedLM({ responses: ['{"answer": 5}'] });
    const prediction = await new Predict(qa, { lm, adapter: new JSONAdapter() }).forward({ question: 'q' });
    expect(prediction).toEqual({ answer: 5 });
    expect(lm.lastCall?.messages).toEqual(new JSONAdapter().format(qa, [], { question: 'q' }));
  });
});

describe('Predict.stream', () => {
  const two = Signature.from('question -> thought, answer: int');

  it('yields field deltas as they arrive, then the prediction', async () => {
    const text = '[[ ## thought ## ]]\nadd them up\n\n[[ ## answer ## ]]\n12\n\n[[ ## completed ## ]]';
    const lm = new ScriptedLM({ responses: [text], chunkSize: 3 });
    const events: PredictStreamEvent<{ thought: string; answer: number }>[] = [];
    const generator = new Predict(two, { lm }).stream({ question: 'q' });
    for await (const event of generator) events.push(event);
    const deltas = events.filter(
      (event): event is Extract<typeof event, { type: 'field-delta' }> => event.type === 'field-delta',
    );
    expect(deltas.length).toBeGreaterThan(2);
    const joined = (field: string) =>
      deltas
        .filter((event) => event.field === field)
        .map((event) => event.delta)
        .join('');
    expect(joined('thought')).toBe('add them up');
    expect(joined('answer')).toBe('12');
    expect(events.at(-1)).toEqual({ type: 'prediction', prediction: { thought: 'add them up', answer: 12 } });
    expect(deltas.findIndex((event) => event.field === 'answer')).toBeGreaterThan(
      deltas.findIndex((event) => event.field === 'thought'),
    );
  });

  it('falls back to JSONAdapter after a stream that does not parse', async () => {
    const lm = new ScriptedLM({ responses: ['no markers here', '{"thought": "t", "answer": 3}'] });
    const generator = new Predict(two, { lm }).stream({ question: 'q' });
    let last: unknown;
    for await (const event of generator) last = event;
    expect(last).toEqual({ type: 'prediction', prediction: { thought: 't', answer: 3 } });
    expect(lm.calls).toHaveLength(2);
  });

  it('stops the LM when the consumer leaves early', async () => {
    let lmSignal: AbortSignal | undefined;
    class WatchedLM extends ScriptedLM {
      protected override streamRequest(...args: Parameters<ScriptedLM['streamRequest']>) {
        lmSignal = args[3];
        return super.streamRequest(...args);
      }
    }
    const lm = new WatchedLM({
      responses: [`[[ ## thought ## ]]\n${'long '.repeat(200)}\n\n[[ ## answer ## ]]\n1`],
      chunkSize: 5,
      chunkDelayMs: 1,
    });
    let seen = 0;
    for await (const event of new Predict(two, { lm }).stream({ question: 'q' })) {
      if (event.type === 'field-delta' && ++seen === 3) break;
    }
    expect(seen).toBe(3);
    expect(lmSignal?.aborted).toBe(true);
    expect(lm.calls).toHaveLength(1);
  });

  it('surfaces LM errors from the stream without a fallback', async () => {
    const lm = new ScriptedLM({ responses: [new ContextLengthError({ promptTokens: 9, contextLength: 8 })] });
    const run = async () => {
      for await (const _ of new Predict(two, { lm }).stream({ question: 'q' })) {
      }
    };
    await expect(run()).rejects.toSatisfy(ContextLengthError.isInstance);
    expect(lm.calls).toHaveLength(1);
  });
});
