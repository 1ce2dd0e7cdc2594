import { describe, expect, it } from 'vitest';
import { parseOptimizerArgs } from './optimizer-args.ts';

describe('parseOptimizerArgs', () => {
  it('keeps the defaults and skips --optimizer', () => {
    expect(parseOptimizerArgs(['--optimizer'])).toEqual({
      threads: 2,
      train: 50,
      dev: 50,
      candidates: 3,
      concurrency: 8,
      bootstrapped: 4,
      labeled: 16,
      only: '',
      type: 'Q4_K',
      trace: false,
      help: false,
    });
  });

  it('reads every option', () => {
    const args = parseOptimizerArgs([
      '--threads',
      '1',
      '--train',
      '10',
      '--only',
      'serial',
      '--type',
      'Q8_0',
      '--bootstrapped',
      '2',
      '--labeled',
      '4',
      '--trace',
    ]);
    expect(args).toMatchObject({
      threads: 1,
      train: 10,
      only: 'serial',
      type: 'Q8_0',
      bootstrapped: 2,
      labeled: 4,
      trace: true,
    });
  });

  it('asks for help without starting a run', () => {
    expect(parseOptimizerArgs(['--optimizer', '--help']).help).toBe(true);
  });

  it.each([
    [['--threads', 'abc'], '--threads must be a positive integer, got "abc"'],
    [['--dev', '0'], '--dev must be a positive integer'],
    [['--only', 'both'], '--only must be batched or serial'],
    [['--fast'], '--fast needs a value'],
    [['--fast', '1'], 'unknown option --fast'],
    [['--train'], '--train needs a value'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseOptimizerArgs(argv)).toThrow(message);
  });
});
