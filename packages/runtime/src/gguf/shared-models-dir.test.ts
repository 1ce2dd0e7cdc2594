import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedModelsDir } from './shared-models-dir.js';

describe('sharedModelsDir', () => {
  it('finds the shared test models beside the repository (or under $X_SHARED_DIR)', () => {
    expect(path.basename(sharedModelsDir)).toBe('models');
    expect(existsSync(path.join(sharedModelsDir, 'stories260K.gguf'))).toBe(true);
  });
});
