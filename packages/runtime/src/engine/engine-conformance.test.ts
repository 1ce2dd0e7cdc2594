import path from 'node:path';
import { FakeEngine } from '../generation/testing/fake-engine.js';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadReferenceEngine } from '../reference/load-reference-engine.js';
import { describeEngineConformance } from './testing/describe-engine-conformance.js';

const stories = path.join(sharedModelsDir, 'stories260K.gguf');

describeEngineConformance('reference', {
  open: () => loadReferenceEngine(stories, { contextLength: 64 }),
});

describeEngineConformance('fake', {
  open: async () => new FakeEngine({ vocabSize: 64, contextLength: 32 }),
});

describeEngineConformance('fake with forwardArgmax', {
  open: async () => new FakeEngine({ vocabSize: 64, contextLength: 32, argmax: true }),
});
