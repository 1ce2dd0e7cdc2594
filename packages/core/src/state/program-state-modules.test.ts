import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ChatAdapter } from '../adapters/chat-adapter.js';
import { BestOfN } from '../modules/best-of-n.js';
import { ChainOfThought } from '../modules/chain-of-thought.js';
import { MultiChainComparison } from '../modules/multi-chain-comparison.js';
import { Predict } from '../modules/predict.js';
import { ReAct } from '../modules/react.js';
import { Refine } from '../modules/refine.js';
import { Signature } from '../signature/signature.js';
import { Tool } from '../tools/tool.js';
import { ToolCalls } from '../tools/tool-calls.js';
import { dumpState } from './program-state.js';
import { loadProgram, saveProgram } from './save-program.js';

type Values = Record<string, unknown>;
type Program = { namedPredictors(): Array<[string, { demos: readonly Values[]; signature?: Signature }]> };

const getWeather = new Tool({
  name: 'get_weather',
  desc: 'Get the weather for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  execute: ({ city }) => `sunny in ${city}`,
});
const reward = () => 1;
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__');

/** What DSPy itself writes: our state without the name/type keys x adds to each field. */
function dspyShape(state: unknown): unknown {
  return JSON.parse(JSON.stringify(state), (key, value) =>
    key === 'name' || key === 'type' ? undefined : value,
  );
}

/** Fields as `dump_state()["signature"]["fields"]`, from prefix/description pairs. */
const fieldsOf = (...names: Array<[string, string]>) =>
  names.map(([name, prefix]) => ({ prefix, description: `\${${name}}` }));
const state = (instructions: string, fields: unknown[], demos: unknown[] = []) => ({
  traces: [],
  train: [],
  demos,
  signature: { instructions, fields },
  lm: null,
});
const cotFields = fieldsOf(['question', 'Question:'], ['reasoning', 'Reasoning:'], ['answer', 'Answer:']);
const defaultInstructions = 'Given the fields `question`, produce the fields `answer`.';

async function roundTrip<P extends Program>(saved: P, fresh: P): Promise<P> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'x-state-')), 'program.json');
  await saveProgram(saved as never, file);
  expect((await loadProgram(fresh as never, file)).notes).toEqual([]);
  expect(dumpState(fresh as never)).toEqual(dumpState(saved as never));
  return fresh;
}

