import { parseToolCall, type ToolMode } from './tool-call-constraint.js';

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * A choice's text written under the tool grammar as OpenAI's reply: the call as `tool_calls`
 * (finish_reason `tool_calls`), or, for a plain-text answer under `auto`, undefined.
 */
export function toolCallReply(text: string, mode: ToolMode, id: string): OpenAIToolCall | undefined {
  const call = parseToolCall(text, mode);
  return call && { id, type: 'function', function: call };
}

/**
 * Whether a streamed answer under the tool grammar may still become a call: it may until its first
 * character other than whitespace is written, and stays one once that character is `{`.
 */
export function mayBeToolCall(textSoFar: string): boolean {
  const first = textSoFar.trimStart()[0];
  return first === undefined || first === '{';
}
