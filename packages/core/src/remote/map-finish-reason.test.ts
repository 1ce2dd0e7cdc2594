import { describe, expect, it } from 'vitest';
import { mapFinishReason } from './map-finish-reason.js';

describe('mapFinishReason', () => {
  it('maps OpenAI reasons to ours', () => {
    expect(
      ['stop', 'length', 'tool_calls', 'content_filter', 'abort', 'error', null, undefined].map(
        mapFinishReason,
      ),
    ).toEqual(['stop', 'length', 'stop', 'stop', 'abort', 'error', 'stop', 'stop']);
  });
});