describe('program state of composed modules (DSPy 3.3.1 dump_state)', () => {
  it('ReAct: names and fields as DSPy writes them, and a trained ReAct loads back identically', async () => {
    const make = () => new ReAct('question -> answer', { tools: [getWeather], maxIters: 3 });
    const program = make();
    // Printed by the oracle for dspy.ReAct("question -> answer", tools=[get_weather], max_iters=3).dump_state():
    // the keys, the react instructions and every field's prefix/description.
    const dumped = dspyShape(dumpState(program)) as Record<string, ReturnType<typeof state>>;
    expect(Object.keys(dumped)).toEqual(['react', 'extract.predict']);
    expect(dumped.react?.signature.instructions).toBe(
      "Given the fields `question`, produce the fields `answer`.\n\nYou are an Agent. In each episode, you will be given the fields `question` as input. And you can see your past trajectory so far.\nYour goal is to use one or more of the supplied tools to collect any necessary information for producing `answer`.\n\nTo do this, you will interleave next_thought, next_tool_name, and next_tool_args in each turn, and also when finishing the task.\nAfter each tool call, you receive a resulting observation, which gets appended to your trajectory.\n\nWhen writing next_thought, you may reason about the current situation and plan for future steps.\nWhen selecting the next_tool_name and its next_tool_args, the tool must be one of:\n\n(1) get_weather, whose description is <desc>Get the weather for a city.</desc>. It takes arguments {'city': {'type': 'string'}}.\n(2) finish, whose description is <desc>Marks the task as complete. That is, signals that all information for producing the outputs, i.e. `answer`, are now available to be extracted.</desc>. It takes arguments {}.\nWhen providing `next_tool_args`, the value inside the field must be in JSON format",
    );
    expect(dumped.react?.signature.fields).toEqual(
      fieldsOf(
        ['question', 'Question:'],
        ['trajectory', 'Trajectory:'],
        ['next_thought', 'Next Thought:'],
        ['next_tool_name', 'Next Tool Name:'],
        ['next_tool_args', 'Next Tool Args:'],
      ),
    );
    expect(dumped['extract.predict']).toEqual(
      state(defaultInstructions, [
        cotFields[0],
        ...fieldsOf(['trajectory', 'Trajectory:']),
        ...cotFields.slice(1),
      ]),
    );

    program.react.demos = [
      {
        question: 'Weather in Oslo?',
        trajectory: '',
        next_thought: 'Ask the tool.',
        next_tool_name: 'get_weather',
        next_tool_args: { city: 'Oslo' },
      },
    ];
    program.react.signature = program.react.signature.withInstructions('Use the tools, then finish.');
    program.extract.predict.demos = [{ question: 'Q', trajectory: 'T', reasoning: 'R', answer: 'A' }];
    const loaded = await roundTrip(program, make());
    expect(loaded.react.demos).toEqual(program.react.demos);
    expect(loaded.react.signature.instructions).toBe('Use the tools, then finish.');
    const inputs = { question: 'Weather in Paris?', trajectory: '' };
    expect(new ChatAdapter().format(loaded.react.signature, loaded.react.demos, inputs)).toEqual(
      new ChatAdapter().format(program.react.signature, program.react.demos, inputs),
    );
  });

  it('reads ReAct and Refine files DSPy 3.3.1 saved, and writes them byte for byte apart from field extras', async () => {
    // __fixtures__/dspy-react.json and dspy-refine.json were written by DSPy's Module.save (make-dspy-fixtures.py).
    for (const [file, make] of [
      ['dspy-react.json', () => new ReAct('question -> answer', { tools: [getWeather], maxIters: 3 })],
      [
        'dspy-refine.json',
        () => new Refine(new ChainOfThought('question -> answer'), { n: 3, rewardFn: reward, threshold: 1 }),
      ],
    ] as const) {
      const text = await readFile(path.join(fixtures, file), 'utf8');
      const program = make();
      expect((await loadProgram(program as never, path.join(fixtures, file))).notes).toEqual([]);
      const dspy = JSON.parse(text);
      // orjson.dumps(state, option=OPT_INDENT_2 | OPT_APPEND_NEWLINE) in dspy/primitives/base_module.py save()
      const ours = { ...(dspyShape(dumpState(program as never)) as object), metadata: dspy.metadata };
      expect(`${JSON.stringify(ours, null, 2)}\n`).toBe(text);
    }
    const react = new ReAct('question -> answer', { tools: [getWeather], maxIters: 3 });
    await loadProgram(react, path.join(fixtures, 'dspy-react.json'));
    expect(react.react.demos[0]?.next_tool_args).toEqual({ city: 'Oslo' });
    expect(react.extract.predict.demos).toEqual([
      { question: 'Q', trajectory: 'T', reasoning: 'R', answer: 'A' },
    ]);
  });

  it('BestOfN and Refine: their module keys are "module.<name>", as DSPy writes them', async () => {
    // Oracle: dspy.BestOfN(dspy.ChainOfThought("question -> answer"), N=3, ...).dump_state(), same for Refine.
    const expected = { 'module.predict': state(defaultInstructions, cotFields) };
    const bestOfN = () =>
      new BestOfN(new ChainOfThought('question -> answer'), { n: 3, rewardFn: reward, threshold: 1 });
    const refine = () =>
      new Refine(new ChainOfThought('question -> answer'), { n: 3, rewardFn: reward, threshold: 1 });
    expect(dspyShape(dumpState(bestOfN()))).toEqual(expected);
    expect(dspyShape(dumpState(refine()))).toEqual(expected);

    for (const make of [bestOfN, refine]) {
      const program = make();
      const [[, predictor]] = program.namedPredictors() as [[string, Predict]];
      predictor.demos = [{ question: 'Q', reasoning: 'R', answer: 'Ä' }];
      predictor.signature = predictor.signature.withInstructions('Answer well.');
      const loaded = await roundTrip(program, make());
      const [[, loadedPredictor]] = loaded.namedPredictors() as [[string, Predict]];
      expect(loadedPredictor.demos).toEqual([{ question: 'Q', reasoning: 'R', answer: 'Ä' }]);
      expect(loadedPredictor.signature.instructions).toBe('Answer well.');
    }
  });

  it('MultiChainComparison: the attempt and rationale fields as DSPy writes them', () => {
    // Oracle: json.dumps(dspy.MultiChainComparison("question -> answer", M=3).dump_state())
    expect(
      JSON.stringify(dspyShape(dumpState(new MultiChainComparison('question -> answer', { m: 3 })))),
    ).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: DSPy's literal placeholder descriptions
      '{"predict":{"traces":[],"train":[],"demos":[],"signature":{"instructions":"Given the fields `question`, produce the fields `answer`.","fields":[{"prefix":"Question:","description":"${question}"},{"prefix":"Student Attempt #1:","description":"${reasoning attempt}"},{"prefix":"Student Attempt #2:","description":"${reasoning attempt}"},{"prefix":"Student Attempt #3:","description":"${reasoning attempt}"},{"prefix":"Accurate Reasoning: Thank you everyone. Let\'s now holistically","description":"${corrected reasoning}"},{"prefix":"Answer:","description":"${answer}"}]},"lm":null}}',
    );
  });

  it('keeps union, none, any, tool and toolCalls fields and output defaults through save and load', async () => {
    const make = () =>
      new Predict(
        Signature.from({
          instructions: 'Kinds.',
          inputs: {
            q: { type: 'Optional[int]' },
            u: { type: 'Union[int, str]' },
            a: { type: 'Any' },
            t: { type: 'list[Tool]' },
          },
          outputs: { calls: { type: 'ToolCalls' }, n: { type: 'int', default: 3 } },
        }),
      );
    const program = make();
    // Oracle: dspy.Predict(S).dump_state() for the same class-based signature (q: Optional[int], …, n: int = OutputField(default=3)).
    expect(dspyShape(dumpState(program))).toEqual(
      state(
        'Kinds.',
        fieldsOf(['q', 'Q:'], ['u', 'U:'], ['a', 'A:'], ['t', 'T:'], ['calls', 'Calls:'], ['n', 'N:']),
      ),
    );
    expect(
      (dumpState(program) as ReturnType<typeof state>).signature.fields.map(
        (field) => (field as { type: string }).type,
      ),
    ).toEqual(['Union[int, NoneType]', 'Union[int, str]', 'Any', 'list[Tool]', 'ToolCalls', 'int']);

    program.demos = [
      {
        q: null,
        u: 'seven',
        a: { nested: [1, 'two'] },
        t: [],
        calls: new ToolCalls([{ name: 'get_weather', args: { city: 'Oslo' } }]),
        n: 4,
      },
    ];
    const loaded = await roundTrip(program, make());
    // predict.py dump_state: serialize_object(demo[field]) → ToolCalls.model_dump: {"tool_calls": [...]}
    expect(loaded.demos[0]?.calls).toEqual({ tool_calls: [{ name: 'get_weather', args: { city: 'Oslo' } }] });
    expect(loaded.signature.field('n')?.default).toBe(3);
    expect(loaded.signature.fields.map((field) => field.type)).toEqual(
      program.signature.fields.map((field) => field.type),
    );
    const inputs = { q: 1, u: 2, a: 'x', t: [getWeather] };
    expect(new ChatAdapter().format(loaded.signature, loaded.demos, inputs)).toEqual(
      new ChatAdapter().format(program.signature, program.demos, inputs),
    );

    const saved = dumpState(program) as ReturnType<typeof state>;
    (saved.signature.fields[0] as { type: string }).type = 'int';
    const { loadState } = await import('./program-state.js');
    expect(() => loadState(make(), saved)).toThrow(/saved type int where 'q' is Union\[int, NoneType\]/);
  });
});
