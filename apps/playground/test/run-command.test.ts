import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type BackendName, defaultModelPath } from '../src/backends.js';
import { runCommand } from '../src/commands/run.js';

function collector() {
  let text = '';
  const out = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { out, text: () => text };
}

async function run(backend: BackendName, extra: Partial<Parameters<typeof runCommand>[0]> = {}) {
  const sink = collector();
  const code = await runCommand({
    signature: 'question -> answer',
    inputs: { question: 'What did Lily find in the park?' },
    backend,
    maxTokens: 48,
    temperature: 0,
    chainOfThought: false,
    strict: false,
    out: sink.out,
    ...extra,
  });
  return { code, text: sink.text() };
}

describe('playground run on the bundled model', () => {
  it('defaults to the committed stories260K fixture', () => {
    expect(defaultModelPath.endsWith('apps/playground/models/stories260K.gguf')).toBe(true);
  });

  it.each(['reference', 'candle', 'onnx'] as const)(
    'streams text then prints a parsed prediction, --strict exiting 0 (%s)',
    async (backend) => {
      const { code, text } = await run(backend, { strict: true, maxTokens: 128 });
      expect(code).toBe(0);
      expect(text).toContain('(bundled default)');
      const streamed = text.split('--- stream ---\n')[1] ?? '';
      expect(streamed).toContain('[[ ## answer ## ]]');
      expect(streamed).toContain('[[ ## completed ## ]]');
      const prediction = JSON.parse(text.split('--- prediction ---\n')[1]!) as { answer: unknown };
      expect(typeof prediction.answer).toBe('string');
    },
  );

  it('parses ChainOfThought and typed outputs cut short by --max-tokens', async () => {
    const { code, text } = await run('reference', {
      signature: 'question -> count: int, found: bool',
      chainOfThought: true,
      strict: true,
      maxTokens: 40,
    });
    expect(code).toBe(0);
    const prediction = JSON.parse(text.split('--- prediction ---\n')[1]!) as Record<string, unknown>;
    expect(typeof prediction.reasoning).toBe('string');
    expect(Number.isInteger(prediction.count)).toBe(true);
    expect(typeof prediction.found).toBe('boolean');
  });

  it('samples freely with constrain: false (the bundled model then misses the format)', async () => {
    const { code, text } = await run('reference', { strict: true, constrain: false });
    expect(text).toContain('--- parse error ---');
    expect(code).toBe(1);
  });

  it('greedy output is identical on the reference and the native engine', async () => {
    const [reference, native] = [await run('reference'), await run('candle')];
    expect(native.text.replace('backend: candle', '')).toBe(reference.text.replace('backend: reference', ''));
  });

  it('reports a missing input without loading a model', async () => {
    const { code, text } = await run('reference', { inputs: {} });
    expect(code).toBe(2);
    expect(text).toContain('missing input --question');
  });
});
