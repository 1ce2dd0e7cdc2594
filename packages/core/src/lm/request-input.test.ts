import { describe, expect, it } from 'vitest';
import type { Message } from './lm.js';
import { requestFromInput, requestInput } from './request-input.js';

describe('requestInput / requestFromInput', () => {
  const messages: Message[] = [{ role: 'user', content: 'hi' }];

  it('reads the prompt or the messages a request holds', () => {
    expect(requestInput({ kind: 'completion', prompt: 'p' })).toBe('p');
    expect(requestInput({ kind: 'chat', messages })).toBe(messages);
  });

  it('turns countTokens input back into the same request', () => {
    expect(requestFromInput('p')).toEqual({ kind: 'completion', prompt: 'p' });
    expect(requestFromInput(messages)).toEqual({ kind: 'chat', messages });
    expect(requestInput(requestFromInput(messages))).toBe(messages);
  });
});
