import { AbortError, ContextLengthError, LMError } from '@x/core';
import { afterEach, describe, expect, it } from 'vitest';
import { argmaxRows } from '../argmax-rows.js';
import type { Engine, ForwardRequest } from '../engine.js';
import { nmse } from './nmse.js';

export interface EngineConformanceOptions {
  /** Opens a fresh engine for one case; the suite disposes it. */
  open: () => Promise<Engine>;
  /**
   * Opens the reference engine over the same weights. Without it the cases that compare logits
   * check the engine against itself only (the fake engine has no weights to compare).
   */
  reference?: () => Promise<Engine>;
  /** Largest nmse of any logits row against the reference (default 1e-6). */
  maxNmse?: number;
}

const PROMPT_LENGTH = 8;

/** Tokens spread over the vocabulary, the same for every engine. */
export function conformanceTokens(count: number, vocabSize: number, salt = 0): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => (i * 37 + 11 + salt * 101) % vocabSize);
}

function request(seq: number, tokens: Int32Array, logitsFor: 'last' | 'all' = 'last'): ForwardRequest {
  return { seq, tokens, logitsFor };
}

/**
 * The Engine contract as one list of cases, run by every backend (after llama.cpp's test-backend-ops:
 * one case list, one comparison, each backend against the reference).
 *
 * One rule that engines once disagreed on: a sequence may appear more than once in a batch, and its
 * requests apply in batch order, exactly as the same requests sent in consecutive calls. llama.cpp's
 * batches carry several runs of one sequence and the C++ `Context::forward` accepts them; the batch is
 * checked as a whole first (the planned lengths add up), so rejecting it bought no safety.
 */
