import { describe, expect, it } from 'vitest';
import { benchHelp, parseBenchArgs, pickCases } from './bench-args.ts';
import { caseName, engineCases } from './engine-cases.ts';

describe('pnpm bench arguments', () => {
  it('has defaults and reads every option', () => {
    expect(parseBenchArgs([])).toEqual({
      runs: 3,
      threads: 2,
      prompt: 512,
      gen: 64,
      cases: '',
      json: false,
      help: false,
    });
    expect(parseBenchArgs(['--runs', '5', '--gen', '8', '--json', '--cases', 'Q8_0'])).toMatchObject({
      runs: 5,
      gen: 8,
      json: true,
      cases: 'Q8_0',
    });
  });

  it('reads --help and lists every case in the help', () => {
    expect(parseBenchArgs(['--help']).help).toBe(true);
    expect(parseBenchArgs(['-h']).help).toBe(true);
    for (const c of engineCases) expect(benchHelp).toContain(caseName(c));
  });

  it.each([
    [['--runs', 'abc'], /--runs must be a positive integer, got "abc"/],
    [['--threads', '0'], /--threads must be a positive integer/],
    [['--gen'], /--gen needs a value/],
    [['--fast'], /unknown option --fast/],
    [['--cases', 'gpt-5'], /matches no case/],
  ])('rejects %j before any run', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it('picks cases by full name or by part of one', () => {
    expect(pickCases('smollm2-135m Q4_K').map(caseName)).toEqual(['smollm2-135m Q4_K']);
    expect(pickCases('Q4_K').map(caseName)).toEqual([
      'smollm2-135m Q4_K',
      'tinyllama-1.1b Q4_K',
      'tinyllama-1.1b Q4_K_M',
    ]);
    expect(pickCases('')).toHaveLength(engineCases.length);
  });
});
