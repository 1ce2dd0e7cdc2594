import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './parse-cli-args.js';

describe('parseCliArgs', () => {
  it('takes any --name value pair, --name=value, flags and positionals', () => {
    const args = parseCliArgs(
      ['run', 'question -> answer', '--question', 'What is 2+2? --no', '--cot', '--threads=2'],
      new Set(['cot']),
    );
    expect(args.positionals).toEqual(['run', 'question -> answer']);
    expect(args.options).toEqual({ question: 'What is 2+2? --no', threads: '2' });
    expect([...args.flags]).toEqual(['cot']);
  });

  it('rejects an option without its value', () => {
    expect(() => parseCliArgs(['--model'], new Set())).toThrow(/--model needs a value/);
  });

  it('reads --help and -h as the help flag wherever they stand', () => {
    expect([...parseCliArgs(['x -> y', '-h'], new Set()).flags]).toEqual(['help']);
    expect(parseCliArgs(['--help', '--x', '1'], new Set())).toMatchObject({ options: { x: '1' } });
  });
});
