import { describe, expect, it } from 'vitest';
import { ChatAdapter } from '../adapters/chat-adapter.js';
import { AbortError } from '../errors/abort-error.js';
import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { Signature } from '../signature/signature.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { Predict } from './predict.js';

const two = Signature.from('question -> thought, answer');

describe('Predict keeps what the LM said', () => {
  it('a stream aborted mid-field yields the held tail and reports the partial fields', async () => {
    const text = `[[ ## thought ## ]]\nadd them up\n\n[[ ## answer ## ]]\n${'twelve, '.repeat(40)}`;
    const lm = new ScriptedLM({ responses: [text], chunkSize: 4, chunkDelayMs: 1 });
    const controller = new AbortController();
    const deltas: Record<string, string> = {};
    const error = await (async () => {
      for await (const event of new Predict(two, { lm }).stream(
        { question: 'q' },
        { signal: controller.signal },
      )) {
        if (event.type !== 'field-delta') continue;
        deltas[event.field] = (deltas[event.field] ?? '') + event.delta;
        if ((deltas.answer ?? '').length >= 20) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    const { partialFields } = error as AbortError;
    expect(partialFields.thought).toBe('add them up');
    expect(partialFields.answer!.length).toBeGreaterThanOrEqual(20);
    expect(text).toContain(partialFields.answer);
    expect(partialFields).toEqual(deltas);
  });

  it('turns a stray error in parse into an AdapterParseError with the raw text', async () => {
    class BrokenAdapter extends ChatAdapter {
      override parse(): never {
        throw new TypeError('cannot read properties of undefined');
      }
    }
    const reply = '[[ ## thought ## ]]\nt\n\n[[ ## answer ## ]]\na\n\n[[ ## completed ## ]]';
    const lm = new ScriptedLM({ responses: [reply] });
    const predict = new Predict(two, { lm, adapter: new BrokenAdapter({ fallbackToJSON: false }) });
    const error = await predict.forward({ question: 'q' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterParseError);
    expect((error as AdapterParseError).rawText).toBe(reply);
    expect((error as AdapterParseError).cause).toBeInstanceOf(TypeError);
  });

  it('keeps the streamed ChatAdapter text when the JSON fallback fails too', async () => {
    const lm = new ScriptedLM({ responses: ['no markers here', 'no json either'] });
    const error = await (async () => {
      for await (const _ of new Predict(two, { lm }).stream({ question: 'q' })) {
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterParseError);
    expect((error as AdapterParseError).rawText).toBe('no json either');
    expect(((error as AdapterParseError).cause as AdapterParseError).rawText).toBe('no markers here');
  });
});
