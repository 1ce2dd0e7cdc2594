import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors/abort-error.js';
import { exactAnswer, sumExamples, sumModel } from '../evaluate/__fixtures__/arithmetic.js';
import { evaluate } from '../evaluate/evaluate.js';
import { Predict } from '../modules/predict.js';
import { dumpState } from '../state/program-state.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { BootstrapFewShotWithRandomSearch } from './bootstrap-few-shot-with-random-search.js';

const trainset = sumExamples(24, 7);
const valset = sumExamples(30, 8);

function search(concurrency: number, seed = 0) {
  const lm = new ScriptedLM({ responses: sumModel(), chunkDelayMs: concurrency > 1 ? 1 : 0 });
  const optimizer = new BootstrapFewShotWithRandomSearch({
    metric: exactAnswer,
    maxBootstrappedDemos: 3,
    maxLabeledDemos: 4,
    numCandidatePrograms: 4,
    concurrency,
    seed,
  });
  return { lm, optimizer, student: new Predict('question -> answer', { lm }) };
}

describe('BootstrapFewShotWithRandomSearch', () => {
  it('scores every candidate and returns the best, the same at any concurrency', async () => {
    const serial = search(1);
    const best = await serial.optimizer.compile(serial.student, { trainset, valset });
    const parallel = search(8);
    const same = await parallel.optimizer.compile(parallel.student, { trainset, valset });
    expect(dumpState(same)).toEqual(dumpState(best));
    expect(parallel.optimizer.candidates.map((c) => [c.index, c.score])).toEqual(
      serial.optimizer.candidates.map((c) => [c.index, c.score]),
    );

    const candidates = serial.optimizer.candidates;
    // dspy/teleprompt/random_search.py: `for seed in range(-3, self.num_candidate_sets):`, with
    // `if seed == -3: # zero-shot`, `elif seed == -2: # labels only`, `elif seed == -1: # unshuffled few-shot`.
    expect(candidates.map((c) => c.index).sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(candidates[0]?.program).toBe(best);
    const zeroShot = candidates.find((c) => c.index === -3);
    const programOf = (index: number) =>
      candidates.find((c) => c.index === index)?.program as Predict | undefined;
    expect(programOf(-3)?.demos).toEqual([]);
    expect(programOf(-2)?.demos).toHaveLength(4);
    // The fixture model gets better with every demo, so a few-shot candidate wins.
    expect(best.demos.length).toBeGreaterThan(0);
    expect(candidates[0]?.score).toBeGreaterThan(zeroShot?.score ?? 100);
    const rescored = await evaluate(best, { devset: valset, metric: exactAnswer, displayProgress: false });
    expect(rescored.score).toBe(candidates[0]?.score);
  });

  it('is deterministic for a seed, and another seed shuffles other candidates', async () => {
    const run = async (seed: number) => {
      const { optimizer, student } = search(1, seed);
      const best = await optimizer.compile(student, { trainset, valset });
      const demos = optimizer.candidates
        .filter((c) => c.index >= 0)
        .sort((a, b) => a.index - b.index)
        .map((c) => (c.program as Predict).demos);
      return { state: dumpState(best), demos };
    };
    const first = await run(3);
    expect(await run(3)).toEqual(first);
    // Candidates n >= 0 shuffle the trainset by a seeded PRNG (our mulberry32, not Python's), as DSPy 3.3.1's
    // dspy/teleprompt/random_search.py: `random.Random(seed).shuffle(trainset_copy)`.
    expect((await run(4)).demos).not.toEqual(first.demos);
  });

  it('with calls in flight together, scores the candidates as one stream, not one drained batch after another', async () => {
    const run = async (stopAtScore?: number) => {
      const model = sumModel();
      const state = { inFlight: 0, drained: 0, evaluations: 0 };
      const questions = new Set(valset.map((example) => example.question));
      const lm = new ScriptedLM({
        responses: async (call) => {
          const question = /\[\[ ## question ## \]\]\n([^\n]*)/.exec(
            call.messages?.at(-1)?.content ?? '',
          )?.[1];
          const evaluation = questions.has(question ?? '');
          state.inFlight += 1;
          await new Promise((resolve) => setTimeout(resolve, 1));
          state.inFlight -= 1;
          if (evaluation && ++state.evaluations < 7 * valset.length && state.inFlight === 0)
            state.drained += 1;
          return model(call);
        },
      });
      // a local LM: Evaluate runs no warmup example alone
      Object.assign(lm, { preferredConcurrency: 4 });
      const optimizer = new BootstrapFewShotWithRandomSearch({
        metric: exactAnswer,
        maxBootstrappedDemos: 3,
        maxLabeledDemos: 4,
        numCandidatePrograms: 4,
        concurrency: 4,
        stopAtScore,
      });
      const program = await optimizer.compile(new Predict('question -> answer', { lm }), {
        trainset,
        valset,
      });
      return { state, program, scores: optimizer.candidates.map((c) => [c.index, c.score]) };
    };
    const stream = await run();
    // stopAtScore (never reached here) keeps DSPy's order: build one, score it, then the next
    const oneByOne = await run(101);
    expect(stream.state.evaluations).toBe(7 * valset.length);
    expect(oneByOne.state.evaluations).toBe(7 * valset.length);
    // the calls in flight fell to none only after the last evaluation call, not between candidates
    expect(stream.state.drained).toBe(0);
    expect(oneByOne.state.drained).toBe(6);
    expect(dumpState(stream.program)).toEqual(dumpState(oneByOne.program));
    expect(stream.scores).toEqual(oneByOne.scores);
  });

  it('with the default teacher, scores the labeled candidate first: its demos are the ones bootstrapping just prefilled', async () => {
    const run = async (teacher: boolean) => {
      const model = sumModel();
      const questions = new Set(valset.map((example) => example.question));
      const calls: { evaluation: boolean; demos: string }[] = [];
      const lm = new ScriptedLM({
        responses: (call) => {
          const messages = call.messages ?? [];
          const question = /\[\[ ## question ## \]\]\n([^\n]*)/.exec(messages.at(-1)?.content ?? '')?.[1];
          calls.push({
            evaluation: questions.has(question ?? ''),
            demos: JSON.stringify(messages.slice(1, -1).map((message) => message.content)),
          });
          return model(call);
        },
      });
      Object.assign(lm, { preferredConcurrency: 4 });
      const { optimizer } = search(4);
      const student = new Predict('question -> answer', { lm });
      const program = await optimizer.compile(student, {
        trainset,
        valset,
        teacher: teacher ? new Predict('question -> answer', { lm }) : undefined,
      });
      const labeled = optimizer.candidates.find((c) => c.index === -2)!.program as Predict;
      return { calls, program, labeled, scores: optimizer.candidates.map((c) => [c.index, c.score]) };
    };
    const demosText = (demos: Predict['demos']) =>
      demos.map((demo) => [
        `[[ ## question ## ]]\n${demo.question}`,
        `[[ ## answer ## ]]\n${demo.answer}\n\n[[ ## completed ## ]]\n`,
      ]);
    const withDefault = await run(false);
    const firstScored = withDefault.calls.find((call) => call.evaluation)!;
    const teacherCalls = withDefault.calls.filter((call) => !call.evaluation);
    // -2's demos (LabeledFewShot over the trainset) are the default teacher's: the first scoring call
    // carries them, as the bootstrapping's calls did just before.
    expect(firstScored.demos).toBe(JSON.stringify(demosText(withDefault.labeled.demos).flat()));
    expect(teacherCalls.some((call) => call.demos === firstScored.demos)).toBe(true);
    // with a teacher of its own, the order stays -3, -2, …: the first scoring call is zero-shot
    const withTeacher = await run(true);
    expect(withTeacher.calls.find((call) => call.evaluation)!.demos).toBe('[]');
    // the order of scoring changes no score and not the program
    const serial = search(1);
    const best = await serial.optimizer.compile(serial.student, { trainset, valset });
    expect(dumpState(withDefault.program)).toEqual(dumpState(best));
    expect(withDefault.scores).toEqual(serial.optimizer.candidates.map((c) => [c.index, c.score]));
  });

  it('bootstraps the candidates side by side, never past concurrency calls in flight', async () => {
    const model = sumModel();
    const state = { inFlight: 0, maxInFlight: 0, firstEndInFlight: -1 };
    const lm = new ScriptedLM({
      responses: async (call) => {
        state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (state.firstEndInFlight === -1) state.firstEndInFlight = state.inFlight;
        state.inFlight -= 1;
        return model(call);
      },
    });
    const { optimizer } = search(8);
    const best = await optimizer.compile(new Predict('question -> answer', { lm }), { trainset, valset });
    // one BootstrapFewShot starts with a window of one teacher call; candidates -1…3 side by side start five
    expect(state.firstEndInFlight).toBe(5);
    expect(state.maxInFlight).toBe(8);
    const serial = search(1);
    expect(dumpState(best)).toEqual(
      dumpState(await serial.optimizer.compile(serial.student, { trainset, valset })),
    );
  });

  it('stops at stopAtScore and keeps to restrict', async () => {
    const { optimizer, student } = search(4);
    const stopping = new BootstrapFewShotWithRandomSearch({
      metric: exactAnswer,
      maxLabeledDemos: 4,
      stopAtScore: 0,
      numCandidatePrograms: 4,
    });
    await stopping.compile(student, { trainset, valset });
    expect(stopping.candidates.map((c) => c.index)).toEqual([-3]);
    await optimizer.compile(student, { trainset, valset, restrict: [-2, 1] });
    expect(optimizer.candidates.map((c) => c.index).sort()).toEqual([-2, 1]);
    await expect(optimizer.compile(student, { trainset, restrict: [9] })).rejects.toThrow(
      /names no candidate/,
    );
  });

  it('stops with AbortError when the signal fires', async () => {
    const controller = new AbortController();
    const model = sumModel();
    const lm = new ScriptedLM({
      responses: (call) => {
        if (call.index === 40) controller.abort();
        return model(call);
      },
    });
    const optimizer = new BootstrapFewShotWithRandomSearch({ metric: exactAnswer, numCandidatePrograms: 4 });
    await expect(
      optimizer.compile(new Predict('question -> answer', { lm }), {
        trainset,
        valset,
        signal: controller.signal,
      }),
    ).rejects.toSatisfy(AbortError.isInstance);
    expect(lm.calls.length).toBeLessThan(60);
  });

  it("uses DSPy 3.3.1's defaults: 4 bootstrapped and 16 labeled demos, 16 candidates after the three fixed ones", async () => {
    // dspy/teleprompt/random_search.py (3.3.1), BootstrapFewShotWithRandomSearch.__init__:
    // `max_bootstrapped_demos=4,`, `max_labeled_demos=16,`, `num_candidate_programs=16,`.
    const lm = new ScriptedLM({ responses: sumModel() });
    const optimizer = new BootstrapFewShotWithRandomSearch({ metric: exactAnswer });
    await optimizer.compile(new Predict('question -> answer', { lm }), { trainset, valset });
    const indexes = optimizer.candidates.map((c) => c.index).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 19 }, (_, i) => i - 3));
    const demosOf = (index: number) =>
      (optimizer.candidates.find((c) => c.index === index)?.program as Predict | undefined)?.demos ?? [];
    // `LabeledFewShot(k=self.max_labeled_demos)` for seed -2.
    expect(demosOf(-2)).toHaveLength(16);
    // Seed -1: `BootstrapFewShot(max_bootstrapped_demos=self.max_num_samples, max_labeled_demos=self.max_labeled_demos)`:
    // 4 teacher traces (new objects), then trainset examples up to 16.
    const unshuffled = demosOf(-1);
    expect(unshuffled).toHaveLength(16);
    expect(unshuffled.filter((demo) => !trainset.includes(demo as never))).toHaveLength(4);
    // Seeds n >= 0: `randint(self.min_num_samples, self.max_num_samples)` traces, so 1 to 4 of them.
    for (let index = 0; index < 16; index++) {
      const traces = demosOf(index).filter((demo) => !trainset.includes(demo as never)).length;
      expect(traces).toBeGreaterThanOrEqual(1);
      expect(traces).toBeLessThanOrEqual(4);
      expect(demosOf(index)).toHaveLength(16);
    }
  });
});
