import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ChatAdapter } from '../adapters/chat-adapter.js';
import { ChainOfThought } from '../modules/chain-of-thought.js';
import { Predict } from '../modules/predict.js';
import { Signature } from '../signature/signature.js';
import type { PredictorState } from './predictor-state.js';
import { dumpState, loadState } from './program-state.js';
import { ProgramStateError } from './program-state-error.js';
import { loadProgram, saveProgram, stateFileText } from './save-program.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const tempFile = async (name: string) => path.join(await mkdtemp(path.join(tmpdir(), 'x-state-')), name);

/** Our state without the name/type keys x adds to each field, i.e. what DSPy itself writes. */
function withoutFieldExtras(state: unknown): unknown {
  return JSON.parse(JSON.stringify(state), (key, value) =>
    key === 'name' || key === 'type' ? undefined : value,
  );
}

function trainedChainOfThought() {
  const program = new ChainOfThought(Signature.from('question: str, context: list[str] -> answer: int'));
  program.predict.signature = program.predict.signature.withInstructions(
    'Answer from the café’s menu.\nBe brief.',
  );
  program.predict.demos = [
    { question: 'Prix du café ?', context: ['2 €'], reasoning: 'Le menu dit 2 €.', answer: 2 },
    { question: 'Tea?', context: [], answer: 3 },
  ];
  return program;
}

describe('program state', () => {
  it('saves and loads a program back identically', async () => {
    const file = await tempFile('program.json');
    const saved = trainedChainOfThought();
    await saveProgram(saved, file);
    const loaded = new ChainOfThought(Signature.from('question: str, context: list[str] -> answer: int'));
    expect((await loadProgram(loaded, file)).notes).toEqual([]);
    expect(dumpState(loaded)).toEqual(dumpState(saved));
    expect(stateFileText(loaded)).toBe(await readFile(file, 'utf8'));
    expect(loaded.predict.signature.instructions).toBe('Answer from the café’s menu.\nBe brief.');
    expect(loaded.predict.demos).toEqual(saved.predict.demos);
    const inputs = { question: 'Price of tea?', context: ['3 €'] };
    const adapter = new ChatAdapter();
    expect(adapter.format(loaded.predict.signature, loaded.predict.demos, inputs)).toEqual(
      adapter.format(saved.predict.signature, saved.predict.demos, inputs),
    );
  });

  it('writes the shape DSPy 3.3.1 writes, byte for byte apart from metadata and field names', async () => {
    // __fixtures__/dspy-predict.json was written by DSPy 3.3.1's Module.save (make-dspy-fixtures.py).
    const text = await readFile(path.join(fixtures, 'dspy-predict.json'), 'utf8');
    const dspy = JSON.parse(text);
    const program = new Predict('question: str -> answer: int');
    loadState(program, dspy);
    const ours = withoutFieldExtras(dumpState(program));
    // orjson.dumps(state, option=OPT_INDENT_2 | OPT_APPEND_NEWLINE) in dspy/primitives/base_module.py save()
    expect(`${JSON.stringify({ ...(ours as object), metadata: dspy.metadata }, null, 2)}\n`).toBe(text);
  });

  it('reads a DSPy-saved Predict and ChainOfThought', async () => {
    const predict = new Predict('question: str -> answer: int');
    await loadProgram(predict, path.join(fixtures, 'dspy-predict.json'));
    expect(predict.signature.instructions).toBe('Add the numbers.\nBe exact.');
    expect(predict.demos).toEqual([
      { question: '1+1?', answer: 2 },
      { question: 'café 2+3?', answer: 5 },
      { question: '3+4?', answer: 7, augmented: true },
    ]);
    const chain = new ChainOfThought('question -> answer');
    expect((await loadProgram(chain, path.join(fixtures, 'dspy-chain-of-thought.json'))).notes).toEqual([]);
    expect(chain.predict.demos).toEqual([{ question: 'Q', reasoning: 'R', answer: 'A' }]);
    // DSPy 3.3.1's ChainOfThought uses dspy.OutputField(desc="${reasoning}"): prefix "Reasoning:"
    expect(chain.predict.signature.field('reasoning')?.prefix).toBe('Reasoning:');
  });

  it('refuses states that do not fit, naming where, and changes nothing', () => {
    const first = new Predict('question -> answer');
    const second = new Predict('answer -> verdict: bool');
    const program = {
      namedPredictors: () =>
        [
          ['first', first],
          ['second', second],
        ] as Array<[string, Predict]>,
    };
    const good = dumpState(program) as Record<string, PredictorState>;
    const mismatch = structuredClone(good);
    (mismatch.first as PredictorState).signature.instructions = 'changed';
    (mismatch.second as PredictorState).signature.fields.pop();
    const error = (() => {
      try {
        loadState(program, mismatch);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(ProgramStateError.isInstance(error) && error.where).toBe('second.signature.fields');
    expect(first.signature.instructions).not.toBe('changed');

    const renamed = structuredClone(good);
    ((renamed.first as PredictorState).signature.fields[0] as { name: string }).name = 'query';
    expect(() => loadState(program, renamed)).toThrow(/first.signature.fields\[0\]: saved field 'query'/);
    expect(() => loadState(program, { first: good.first })).toThrow(/the state has no predictor 'second'/);
    expect(() => loadState(first, { ...good.first, extended_signature: {} })).toThrow(/extended_signature/);
    expect(loadState(first, { ...good.first, lm: { model: 'openai/gpt-4o-mini' } }).notes).toEqual([
      'self.lm: LM settings are not loaded; give the program an LM',
    ]);
  });

  it('wants a .json path and a JSON file', async () => {
    await expect(saveProgram(new Predict('a -> b'), 'program.pkl')).rejects.toThrow(/must end with .json/);
    await expect(
      loadProgram(new Predict('a -> b'), path.join(fixtures, 'make-dspy-fixtures.py.json')),
    ).rejects.toSatisfy(ProgramStateError.isInstance);
  });
});
