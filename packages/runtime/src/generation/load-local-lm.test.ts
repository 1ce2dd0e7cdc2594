import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import { describe, expect, it, vi } from 'vitest';
import { rewriteGGUFMetadata } from '../gguf/rewrite-gguf-metadata.js';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadLocalLM } from './load-local-lm.js';
import { FakeEngine } from './testing/fake-engine.js';
import { FakeTokenizer } from './testing/fake-tokenizer.js';

const stories = path.join(sharedModelsDir, 'stories260K.gguf');

describe('loadLocalLM', () => {
  it('hands the backend the parsed GGUF header and takes the tokenizer from it', async () => {
    const engine = new FakeEngine({ vocabSize: 512 });
    const open = vi.fn(async () => ({ engine }));
    const lm = await loadLocalLM(stories, open);
    expect(open).toHaveBeenCalledOnce();
    const [model] = open.mock.calls[0] as unknown as [{ path: string; gguf?: { metadata: object } }];
    expect(model.path).toBe(stories);
    expect(model.gguf?.metadata).toMatchObject({ 'general.architecture': 'llama' });
    expect(lm.engine).toBe(engine);
    expect(lm.tokenizer.vocabSize).toBe(512);
    await lm.dispose();
  });

  it('disposes the engine when the vocabulary check throws', async () => {
    const engine = new FakeEngine({ vocabSize: 4 });
    const loading = loadLocalLM(stories, async () => ({ engine }), { tokenizer: new FakeTokenizer() });
    await expect(loading).rejects.toBeInstanceOf(ModelFormatError);
    expect(engine.disposed).toBe(true);
  });

  it('takes the KV slot budget from an engine with fixed slots, else from the caller', async () => {
    const fixed = new FakeEngine({ vocabSize: 512, maxSequences: 3 });
    const seen: Array<number | undefined> = [];
    const lm = await loadLocalLM(
      stories,
      async ({ maxSequences }) => {
        seen.push(maxSequences);
        return { engine: fixed };
      },
      { maxSequences: 5 },
    );
    expect(seen).toEqual([5]);
    expect(lm.stats().kvSlots).toBe(3);
    await lm.dispose();
    const free = await loadLocalLM(stories, async () => ({ engine: new FakeEngine({ vocabSize: 512 }) }), {
      maxSequences: 5,
    });
    expect(free.stats().kvSlots).toBe(5);
    await free.dispose();
  });

  it("takes the chat template from the GGUF header, else a fallback; the caller's options win", async () => {
    const templated = path.join(await mkdtemp(path.join(tmpdir(), 'load-local-lm-')), 'templated.gguf');
    await rewriteGGUFMetadata(stories, templated, {
      'tokenizer.chat_template': '{% for m in messages %}{{ m.content }}.{% endfor %}',
    });
    const open = async () => ({ engine: new FakeEngine({ vocabSize: 512, contextLength: 64 }) });
    const lm = await loadLocalLM(templated, open);
    expect(lm.chatTemplate.name).toBe('model');
    expect(lm.chatTemplate.render([{ role: 'user', content: 'ab' }])).toBe('ab.');
    expect(lm.contextLength).toBe(64);
    await lm.dispose();
    const overridden = await loadLocalLM(templated, open, { chatTemplate: 'llama3', id: 'mine' });
    expect(overridden.chatTemplate.name).toBe('llama3');
    expect(overridden.id).toBe('mine');
    await overridden.dispose();
    const untemplated = await loadLocalLM(stories, open);
    expect(untemplated.chatTemplate.name).toMatch(/^fallback:/);
    await untemplated.dispose();
    await rm(path.dirname(templated), { recursive: true, force: true });
  });

  it('rejects a missing path with ModelFormatError before opening an engine', async () => {
    const open = vi.fn(async () => ({ engine: new FakeEngine({ vocabSize: 4 }) }));
    await expect(loadLocalLM(path.join(sharedModelsDir, 'missing.gguf'), open)).rejects.toBeInstanceOf(
      ModelFormatError,
    );
    expect(open).not.toHaveBeenCalled();
  });
});
