import { describe, expect, expectTypeOf, it } from 'vitest';
import { ChatAdapter } from '../adapters/chat-adapter.js';
import { JSONAdapter } from '../adapters/json-adapter.js';
import { Signature } from '../signature/signature.js';
import { Tool } from './tool.js';
import { ToolCalls } from './tool-calls.js';

const getWeather = new Tool({
  name: 'get_weather',
  desc: 'Get the weather for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  execute: ({ city }) => `sunny in ${city}`,
});

// DSPy 3.3.1: dspy.Signature("question: str, tools: list[dspy.Tool] -> answer: str, tool_calls: dspy.ToolCalls")
const signature = Signature.from('question: str, tools: list[Tool] -> answer: str, tool_calls: ToolCalls');

describe('ToolCalls and list[Tool] fields (dspy/adapters/types/tool.py)', () => {
  it('are formatted by the ChatAdapter as DSPy 3.3.1 formats them', () => {
    // utils.py get_field_description_string: "Type description of {name}: {custom_type.description()}";
    // chat_adapter.py type_info: ' (must be a JSON object like {"tool_calls": [{"name": "...", "args": {...}}]})'
    expect(new ChatAdapter().format(signature, [], { question: 'Weather?', tools: [getWeather] })).toEqual([
      {
        role: 'system',
        content:
          'Your input fields are:\n1. `question` (str): \n2. `tools` (list[Tool]):\nYour output fields are:\n1. `answer` (str): \n2. `tool_calls` (ToolCalls): \n    Type description of ToolCalls: Tool calls must be a JSON object with `tool_calls`, a list of calls. Each call must include `name` and `args`. Example: {"tool_calls": [{"name": "search", "args": {"query": "cats"}}]}\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## tools ## ]]\n{tools}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## tool_calls ## ]]\n{tool_calls}        # note: the value you produce must adhere to the JSON schema: {"type": "object", "$defs": {"ToolCall": {"type": "object", "properties": {"args": {"type": "object", "additionalProperties": true, "title": "Args"}, "name": {"type": "string", "title": "Name"}}, "required": ["name", "args"], "title": "ToolCall"}}, "properties": {"tool_calls": {"type": "array", "items": {"$ref": "#/$defs/ToolCall"}, "title": "Tool Calls"}}, "required": ["tool_calls"], "title": "ToolCalls"}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, `tools`, produce the fields `answer`, `tool_calls`.',
      },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nWeather?\n\n[[ ## tools ## ]]\n["get_weather, whose description is <desc>Get the weather for a city.</desc>. It takes arguments {\'city\': {\'type\': \'string\'}}."]\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, then `[[ ## tool_calls ## ]]` (must be a JSON object like {"tool_calls": [{"name": "...", "args": {...}}]}), and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });

  it('are typed from the signature string', () => {
    expectTypeOf(signature).toEqualTypeOf<
      Signature<{ question: string; tools: Tool[] }, { answer: string; tool_calls: ToolCalls }>
    >();
  });

  it('are parsed from the object form and the list form', async () => {
    const adapter = new ChatAdapter();
    for (const calls of [
      '{"tool_calls": [{"name": "get_weather", "args": {"city": "Paris"}}]}',
      '[{"name": "get_weather", "args": {"city": "Paris"}}]',
    ]) {
      const values = adapter.parse(
        signature,
        `[[ ## answer ## ]]\nok\n\n[[ ## tool_calls ## ]]\n${calls}\n\n[[ ## completed ## ]]`,
      );
      expect(values.answer).toBe('ok');
      expect(values.tool_calls).toBeInstanceOf(ToolCalls);
      expect((values.tool_calls as ToolCalls).toolCalls).toEqual([
        { name: 'get_weather', args: { city: 'Paris' } },
      ]);
      expect(await (values.tool_calls as ToolCalls).execute([getWeather])).toEqual(['sunny in Paris']);
    }
    expect(() =>
      adapter.parse(
        signature,
        '[[ ## answer ## ]]\nok\n\n[[ ## tool_calls ## ]]\nnone\n\n[[ ## completed ## ]]',
      ),
    ).toThrow(/tool_calls/);
  });

  it("reads OpenAI's tool_calls shape and writes DSPy's in demos", () => {
    const calls = ToolCalls.from([
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Rome"}' } },
    ]);
    expect(calls?.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', args: { city: 'Rome' } }]);
    // DSPy 3.3.1: JSONAdapter().format(sig, demos=[{..., "tool_calls": ToolCalls.from_dict_list([...])}], ...)[2]
    // (ToolCalls.serialize_model → {"tool_calls": [{"name", "args"}]}, dumped with indent=2)
    const demo = { question: 'q', tools: [getWeather], answer: 'a', tool_calls: calls };
    const messages = new JSONAdapter().format(signature, [demo], { question: 'x', tools: [getWeather] });
    expect(messages[2]!.content).toBe(
      '{\n  "answer": "a",\n  "tool_calls": {\n    "tool_calls": [\n      {\n        "name": "get_weather",\n        "args": {\n          "city": "Rome"\n        }\n      }\n    ]\n  }\n}',
    );
  });
});
