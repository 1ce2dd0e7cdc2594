import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ContextLengthError } from '../errors/context-length-error.js';
import type { Message } from '../lm/lm.js';
import { Signature } from '../signature/signature.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { Tool } from '../tools/tool.js';
import { ReAct } from './react.js';

const getWeather = new Tool({
  name: 'get_weather',
  desc: 'Get the weather for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  execute: ({ city }) => `The weather in ${city} is sunny.`,
});
const add = new Tool({
  name: 'add',
  parameters: { type: 'object', properties: { x: { type: 'integer' }, y: { type: 'integer', default: 2 } } },
  execute: ({ x, y = 2 }) => (x as number) + (y as number),
});

const step = (thought: string, tool: string, args: string) =>
  `[[ ## next_thought ## ]]\n${thought}\n\n[[ ## next_tool_name ## ]]\n${tool}\n\n[[ ## next_tool_args ## ]]\n${args}\n\n[[ ## completed ## ]]`;

// DSPy 3.3.1: dspy.ReAct("question -> answer", tools=[get_weather, add], max_iters=3), where
// `def get_weather(city: str) -> str: """Get the weather for a city."""` and `def add(x: int, y: int = 2) -> int`.
const instructions =
  "Given the fields `question`, produce the fields `answer`.\n\nYou are an Agent. In each episode, you will be given the fields `question` as input. And you can see your past trajectory so far.\nYour goal is to use one or more of the supplied tools to collect any necessary information for producing `answer`.\n\nTo do this, you will interleave next_thought, next_tool_name, and next_tool_args in each turn, and also when finishing the task.\nAfter each tool call, you receive a resulting observation, which gets appended to your trajectory.\n\nWhen writing next_thought, you may reason about the current situation and plan for future steps.\nWhen selecting the next_tool_name and its next_tool_args, the tool must be one of:\n\n(1) get_weather, whose description is <desc>Get the weather for a city.</desc>. It takes arguments {'city': {'type': 'string'}}.\n(2) add. It takes arguments {'x': {'type': 'integer'}, 'y': {'type': 'integer', 'default': 2}}.\n(3) finish, whose description is <desc>Marks the task as complete. That is, signals that all information for producing the outputs, i.e. `answer`, are now available to be extracted.</desc>. It takes arguments {}.\nWhen providing `next_tool_args`, the value inside the field must be in JSON format";

const trajectoryText =
  '[[ ## thought_0 ## ]]\nI should check.\n\n[[ ## tool_name_0 ## ]]\nget_weather\n\n[[ ## tool_args_0 ## ]]\n{"city": "Tokyo"}\n\n[[ ## observation_0 ## ]]\nThe weather in Tokyo is sunny.';

