import { describe, expect, it } from 'vitest';
import { StopMatcher } from './stop-matcher.js';

function run(stops: string[], chunks: string[]): { emitted: string[]; stopped: boolean; rest: string } {
  const matcher = new StopMatcher(stops);
  const emitted: string[] = [];
  for (const chunk of chunks) {
    const { text, stopped } = matcher.push(chunk);
    if (text) emitted.push(text);
    if (stopped) return { emitted, stopped, rest: matcher.flush() };
  }
  return { emitted, stopped: false, rest: matcher.flush() };
}

describe('StopMatcher', () => {
  it('finds a stop string split across chunks and emits nothing of it', () => {
    expect(run(['\n\n'], ['Hello', '\n', '\n', 'more'])).toEqual({
      emitted: ['Hello'],
      stopped: true,
      rest: '',
    });
    expect(run(['END'], ['abE', 'N', 'Dzz'])).toEqual({ emitted: ['ab'], stopped: true, rest: '' });
  });

  it('holds back a possible prefix and releases it when it turns out not to be one', () => {
    expect(run(['END'], ['abE', 'x'])).toEqual({ emitted: ['ab', 'Ex'], stopped: false, rest: '' });
    expect(run(['END'], ['abEN'])).toEqual({ emitted: ['ab'], stopped: false, rest: 'EN' });
  });

  it('stops at the earliest of several stop strings', () => {
    expect(run(['world', 'lo w'], ['hello world'])).toEqual({ emitted: ['hel'], stopped: true, rest: '' });
  });

  it('handles a stop string inside one chunk and repeated prefix characters', () => {
    expect(run(['aab'], ['xa', 'a', 'a', 'b'])).toEqual({ emitted: ['x', 'a'], stopped: true, rest: '' });
  });

  it('passes everything through without stop strings', () => {
    expect(run([], ['a', 'b'])).toEqual({ emitted: ['a', 'b'], stopped: false, rest: '' });
    expect(run([''], ['a'])).toEqual({ emitted: ['a'], stopped: false, rest: '' });
  });
});
