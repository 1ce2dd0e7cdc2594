/**
 * Test doubles: `ScriptedLM`, an LM that answers from a script, for tests without a model.
 *
 * @module @x/core/testing
 */
export * from './testing/index.js';