describe('ReAct (dspy/predict/react.py)', () => {
  it('builds the react and extract prompts exactly as DSPy 3.3.1', async () => {
    const lm = new ScriptedLM({
      responses: [
        step('I should check.', 'get_weather', '{"city": "Tokyo"}'),
        step('Done.', 'finish', '{}'),
        '[[ ## reasoning ## ]]\nIt is sunny.\n\n[[ ## answer ## ]]\nSunny\n\n[[ ## completed ## ]]',
      ],
    });
    const react = new ReAct(Signature.from('question -> answer'), {
      tools: [getWeather, add],
      maxIters: 3,
      lm,
    });
    expect(react.react.signature.instructions).toBe(instructions);
    const prediction = await react.forward({ question: 'Weather in Tokyo?' });
    expect(prediction.answer).toBe('Sunny');
    expect(prediction.reasoning).toBe('It is sunny.');
    expect(prediction.trajectory).toEqual({
      thought_0: 'I should check.',
      tool_name_0: 'get_weather',
      tool_args_0: { city: 'Tokyo' },
      observation_0: 'The weather in Tokyo is sunny.',
      thought_1: 'Done.',
      tool_name_1: 'finish',
      tool_args_1: {},
      observation_1: 'Completed.',
    });

    const second = lm.calls[1]!.messages as Message[];
    expect(second[0]!.content).toBe(
      `Your input fields are:\n1. \`question\` (str): \n2. \`trajectory\` (str):\nYour output fields are:\n1. \`next_thought\` (str): \n2. \`next_tool_name\` (Literal['get_weather', 'add', 'finish']): \n3. \`next_tool_args\` (dict[str, Any]):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## trajectory ## ]]\n{trajectory}\n\n[[ ## next_thought ## ]]\n{next_thought}\n\n[[ ## next_tool_name ## ]]\n{next_tool_name}        # note: the value you produce must exactly match (no extra characters) one of: get_weather; add; finish\n\n[[ ## next_tool_args ## ]]\n{next_tool_args}        # note: the value you produce must adhere to the JSON schema: {"type": "object", "additionalProperties": true}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        ${instructions.replaceAll('\n', '\n        ')}`,
    );
    expect(second[1]!.content).toBe(
      `[[ ## question ## ]]\nWeather in Tokyo?\n\n[[ ## trajectory ## ]]\n${trajectoryText}\n\nRespond with the corresponding output fields, starting with the field \`[[ ## next_thought ## ]]\`, then \`[[ ## next_tool_name ## ]]\` (must be formatted as a valid Python Literal['get_weather', 'add', 'finish']), then \`[[ ## next_tool_args ## ]]\` (must be formatted as a valid Python dict[str, Any]), and then ending with the marker for \`[[ ## completed ## ]]\`.`,
    );
    // the first step's trajectory is empty (`_format_trajectory({})` is "")
    expect(lm.calls[0]!.messages![1]!.content).toContain('[[ ## trajectory ## ]]\n\n\nRespond');

    const extract = lm.calls[2]!.messages as Message[];
    expect(extract[0]!.content).toBe(
      'Your input fields are:\n1. `question` (str): \n2. `trajectory` (str):\nYour output fields are:\n1. `reasoning` (str): \n2. `answer` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## trajectory ## ]]\n{trajectory}\n\n[[ ## reasoning ## ]]\n{reasoning}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `answer`.',
    );
    expect(extract[1]!.content).toContain('[[ ## observation_1 ## ]]\nCompleted.');
  });

  it('feeds tool errors back as observations and stops at maxIters', async () => {
    const lm = new ScriptedLM({
      responses: [
        step('Add.', 'add', '{"y": 1}'),
        step('Add again.', 'add', '{"x": 40}'),
        '[[ ## reasoning ## ]]\nr\n\n[[ ## answer ## ]]\n42\n\n[[ ## completed ## ]]',
      ],
    });
    const react = new ReAct(Signature.from('question -> answer: int'), { tools: [add], lm });
    const prediction = await react.forward({ question: '40 + 2?' }, { maxIters: 2 });
    expect(prediction.answer).toBe(42);
    expect(prediction.trajectory.observation_0).toBe(
      'Execution error in add: add: missing required argument x',
    );
    expect(prediction.trajectory.observation_1).toBe(42);
    expect(lm.calls).toHaveLength(3);
  });

  it('validates tool arguments with a Standard Schema', async () => {
    const lookup = new Tool({
      name: 'lookup',
      desc: 'Looks a word up.',
      parameters: z.object({ word: z.string().min(2) }),
      execute: ({ word }) => `${word}: a word`,
    });
    expect(lookup.toString()).toBe(
      "lookup, whose description is <desc>Looks a word up.</desc>. It takes arguments {'word': {'type': 'string', 'minLength': 2}}.",
    );
    await expect(lookup.call({ word: 'a' })).rejects.toThrow(/invalid arguments/);
    expect(await lookup.call({ word: 'ok' })).toBe('ok: a word');
  });

  it('drops the oldest step when the context overflows (truncate_trajectory)', async () => {
    let calls = 0;
    const lm = new ScriptedLM({
      responses: (call) => {
        calls++;
        const text = call.messages!.at(-1)!.content;
        if (calls === 3 && text.includes('thought_0'))
          throw new ContextLengthError({ promptTokens: 9, contextLength: 8 });
        if (text.includes('reasoning'))
          return '[[ ## reasoning ## ]]\nr\n\n[[ ## answer ## ]]\nok\n\n[[ ## completed ## ]]';
        return step(`t${calls}`, 'get_weather', '{"city": "Oslo"}');
      },
    });
    const react = new ReAct(Signature.from('question -> answer'), { tools: [getWeather], maxIters: 3, lm });
    const prediction = await react.forward({ question: 'q' });
    expect(prediction.answer).toBe('ok');
    expect(Object.keys(prediction.trajectory)[0]).toBe('thought_1');
  });
});
