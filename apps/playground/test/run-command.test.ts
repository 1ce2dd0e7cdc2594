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

  it.each(['reference', 'candle'] as const)(
    'streams text then reports the parse outcome (%s)',
    async (backend) => {
      const { code, text } = await run(backend);
      expect(code).toBe(0);
      expect(text).toContain('(bundled default)');
      const streamed = text.split('--- stream ---\n')[1] ?? '';
      expect(streamed.trim().length).toBeGreaterThan(20);
      expect(text).toMatch(/--- (prediction|parse error) ---/);
      if (text.includes('--- parse error ---')) expect(text).toMatch(/raw text:\n\S/);
    },
  );

  it('greedy output is identical on the reference and the native engine', async () => {
    const [reference, native] = [await run('reference'), await run('candle')];
    expect(native.text.replace('backend: candle', '')).toBe(reference.text.replace('backend: reference', ''));
  });

  it('reports a missing input without loading a model', async () => {
    const { code, text } = await run('reference', { inputs: {} });
    expect(code).toBe(2);
    expect(text).toContain('missing input --question');
  });

  it('exits 1 on a parse error in --strict mode', async () => {
    const { code, text } = await run('reference', { strict: true });
    expect(code).toBe(text.includes('--- parse error ---') ? 1 : 0);
  });
});
