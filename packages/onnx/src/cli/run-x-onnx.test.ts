import { describe, expect, it } from 'vitest';
import { runXOnnx } from './run-x-onnx.js';

async function run(argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runXOnnx(argv, (line) => lines.push(line));
  return { code, text: lines.join('\n') };
}

describe('x-onnx command line', () => {
  it.each([
    [[]],
    [['--help']],
    [['export', '--help']],
    [['cache', '--help']],
    [['export', 'a.gguf', 'out', '-h']],
  ])('%j prints the usage and exits 0', async (argv) => {
    const { code, text } = await run(argv);
    expect(code).toBe(0);
    expect(text).toContain('usage: x-onnx export');
  });

  it('exits 2 with the usage for an unknown command or missing arguments', async () => {
    expect(await run(['convert'])).toMatchObject({ code: 2, text: expect.stringContaining('usage:') });
    expect(await run(['export', 'only-one.gguf'])).toMatchObject({ code: 2 });
  });

  it('rejects bad option values before reading the model', async () => {
    expect(await run(['export', 'missing.gguf', 'out', '--max-positions', 'abc'])).toEqual({
      code: 2,
      text: '--max-positions must be a positive integer, got abc',
    });
    expect(await run(['export', 'missing.gguf', 'out', '--dtype', 'int4'])).toEqual({
      code: 2,
      text: '--dtype must be f32 or f16, got int4',
    });
  });
});
