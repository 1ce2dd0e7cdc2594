// A separate entry so that `@x/runtime/testing` does not need node-llama-cpp (an optional peer).
export { llamaCppBos, llamaCppGreedy } from '../engine/testing/llama-cpp-greedy.js';
