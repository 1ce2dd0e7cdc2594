import { describe, expect, it } from 'vitest';
import { DraftModel } from './draft-model.js';
import { FakeEngine } from './testing/fake-engine.js';

// the fake engine's favourite next token is (last + 1) % vocab: the draft continues a count
const engine = () => new FakeEngine({ vocabSize: 40, contextLength: 64 });

describe('DraftModel', () => {
  it('feeds the context once, then drafts greedily one batched call per token', async () => {
    const draftEngine = engine();
    const draft = new DraftModel(draftEngine);
    const a = {};
    const b = {};
    const drafts = await draft.draft([
      { key: a, context: [1, 2, 3], maxDraft: 3 },
      { key: b, context: [9, 10], maxDraft: 2 },
    ]);
    expect(drafts).toEqual([
      [4, 5, 6],
      [11, 12],
    ]);
    // catch-up of both contexts in one call, then one call per drafted token; the last one is never fed
    expect(draftEngine.calls.map((call) => call.map((r) => r.tokens))).toEqual([
      [
        [1, 2, 3],
        [9, 10],
      ],
      [[4], [11]],
      [[5]],
    ]);
    expect([...draftEngine.sequences.values()]).toEqual([
      [1, 2, 3, 4, 5],
      [9, 10, 11],
    ]);
  });

  it('cuts its cache back to what the target kept, so rejected drafts leave nothing behind', async () => {
    const draftEngine = engine();
    const draft = new DraftModel(draftEngine);
    const key = {};
    expect(await draft.draft([{ key, context: [1, 2, 3], maxDraft: 4 }])).toEqual([[4, 5, 6, 7]]);
    // the target accepted 4 and 5, then chose 20 instead of 6
    expect(await draft.draft([{ key, context: [1, 2, 3, 4, 5, 20], maxDraft: 2 }])).toEqual([[21, 22]]);
    expect([...draftEngine.sequences.values()]).toEqual([[1, 2, 3, 4, 5, 20, 21]]);
    expect(draftEngine.calls.at(-2)!.map((r) => r.tokens)).toEqual([[20]]);
    // a context wholly inside the cache still runs its last token, whose logits it needs
    expect(await draft.draft([{ key, context: [1, 2, 3, 4], maxDraft: 1 }])).toEqual([[5]]);
    expect([...draftEngine.sequences.values()]).toEqual([[1, 2, 3, 4]]);
    draft.release(key);
    expect(draftEngine.sequences.size).toBe(0);
    expect(draft.size).toBe(0);
  });

  it('proposes nothing without room (context full, no free sequence) and drops its sequences on errors', async () => {
    const full = new DraftModel(new FakeEngine({ vocabSize: 40, contextLength: 4, maxSequences: 1 }));
    expect(await full.draft([{ key: {}, context: [1, 2, 3, 4], maxDraft: 3 }])).toEqual([[5]]);
    expect(await full.draft([{ key: {}, context: [1, 2], maxDraft: 3 }])).toEqual([[]]);
    const draftEngine = engine();
    const draft = new DraftModel(draftEngine);
    const controller = new AbortController();
    controller.abort();
    await expect(
      draft.draft([{ key: {}, context: [1, 2], maxDraft: 2 }], controller.signal),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(draftEngine.sequences.size).toBe(0);
  });
});
