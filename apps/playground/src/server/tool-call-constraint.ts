import {
  GrammarError,
  type GrammarNode,
  grammar,
  type JsonSchema,
  jsonSchemaGrammar,
  type Message,
} from '@x/core';

export interface ToolSpec {
  name: string;
  description?: string;
  parameters: JsonSchema | boolean;
}

/** How a chat request with `tools` is answered: the output grammar and the tools it may call. */
export interface ToolMode {
  tools: ToolSpec[];
  /** `required` or a named function: the answer is always a tool call. */
  required: boolean;
  grammar: GrammarNode;
}

/**
 * OpenAI's `tools` and `tool_choice` as a grammar. A call is written as
 * `{"name": "<function>", "arguments": {…}}` with the arguments valid against the function's
 * parameters; `auto` also allows plain text that does not open with `{`. `none` (or no tools) is
 * no tool mode at all. Throws GrammarError for malformed tools or an unknown function name.
 */
export function toolMode(tools: unknown, toolChoice: unknown): ToolMode | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools) || tools.length === 0) throw new GrammarError('tools must be a non-empty array');
  const specs = tools.map((tool, i): ToolSpec => {
    const fn = (
      tool as { type?: unknown; function?: { name?: unknown; description?: unknown; parameters?: unknown } }
    ).function;
    if ((tool as { type?: unknown }).type !== 'function' || typeof fn?.name !== 'string')
      throw new GrammarError(`tools[${i}] must be {type: 'function', function: {name, parameters}}`);
    return {
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      parameters: (fn.parameters as JsonSchema | undefined) ?? { type: 'object' },
    };
  });
  const choice = toolChoice ?? 'auto';
  if (choice === 'none') return undefined;
  let callable = specs;
  if (typeof choice === 'object') {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    callable = specs.filter((spec) => spec.name === name);
    if (callable.length === 0)
      throw new GrammarError(`tool_choice names an unknown function ${JSON.stringify(name)}`);
  } else if (choice !== 'auto' && choice !== 'required') {
    throw new GrammarError(
      `tool_choice must be none, auto, required or a function, got ${JSON.stringify(choice)}`,
    );
  }
  const { seq, alt, literal, whitespace, noneOf, repeat } = grammar;
  const ws = whitespace(8);
  const call = alt(
    ...callable.map((spec) =>
      seq(
        literal('{'),
        ws,
        literal(`"name"`),
        ws,
        literal(':'),
        ws,
        literal(JSON.stringify(spec.name)),
        ws,
        literal(','),
        ws,
        literal('"arguments"'),
        ws,
        literal(':'),
        ws,
        jsonSchemaGrammar(spec.parameters),
        ws,
        literal('}'),
      ),
    ),
  );
  const required = choice !== 'auto';
  const text = seq(noneOf('{ \t\n\r'), repeat(noneOf(''), 0));
  return { tools: specs, required, grammar: seq(ws, required ? call : alt(call, text), ws) };
}

/** The request's messages with a system note that lists the tools and how to call one. */
export function withToolPrompt(messages: Message[], mode: ToolMode): Message[] {
  const lines = mode.tools.map(
    (tool) =>
      `- ${tool.name}${tool.description ? `: ${tool.description}` : ''}; arguments schema: ${JSON.stringify(tool.parameters)}`,
  );
  const note =
    `You can call these functions:\n${lines.join('\n')}\n` +
    `To call one, answer with only {"name": <function name>, "arguments": <arguments object>}.` +
    (mode.required ? ' You must call one.' : ' Otherwise answer in plain text.');
  const [first, ...rest] = messages;
  if (first?.role === 'system') return [{ role: 'system', content: `${first.content}\n\n${note}` }, ...rest];
  return [{ role: 'system', content: note }, ...messages];
}

/** The tool call in an answer written under `mode`'s grammar, or undefined for a plain-text answer. */
export function parseToolCall(text: string, mode: ToolMode): { name: string; arguments: string } | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(trimmed) as { name?: unknown; arguments?: unknown };
    if (typeof value.name !== 'string' || !mode.tools.some((tool) => tool.name === value.name))
      return undefined;
    return { name: value.name, arguments: JSON.stringify(value.arguments ?? {}) };
  } catch {
    return undefined;
  }
}
