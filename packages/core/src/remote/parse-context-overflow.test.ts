import { describe, expect, it } from 'vitest';
import { parseContextOverflow } from './parse-context-overflow.js';

describe('parseContextOverflow', () => {
  it('reads newer vLLM wording', () => {
    const message =
      "'max_tokens' or 'max_completion_tokens' is too large: 100. This model's maximum context length is 2048 tokens and your request has 2000 input tokens (100 > 2048 - 2000).";
    expect(parseContextOverflow({ error: { message, type: 'BadRequestError', code: 400 } })).toEqual({
      contextLength: 2048,
      promptTokens: 2000,
      maxTokens: undefined,
    });
  });

  it('recognizes the code alone and a plain string error', () => {
    expect(parseContextOverflow({ error: { message: 'too long', code: 'context_length_exceeded' } })).toEqual(
      {
        contextLength: undefined,
        promptTokens: undefined,
        maxTokens: undefined,
      },
    );
    expect(
      parseContextOverflow({ error: 'the prompt is longer than the maximum model length of 512' }),
    ).toMatchObject({
      contextLength: 512,
    });
  });

  it('ignores other errors', () => {
    expect(
      parseContextOverflow({ error: { message: 'invalid temperature', code: 'invalid_value' } }),
    ).toBeUndefined();
    expect(parseContextOverflow('Internal Server Error')).toBeUndefined();
    expect(parseContextOverflow(null)).toBeUndefined();
  });
});
