export { Tool, type ToolDefinition, type ToolOptions } from './tool.js';
export { type ToolCall, ToolCalls, toolCallsJsonSchema } from './tool-calls.js';
export { ToolError } from './tool-error.js';
