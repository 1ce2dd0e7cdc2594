export { AbortError, throwIfAborted } from './abort-error.js';
export { AdapterParseError } from './adapter-parse-error.js';
export { ContextLengthError } from './context-length-error.js';
export { GrammarError } from './grammar-error.js';
export { LMError } from './lm-error.js';
export { ModelFormatError } from './model-format-error.js';
export { QueueFullError } from './queue-full-error.js';
export { UnsupportedError } from './unsupported-error.js';
export { XError, type XErrorOptions } from './x-error.js';
