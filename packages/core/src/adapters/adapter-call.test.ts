import { describe, expect, it } from 'vitest';
import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { LMError } from '../errors/lm-error.js';
import { Signature } from '../signature/signature.js';
import { FakeLM } from './__fixtures__/fake-lm.js';
import { ChatAdapter } from './chat-adapter.js';
import { JSONAdapter } from './json-adapter.js';

const signature = Signature.from('question -> answer, year: int');

describe('adapter.call', () => {
  it('formats, generates and parses in one call', async () => {
    const lm = new FakeLM(['[[ ## answer ## ]]\nParis\n\n[[ ## year ## ]]\n1789\n\n[[ ## completed ## ]]']);
    const outcome = await new ChatAdapter().call(lm, signature, [], { question: 'Capital?' });
    expect(outcome.values).toEqual({ answer: 'Paris', year: 1789 });
    expect(outcome.adapter).toBe('ChatAdapter');
    expect(outcome.rawText).toContain('Paris');
    expect(outcome.messages).toEqual(new ChatAdapter().format(signature, [], { question: 'Capital?' }));
    expect(lm.calls).toHaveLength(1);
  });

  it('falls back to JSONAdapter when the ChatAdapter parse fails', async () => {
    const lm = new FakeLM(["{'answer': 'Paris'}", '{"answer": "Paris", "year": 1789}']);
    const outcome = await new ChatAdapter().call(lm, signature, [], { question: 'Capital?' });
    expect(outcome.values).toEqual({ answer: 'Paris', year: 1789 });
    expect(outcome.adapter).toBe('JSONAdapter');
    expect(lm.calls).toHaveLength(2);
    expect(lm.calls[1]).toEqual(new JSONAdapter().format(signature, [], { question: 'Capital?' }));
  });

  it('throws the JSONAdapter parse error, caused by the ChatAdapter one, when both fail', async () => {
    const lm = new FakeLM(['no markers', 'no json either']);
    const error = await new ChatAdapter()
      .call(lm, signature, [], { question: 'Q' })
      .catch((caught) => caught);
    expect(AdapterParseError.isInstance(error)).toBe(true);
    expect(error.adapter).toBe('JSONAdapter');
    expect(error.rawText).toBe('no json either');
    expect(AdapterParseError.isInstance(error.cause)).toBe(true);
    expect(error.cause.rawText).toBe('no markers');
  });

  it('does not fall back on LM errors, nor when the option is off', async () => {
    const failing = new FakeLM([new LMError('server down', { status: 503 })]);
    await expect(new ChatAdapter().call(failing, signature, [], { question: 'Q' })).rejects.toThrow(
      'server down',
    );
    expect(failing.calls).toHaveLength(1);
    const noFallback = new FakeLM(['no markers', '{"answer": "x", "year": 1}']);
    await expect(
      new ChatAdapter({ fallbackToJSON: false }).call(noFallback, signature, [], { question: 'Q' }),
    ).rejects.toThrow(AdapterParseError);
    expect(noFallback.calls).toHaveLength(1);
  });

  it('passes history into the messages', async () => {
    const lm = new FakeLM(['{"answer": "B", "year": 2}']);
    await new JSONAdapter().call(
      lm,
      signature,
      [],
      { question: 'Q2' },
      { history: [{ question: 'Q1', answer: 'A' }] },
    );
    expect(lm.calls[0]?.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(lm.calls[0]?.[2]?.content).toBe('{\n  "answer": "A",\n  "year": null\n}');
  });
});
