import type { FinishReason } from '../lm/lm.js';

/** Maps an OpenAI-style `finish_reason` to ours; servers that leave it out finished normally. */
export function mapFinishReason(reason: unknown): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'abort':
      return 'abort';
    case 'error':
      return 'error';
    default:
      return 'stop';
  }
}
