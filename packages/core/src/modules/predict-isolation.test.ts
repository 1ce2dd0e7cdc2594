import { describe, expect, it } from 'vitest';
import { LMError } from '../errors/lm-error.js';
import type { Message } from '../lm/lm.js';
import { Signature } from '../signature/signature.js';
import { type ScriptedCall, ScriptedLM } from '../testing/scripted-lm.js';
import { batch } from './batch.js';
import { Predict } from './predict.js';

const echo = Signature.from('question: str -> answer: str');
const questionOf = (messages: Message[] | undefined) =>
  /\[\[ ## question ## \]\]\n([^\n]*)/.exec(messages?.at(-1)?.content ?? '')?.[1] ?? '';
const echoReply = ({ messages }: ScriptedCall) =>
  `[[ ## answer ## ]]\nre: ${questionOf(messages)}\n\n[[ ## completed ## ]]`;

/** A ScriptedLM that counts calls in flight, to check concurrency. */
class CountingLM extends ScriptedLM {
  inFlight = 0;
  maxInFlight = 0;
  override async generate(...args: Parameters<ScriptedLM['generate']>) {
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      return await super.generate(...args);
    } finally {
      this.inFlight--;
    }
  }
}

describe('Predict state isolation', () => {
  it('keeps nothing of one call in the next', async () => {
    const lm = new ScriptedLM({ responses: echoReply });
    const other = new ScriptedLM({ responses: echoReply });
    const predict = new Predict(echo, { lm });
    const options = { lm: other, temperature: 0.9, history: [{ question: 'old', answer: 'older' }] };
    const snapshot = structuredClone({ ...options, lm: undefined });
    await predict.forward({ question: 'first secret' }, options);
    expect(JSON.stringify(other.lastCall?.messages)).toContain('older');
    const second = await predict.forward({ question: 'second' });
    expect(second).toEqual({ answer: 're: second' });
    expect(JSON.stringify(lm.lastCall?.messages)).not.toContain('first secret');
    expect(JSON.stringify(lm.lastCall?.messages)).not.toContain('older');
    expect(lm.lastCall?.options).not.toHaveProperty('temperature');
    expect({ ...options, lm: undefined }).toEqual(snapshot);
    expect(predict.demos).toEqual([]);
    expect(predict.lm).toBe(lm);
  });

  it('ignores inputs the signature does not declare', async () => {
    const lm = new ScriptedLM({ responses: echoReply });
    await new Predict(echo, { lm }).forward({ question: 'q', extra: 'leak' } as never);
    expect(JSON.stringify(lm.lastCall?.messages)).not.toContain('leak');
  });

  it('gives each concurrent call its own answer', async () => {
    const lm = new ScriptedLM({ responses: echoReply, chunkSize: 2, chunkDelayMs: 1 });
    const predict = new Predict(echo, { lm });
    const [a, b, c] = await Promise.all([
      predict.forward({ question: 'alpha' }),
      predict.forward({ question: 'beta' }, { maxTokens: 40 }),
      predict.forward({ question: 'gamma' }),
    ]);
    expect([a, b, c]).toEqual([{ answer: 're: alpha' }, { answer: 're: beta' }, { answer: 're: gamma' }]);
    expect(
      lm.calls.filter((call) => call.options.maxTokens === 40).map((call) => questionOf(call.messages)),
    ).toEqual(['beta']);
  });

  it('runs 200 calls at once through batch, in order', async () => {
    const lm = new CountingLM({ responses: echoReply, chunkSize: 8, chunkDelayMs: 1 });
    const inputs = Array.from({ length: 200 }, (_, i) => ({ question: `q${i}` }));
    const predictions = await batch(new Predict(echo, { lm }), inputs, { concurrency: 200 });
    expect(predictions.map((prediction) => prediction.answer)).toEqual(
      inputs.map((input) => `re: ${input.question}`),
    );
    expect(lm.calls).toHaveLength(200);
    expect(lm.maxInFlight).toBe(200);
  });
});

describe('batch', () => {
  it('keeps at most `concurrency` calls in flight and returns results in input order', async () => {
    const lm = new CountingLM({
      responses: (call) => {
        const question = questionOf(call.messages);
        return `[[ ## answer ## ]]\n${question}${'.'.repeat((Number(question) % 5) * 8)}\n\n[[ ## completed ## ]]`;
      },
      chunkSize: 4,
      chunkDelayMs: 1,
    });
    const inputs = Array.from({ length: 20 }, (_, i) => ({ question: String(i) }));
    const predictions = await batch(new Predict(echo, { lm }), inputs, { concurrency: 3 });
    expect(predictions.map((prediction) => Number.parseInt(prediction.answer, 10))).toEqual(
      inputs.map((_, i) => i),
    );
    expect(lm.maxInFlight).toBe(3);
  });

  it('rejects with the first failure and starts no more calls', async () => {
    const lm = new ScriptedLM({
      responses: (call) => (questionOf(call.messages) === '2' ? new LMError('bad one') : echoReply(call)),
      chunkDelayMs: 1,
    });
    const inputs = Array.from({ length: 30 }, (_, i) => ({ question: String(i) }));
    await expect(batch(new Predict(echo, { lm }), inputs, { concurrency: 2 })).rejects.toThrow('bad one');
    expect(lm.calls.length).toBeLessThan(30);
  });

  it('handles an empty list and refuses a bad concurrency', async () => {
    const predict = new Predict(echo, { lm: new ScriptedLM({ responses: [] }) });
    expect(await batch(predict, [])).toEqual([]);
    await expect(batch(predict, [{ question: 'q' }], { concurrency: 0 })).rejects.toThrowError(RangeError);
  });
});
