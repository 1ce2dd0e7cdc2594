export { countWords } from './count-words.js';
export {
  type ScriptedCall,
  ScriptedLM,
  type ScriptedLMOptions,
  type ScriptedResponder,
  type ScriptedResponse,
  type ScriptedTurn,
} from './scripted-lm.js';