export function describeEngineConformance(name: string, options: EngineConformanceOptions): void {
  const maxNmse = options.maxNmse ?? 1e-6;
  const open: Engine[] = [];
  const track = async (opening: Promise<Engine>): Promise<Engine> => {
    const engine = await opening;
    open.push(engine);
    return engine;
  };
  const engine = () => track(options.open());
  const reference = () => track((options.reference ?? options.open)());

  describe(`${name}: Engine conformance`, () => {
    afterEach(async () => {
      await Promise.all(open.splice(0).map((e) => e.dispose()));
    });

    it('creates, forks, truncates and releases sequences', async () => {
      const e = await engine();
      const vocab = e.info.vocabSize;
      const a = e.createSequence();
      const b = e.createSequence();
      expect(a).not.toBe(b);
      expect(e.sequenceLength(a)).toBe(0);
      await e.forward([request(a, conformanceTokens(PROMPT_LENGTH, vocab))]);
      expect(e.sequenceLength(a)).toBe(PROMPT_LENGTH);
      expect(e.sequenceLength(b)).toBe(0);

      const whole = e.fork(a);
      const half = e.fork(a, 4);
      expect(e.sequenceLength(whole)).toBe(PROMPT_LENGTH);
      expect(e.sequenceLength(half)).toBe(4);
      expect(() => e.fork(a, PROMPT_LENGTH + 1)).toThrow(RangeError);

      e.truncate(a, 5);
      expect(e.sequenceLength(a)).toBe(5);
      e.truncate(a, 100);
      expect(e.sequenceLength(a)).toBe(5);
      expect(() => e.truncate(a, -1)).toThrow(RangeError);
      expect(e.sequenceLength(whole)).toBe(PROMPT_LENGTH);

      e.release(half);
      expect(() => e.sequenceLength(half)).toThrow(RangeError);
      expect(() => e.fork(half)).toThrow(RangeError);
      await expect(e.forward([request(half, Int32Array.of(1))])).rejects.toThrow(RangeError);
    });

    it('a fork or a truncated sequence continues as the original would', async () => {
      const e = await engine();
      const vocab = e.info.vocabSize;
      const prompt = conformanceTokens(PROMPT_LENGTH, vocab);
      const next = Int32Array.of(3);
      const a = e.createSequence();
      await e.forward([request(a, prompt)]);
      const fork = e.fork(a, 5);
      const fresh = e.createSequence();
      const [fromFork, fromFresh] = await e.forward([
        request(fork, next),
        request(fresh, Int32Array.of(...prompt.subarray(0, 5), 3)),
      ]);
      expect(nmse(fromFork!, fromFresh!)).toBeLessThan(maxNmse);
      e.truncate(a, 5);
      const [fromTruncated] = await e.forward([request(a, next)]);
      expect(nmse(fromTruncated!, fromFresh!)).toBeLessThan(maxNmse);
    });

    it('returns one row per token for "all" and the last of them for "last"', async () => {
      const e = await engine();
      const vocab = e.info.vocabSize;
      const prompt = conformanceTokens(PROMPT_LENGTH, vocab);
      const [a, b] = [e.createSequence(), e.createSequence()];
      const [all, last] = await e.forward([request(a, prompt, 'all'), request(b, prompt, 'last')]);
      expect(all!.length).toBe(PROMPT_LENGTH * vocab);
      expect(last!.length).toBe(vocab);
      expect(nmse(all!.subarray((PROMPT_LENGTH - 1) * vocab), last!)).toBeLessThan(maxNmse);
      const [empty] = await e.forward([request(a, new Int32Array(0), 'all')]);
      expect(empty!.length).toBe(0);
      expect(e.sequenceLength(a)).toBe(PROMPT_LENGTH);
    });

    it('gives the same logits with a logitsInto buffer, reused call after call, and rejects one too small', async () => {
      // The scheduler passes one buffer to every step; engines may write into it or ignore it.
      const e = await engine();
      const vocab = e.info.vocabSize;
      const prompt = conformanceTokens(PROMPT_LENGTH, vocab, 4);
      const [plain, buffered] = [e.createSequence(), e.createSequence()];
      const into = new Float32Array((PROMPT_LENGTH + 2) * vocab).fill(Number.NaN);
      const expected = await e.forward([request(plain, prompt, 'all'), request(plain, Int32Array.of(3))]);
      const got = await e.forward(
        [request(buffered, prompt, 'all'), request(buffered, Int32Array.of(3))],
        undefined,
        {
          logitsInto: into,
        },
      );
      expect(got.map((rows) => rows.length)).toEqual([PROMPT_LENGTH * vocab, vocab]);
      expect(nmse(got[0]!, expected[0]!)).toBeLessThan(maxNmse);
      expect(nmse(got[1]!, expected[1]!)).toBeLessThan(maxNmse);
      const [nextPlain] = await e.forward([request(plain, Int32Array.of(5))]);
      const [nextBuffered] = await e.forward([request(buffered, Int32Array.of(5))], undefined, {
        logitsInto: into,
      });
      expect(nmse(nextBuffered!, nextPlain!)).toBeLessThan(maxNmse);
      await expect(
        e.forward([request(buffered, Int32Array.of(1), 'all'), request(plain, Int32Array.of(1))], undefined, {
          logitsInto: new Float32Array(2 * vocab - 1),
        }),
      ).rejects.toThrow(RangeError);
      expect([e.sequenceLength(plain), e.sequenceLength(buffered)]).toEqual([
        PROMPT_LENGTH + 2,
        PROMPT_LENGTH + 2,
      ]);
    });

    it('applies a sequence that appears twice in a batch in order, as two calls would', async () => {
      const e = await engine();
      const vocab = e.info.vocabSize;
      const prompt = conformanceTokens(PROMPT_LENGTH, vocab);
      const [twice, once] = [e.createSequence(), e.createSequence()];
      const [first, second] = await e.forward([
        request(twice, prompt.subarray(0, 5), 'all'),
        request(twice, prompt.subarray(5), 'all'),
      ]);
      expect(e.sequenceLength(twice)).toBe(PROMPT_LENGTH);
      await e.forward([request(once, prompt.subarray(0, 5), 'all')]);
      const [separate] = await e.forward([request(once, prompt.subarray(5), 'all')]);
      expect(first!.length).toBe(5 * vocab);
      expect(nmse(second!, separate!)).toBeLessThan(maxNmse);
    });

    it('takes decode tokens and prompt chunks of other sequences in one batch, as separate calls', async () => {
      // The scheduler sends each step as one such call: decodes first, then the prompts being read.
      const e = await engine();
      const vocab = e.info.vocabSize;
      const [a, b, c, d] = [e.createSequence(), e.createSequence(), e.createSequence(), e.createSequence()];
      await e.forward([request(a, conformanceTokens(4, vocab, 2))]);
      await e.forward([request(b, conformanceTokens(4, vocab, 2))]);
      const prompt = conformanceTokens(PROMPT_LENGTH, vocab, 3);
      const mixed = await e.forward([
        request(a, Int32Array.of(7)),
        request(c, prompt, 'last'),
        request(a, Int32Array.of(9), 'all'),
      ]);
      const [decoded] = await e.forward([request(b, Int32Array.of(7))]);
      const [prefilled] = await e.forward([request(d, prompt, 'last')]);
      const [next] = await e.forward([request(b, Int32Array.of(9), 'all')]);
      expect(mixed.map((rows) => rows.length)).toEqual([vocab, vocab, vocab]);
      expect(nmse(mixed[0]!, decoded!)).toBeLessThan(maxNmse);
      expect(nmse(mixed[1]!, prefilled!)).toBeLessThan(maxNmse);
      expect(nmse(mixed[2]!, next!)).toBeLessThan(maxNmse);
      expect([e.sequenceLength(a), e.sequenceLength(c)]).toEqual([6, PROMPT_LENGTH]);
    });

    it('answers an empty batch with no rows and rejects a bad one before touching any sequence', async () => {
      const e = await engine();
      const vocab = e.info.vocabSize;
      expect(await e.forward([])).toEqual([]);
      const a = e.createSequence();
      await e.forward([request(a, conformanceTokens(4, vocab))]);
      await expect(e.forward([request(a, Int32Array.of(1)), request(a, new Int32Array(0))])).rejects.toThrow(
        RangeError,
      );
      await expect(
        e.forward([request(a, Int32Array.of(1)), request(a, Int32Array.of(vocab))]),
      ).rejects.toThrow(RangeError);
      expect(e.sequenceLength(a)).toBe(4);
    });

    it('rejects a batch that overflows the context with ContextLengthError, leaving sequences as they were', async () => {
      const e = await engine();
      const { vocabSize, contextLength } = e.info;
      const [a, b] = [e.createSequence(), e.createSequence()];
      await e.forward([request(a, conformanceTokens(4, vocabSize))]);
      const tooMany = conformanceTokens(contextLength - 3, vocabSize);
      await expect(e.forward([request(b, Int32Array.of(1)), request(a, tooMany)])).rejects.toBeInstanceOf(
        ContextLengthError,
      );
      const half = conformanceTokens(Math.ceil((contextLength - 3) / 2), vocabSize);
      await expect(e.forward([request(a, half), request(a, half)])).rejects.toBeInstanceOf(
        ContextLengthError,
      );
      expect(e.sequenceLength(a)).toBe(4);
      expect(e.sequenceLength(b)).toBe(0);
    });

    it('rejects an aborted forward with AbortError, leaving sequences as they were', async () => {
      const e = await engine();
      const vocab = e.info.vocabSize;
      const [a, b] = [e.createSequence(), e.createSequence()];
      await e.forward([request(a, conformanceTokens(4, vocab))]);
      const before = await e.forward([request(b, conformanceTokens(4, vocab))]);
      const controller = new AbortController();
      const running = e.forward(
        [request(a, conformanceTokens(PROMPT_LENGTH, vocab, 1)), request(b, conformanceTokens(2, vocab))],
        controller.signal,
      );
      controller.abort();
      await expect(running).rejects.toBeInstanceOf(AbortError);
      expect(e.sequenceLength(a)).toBe(4);
      expect(e.sequenceLength(b)).toBe(4);
      const [again] = await e.forward([request(b, Int32Array.of(3))]);
      const c = e.createSequence();
      const [fresh] = await e.forward([request(c, Int32Array.of(...conformanceTokens(4, vocab), 3))]);
      expect(before[0]!.length).toBe(vocab);
      expect(nmse(again!, fresh!)).toBeLessThan(maxNmse);
    });

    it('disposes with work in flight: the work settles, then every call fails with LMError', async () => {
      const e = await engine();
      const vocab = e.info.vocabSize;
      const a = e.createSequence();
      const running = e.forward([request(a, conformanceTokens(PROMPT_LENGTH, vocab), 'all')]);
      await e.dispose();
      const [settled] = await Promise.allSettled([running]);
      if (settled!.status === 'rejected') {
        expect(settled.reason instanceof LMError || settled.reason instanceof AbortError).toBe(true);
      }
      expect(() => e.createSequence()).toThrow(LMError);
      expect(() => e.sequenceLength(a)).toThrow(LMError);
      await expect(e.forward([request(a, Int32Array.of(1))])).rejects.toBeInstanceOf(LMError);
      await e.dispose();
    });

    it('runs one-token steps of sequences of unequal lengths in one batch as each alone would', async () => {
      const e = await engine();
      const vocab = e.info.vocabSize;
      const prompts = [3, PROMPT_LENGTH, 5].map((n, k) => conformanceTokens(n, vocab, k));
      const seqs = prompts.map(() => e.createSequence());
      await e.forward(seqs.map((seq, k) => request(seq, prompts[k]!)));
      const alone: Float32Array[] = [];
      for (const [k, seq] of seqs.entries()) {
        const fork = e.fork(seq);
        alone.push((await e.forward([request(fork, Int32Array.of(k + 2))]))[0]!);
        e.release(fork);
      }
      const together = await e.forward(seqs.map((seq, k) => request(seq, Int32Array.of(k + 2))));
      for (const [k, logits] of together.entries()) expect(nmse(logits, alone[k]!)).toBeLessThan(maxNmse);
      // and each cache goes on as its own: the next batched step matches the whole history run cold
      const next = await e.forward(seqs.map((seq) => request(seq, Int32Array.of(1))));
      for (const [k, logits] of next.entries()) {
        const fresh = e.createSequence();
        const [cold] = await e.forward([request(fresh, Int32Array.of(...prompts[k]!, k + 2, 1))]);
        expect(e.sequenceLength(seqs[k]!)).toBe(prompts[k]!.length + 2);
        expect(nmse(logits, cold!)).toBeLessThan(maxNmse);
      }
    });

    it('forwardArgmax, when present, answers the argmax of each row forward returns, for "last" and "all"', async () => {
      // The two engines of a pair run the same batches, so their logits are the same bits.
      const [e, twin] = [await engine(), await engine()];
      if (e.forwardArgmax === undefined) return;
      const vocab = e.info.vocabSize;
      const batch = (seqs: number[], salt: number): ForwardRequest[] => [
        request(seqs[0]!, conformanceTokens(PROMPT_LENGTH, vocab, salt), 'all'),
        request(seqs[1]!, conformanceTokens(3, vocab, salt + 1), 'last'),
        request(seqs[2]!, conformanceTokens(5, vocab, salt + 2), 'all'),
      ];
      const ours = [e.createSequence(), e.createSequence(), e.createSequence()];
      const theirs = [twin.createSequence(), twin.createSequence(), twin.createSequence()];
      for (const salt of [0, 7]) {
        const ids = await e.forwardArgmax(batch(ours, salt));
        const logits = await twin.forward(batch(theirs, salt));
        expect(ids.map((row) => row.length)).toEqual(logits.map((rows) => rows.length / vocab));
        expect(ids).toEqual(logits.map((rows) => argmaxRows(rows, vocab)));
      }
      const step = (seqs: number[]) => seqs.map((seq, k) => request(seq, Int32Array.of(k + 1)));
      expect(await e.forwardArgmax(step(ours))).toEqual(
        (await twin.forward(step(theirs))).map((rows) => argmaxRows(rows, vocab)),
      );
      expect(ours.map((seq) => e.sequenceLength(seq))).toEqual([2 * PROMPT_LENGTH + 1, 7, 11]);
      const [empty] = await e.forwardArgmax([request(ours[0]!, new Int32Array(0), 'all')]);
      expect(empty!.length).toBe(0);
      await expect(e.forwardArgmax([request(ours[1]!, Int32Array.of(vocab))])).rejects.toThrow(RangeError);
      expect(e.sequenceLength(ours[1]!)).toBe(7);
    });

    it("forwardArgmax, when present, honours each request's allowed mask: the largest allowed logit, -1 for none", async () => {
      const [e, twin] = [await engine(), await engine()];
      if (e.forwardArgmax === undefined) return;
      const vocab = e.info.vocabSize;
      const words = Math.ceil(vocab / 32);
      const tokens = conformanceTokens(PROMPT_LENGTH, vocab, 3);
      const [logits] = await twin.forward([request(twin.createSequence(), tokens, 'all')]);
      const top = argmaxRows(logits!, vocab);
      // Every third token, less each row's own argmax: every row's pick has to move.
      const allowed = new Uint32Array(words);
      for (let id = 1; id < vocab; id += 3) if (!top.includes(id)) allowed[id >>> 5]! |= 1 << (id & 31);
      const want = argmaxRows(logits!, vocab, allowed);
      expect(Array.from(want).some((id, row) => id !== top[row])).toBe(true);
      const [a, b, c] = [e.createSequence(), e.createSequence(), e.createSequence()];
      const ids = await e.forwardArgmax([
        { ...request(a, tokens, 'all'), allowed },
        { ...request(b, tokens, 'last'), allowed: new Uint32Array(words) },
        request(c, tokens, 'last'),
      ]);
      expect(ids.map((row) => Array.from(row))).toEqual([Array.from(want), [-1], [top[PROMPT_LENGTH - 1]]]);
    });

    it('forwardArgmax, when present, honours one allowed mask per row: each row picks within its own', async () => {
      const [e, twin] = [await engine(), await engine()];
      if (e.forwardArgmax === undefined) return;
      const vocab = e.info.vocabSize;
      const words = Math.ceil(vocab / 32);
      const tokens = conformanceTokens(PROMPT_LENGTH, vocab, 5);
      const [logits] = await twin.forward([request(twin.createSequence(), tokens, 'all')]);
      const top = argmaxRows(logits!, vocab);
      // Even rows: every third token less the row's argmax; odd rows: one token each; the last: none.
      const shared = new Uint32Array(words);
      for (let id = 1; id < vocab; id += 3) if (!top.includes(id)) shared[id >>> 5]! |= 1 << (id & 31);
      const sole = (row: number) => (top[row]! + 1 + row) % vocab;
      const only = (id: number) => {
        const mask = new Uint32Array(words);
        mask[id >>> 5] = 1 << (id & 31);
        return mask;
      };
      const perRow = Array.from({ length: PROMPT_LENGTH }, (_, row) =>
        row === PROMPT_LENGTH - 1 ? new Uint32Array(words) : row % 2 === 0 ? shared : only(sole(row)),
      );
      const sharedPicks = argmaxRows(logits!, vocab, shared);
      const want = perRow.map((_, row) =>
        row === PROMPT_LENGTH - 1 ? -1 : row % 2 === 0 ? sharedPicks[row] : sole(row),
      );
      const [a, b] = [e.createSequence(), e.createSequence()];
      const ids = await e.forwardArgmax([
        { ...request(a, tokens, 'all'), allowed: perRow },
        { ...request(b, tokens, 'last'), allowed: [only(sole(0))] },
      ]);
      expect(ids.map((row) => Array.from(row))).toEqual([want, [sole(0)]]);
      // Row masks that are not one per row: RangeError, the sequence left as it was.
      await expect(
        e.forwardArgmax([{ ...request(b, Int32Array.of(1, 2), 'all'), allowed: [shared] }]),
      ).rejects.toThrow(RangeError);
      expect(e.sequenceLength(b)).toBe(PROMPT_LENGTH);
    });

    it('agrees with the reference engine on every logits row (nmse)', async () => {
      const [e, r] = [await engine(), await reference()];
      expect(e.info.vocabSize).toBe(r.info.vocabSize);
      const vocab = e.info.vocabSize;
      const prompt = conformanceTokens(PROMPT_LENGTH, vocab);
      const [a, b] = [e.createSequence(), r.createSequence()];
      const [ours] = await e.forward([request(a, prompt, 'all')]);
      const [theirs] = await r.forward([request(b, prompt, 'all')]);
      for (let row = 0; row < PROMPT_LENGTH; row++) {
        const at = (x: Float32Array) => x.subarray(row * vocab, (row + 1) * vocab);
        expect(nmse(at(ours!), at(theirs!))).toBeLessThan(maxNmse);
      }
      for (const token of [5, 17, 2]) {
        const [step] = await e.forward([request(a, Int32Array.of(token))]);
        const [expected] = await r.forward([request(b, Int32Array.of(token))]);
        expect(nmse(step!, expected!)).toBeLessThan(maxNmse);
      }
    });
  });
}
