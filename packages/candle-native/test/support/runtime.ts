// Runtime parts the tests compare against. Imported by package name once the runtime index exports them.
export { loadReferenceEngine } from '../../../runtime/src/reference/load-reference-engine.js';
