import { describe, expect, it } from 'vitest';
import { ChatAdapter } from '../adapters/chat-adapter.js';
import { JSONAdapter } from '../adapters/json-adapter.js';
import { outputJsonSchema } from '../adapters/output-json-schema.js';
import { Signature } from '../signature/signature.js';
import { buildRequestBody } from './build-request-body.js';

const signature = Signature.from('question -> answer: int');
const chat = { kind: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('buildRequestBody response_format', () => {
  it("sends a JSON constraint's schema as a strict json_schema response_format", () => {
    const constraint = new JSONAdapter().outputConstraint(signature);
    const body = buildRequestBody('m', chat, { constraint }, false);
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'JSONAdapter', schema: outputJsonSchema(signature), strict: true },
    });
  });

  it('sends nothing for a grammar that is not JSON, for constrain: false, or for a raw completion', () => {
    const chatConstraint = new ChatAdapter().outputConstraint(signature);
    expect(
      buildRequestBody('m', chat, { constraint: chatConstraint }, false).response_format,
    ).toBeUndefined();
    const constraint = new JSONAdapter().outputConstraint(signature);
    expect(
      buildRequestBody('m', chat, { constraint, constrain: false }, false).response_format,
    ).toBeUndefined();
    const completion = { kind: 'completion' as const, prompt: 'x' };
    expect(buildRequestBody('m', completion, { constraint }, false).response_format).toBeUndefined();
  });
});
