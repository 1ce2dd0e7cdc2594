import { describe, expect, it } from 'vitest';
import { parseConcurrencyArgs } from './concurrency-args.ts';

describe('parseConcurrencyArgs', () => {
  it('has the issue’s defaults', () => {
    expect(parseConcurrencyArgs([])).toMatchObject({
      streams: [1, 2, 4, 8, 16],
      shapes: ['smollm2-135m', 'qwen2.5-0.5b'],
      type: 'Q8_0',
      threads: 2,
      peer: true,
      lookup: true,
      prompts: 'warm',
      trace: false,
      help: false,
    });
  });

  it('reads every option', () => {
    const args = parseConcurrencyArgs([
      '--streams',
      '1,8',
      '--shape',
      'smollm2-135m',
      '--peer',
      'none',
      '--lookup',
      'off',
      '--gen',
      '16',
      '--prompts',
      'cold',
      '--trace',
      'on',
    ]);
    expect(args).toMatchObject({
      streams: [1, 8],
      shapes: ['smollm2-135m'],
      peer: false,
      lookup: false,
      gen: 16,
      prompts: 'cold',
      trace: true,
    });
  });

  it('asks for help without starting a run', () => {
    expect(parseConcurrencyArgs(['--help']).help).toBe(true);
  });

  it.each([
    [['--streams', '1,x'], '--streams must be a positive integer, got "x"'],
    [['--shape', 'gpt5'], 'unknown shape "gpt5"'],
    [['--peer', 'vllm'], '--peer must be llama.cpp or none'],
    [['--lookup', 'maybe'], '--lookup must be on or off'],
    [['--prompts', 'hot'], '--prompts must be warm or cold'],
    [['--trace', 'yes'], '--trace must be on or off'],
    [['--fast', '1'], 'unknown option --fast'],
    [['--gen'], '--gen needs a value'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseConcurrencyArgs(argv)).toThrow(message);
  });
});
