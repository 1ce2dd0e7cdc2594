export type { Adapter, AdapterCallOptions, AdapterCallResult, Demo, HistoryTurn } from './adapter.js';
export { BaseAdapter } from './base-adapter.js';
export { ChatAdapter, type ChatAdapterOptions } from './chat-adapter.js';
export { coerceValue, parseFieldText } from './coerce-value.js';
export { type FieldDelta, FieldStreamParser, streamFields } from './field-stream-parser.js';
export { formatFieldValue } from './format-field-value.js';
export { JSONAdapter } from './json-adapter.js';
export { parseLooseLiteral } from './loose-literal.js';
export { outputJsonSchema } from './output-json-schema.js';
