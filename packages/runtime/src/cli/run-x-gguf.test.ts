import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GGMLType } from '../gguf/ggml-type.js';
import { readGGUF } from '../gguf/read-gguf.js';
import { runXGguf } from './run-x-gguf.js';

const tmp = await mkdtemp(path.join(tmpdir(), 'x-gguf-cli-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const out: string[] = [];
  const error: string[] = [];
  const code = await runXGguf(argv, { out: (line) => out.push(line), error: (line) => error.push(line) });
  return { code, out: out.join('\n'), error: error.join('\n') };
}

describe('x-gguf', () => {
  it('synth writes the requested shape and type, and info lists it', async () => {
    const file = path.join(tmp, 'tiny.gguf');
    const synth = await run(
      'synth',
      '--shape',
      'tiny-llama',
      '--type',
      'Q8_0',
      '--seed',
      '3',
      '--layers',
      '1',
      '-o',
      file,
    );
    expect(synth.code).toBe(0);
    expect(synth.out).toMatch(/1 layers, vocab 320/);
    const header = await readGGUF(file);
    expect(header.metadata['llama.block_count']).toBe(1);
    expect(header.tensors.find((t) => t.name === 'blk.0.attn_q.weight')?.type).toBe(GGMLType.Q8_0);
    const info = await run('info', file);
    expect(info.code).toBe(0);
    expect(info.out).toMatch(/llama\.block_count = 1/);
    expect(info.out).toMatch(/tokenizer\.ggml\.tokens = \["<unk>", "<s>", "<\/s>", "<0x00>", … 320 items\]/);
    expect(info.out).toMatch(/Q8_0 9, F32 3/);
  });

  it("synth accepts llama.cpp's Q4_K_M mix", async () => {
    const file = path.join(tmp, 'tiny-q4km.gguf');
    const synth = await run('synth', '--shape', 'tiny-llama', '--type', 'Q4_K_M', '-o', file);
    expect(synth.code).toBe(0);
    expect(synth.out).toMatch(/, Q4_K_M, in /);
    const header = await readGGUF(file);
    expect(header.metadata['general.file_type']).toBe(15);
    const type = (name: string) => header.tensors.find((t) => t.name === name)?.type;
    expect(type('blk.0.ffn_down.weight')).toBe(GGMLType.Q4_K);
    expect(type('blk.1.ffn_down.weight')).toBe(GGMLType.Q6_K);
    expect((await run('--help')).out).toMatch(/types: .*BF16, Q4_K_M$/m);
  });

  it('synth draws a progress bar of the weights written on a terminal, and none elsewhere', async () => {
    const file = path.join(tmp, 'tiny-progress.gguf');
    const args = ['synth', '--shape', 'tiny-llama', '--layers', '1', '-o', file];
    const frames: string[] = [];
    const terminal = { isTTY: true, columns: 100, write: (text: string) => frames.push(text) };
    const io = { out: () => {}, error: () => {}, progress: terminal };
    expect(await runXGguf(args, io)).toBe(0);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.at(-2)).toMatch(
      /^\r\x1b\[2Ktiny-progress\.gguf █+ 100% {2}0\.\dM \/ 0\.\dM weights {2}ETA 0:00$/,
    );
    expect(frames.at(-1)).toBe('\n');
    const piped: string[] = [];
    const pipe = { isTTY: false, write: (text: string) => piped.push(text) };
    expect(await runXGguf(args, { ...io, progress: pipe })).toBe(0);
    expect(piped).toEqual([]);
  });

  it('answers bad arguments with usage and exit code 2, bad files with 1', async () => {
    expect((await run('synth', '--shape', 'nope', '-o', 'x.gguf')).code).toBe(2);
    expect((await run('synth', '--shape', 'tiny-llama', '--type', 'Q3_K', '-o', 'x.gguf')).error).toMatch(
      /unsupported type/,
    );
    expect((await run('synth', '--shape', 'tiny-llama', '--bogus', '-o', 'x.gguf')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    const notGGUF = await run('info', path.join(import.meta.dirname, 'run-x-gguf.ts'));
    expect(notGGUF.code).toBe(1);
    expect(notGGUF.error).toMatch(/not a GGUF file/);
    expect((await run('--help')).out).toMatch(/shapes: smollm2-135m, qwen2.5-0.5b/);
    const twoFiles = await run('info', 'a.gguf', 'b.gguf');
    expect(twoFiles.code).toBe(2);
    expect(twoFiles.error).toMatch(/^x-gguf: info needs exactly one file/);
  });

  it.each([
    [['--help']],
    [['-h']],
    [['help']],
    [['synth', '--help']],
    [['synth', '--shape', 'tiny-llama', '-h']],
    [['info', '--help']],
  ])('%j prints the usage and exits 0 without doing anything', async (argv) => {
    const { code, out, error } = await run(...argv);
    expect(code).toBe(0);
    expect(out).toMatch(/^usage:\n {2}x-gguf synth/);
    expect(error).toBe('');
  });
});
