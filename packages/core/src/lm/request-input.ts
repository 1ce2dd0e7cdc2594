import type { LMRequest } from './base-lm.js';
import type { Message } from './lm.js';

/** What a request holds, in the form `countTokens` takes: the messages of a chat, or the prompt. */
export function requestInput(request: LMRequest): string | Message[] {
  return request.kind === 'chat' ? request.messages : request.prompt;
}

/** The request `countTokens` input stands for: a string is a completion prompt, messages a chat. */
export function requestFromInput(input: string | Message[]): LMRequest {
  return typeof input === 'string'
    ? { kind: 'completion', prompt: input }
    : { kind: 'chat', messages: input };
}
