import { SignatureError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { describeSignature } from './describe-signature.js';

describe('describeSignature', () => {
  it('lists input and output fields with their DSPy type names', () => {
    const description = describeSignature('question, context: list[str] -> answer: int');
    expect(description.inputs).toEqual([
      { name: 'question', type: 'str', desc: '' },
      { name: 'context', type: 'list[str]', desc: '' },
    ]);
    expect(description.outputs).toEqual([{ name: 'answer', type: 'int', desc: '' }]);
    expect(description.instructions).toContain('`question`');
  });

  it.each(['question', 'a b -> c', 'question ->'])('rejects %j with a SignatureError', (spec) => {
    expect(() => describeSignature(spec)).toThrow(SignatureError);
  });
});
