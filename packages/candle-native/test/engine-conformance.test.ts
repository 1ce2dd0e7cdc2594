import { loadReferenceEngine } from '@x/runtime';
import { describeEngineConformance } from '@x/runtime/testing';
import { loadEngine } from '../src/engine/load-engine.js';
import { storiesPath } from './support/paths.js';

describeEngineConformance('candle-native (cpu)', {
  open: () => loadEngine(storiesPath, { contextLength: 64, threads: 1 }),
  reference: () => loadReferenceEngine(storiesPath, { contextLength: 64 }),
});
