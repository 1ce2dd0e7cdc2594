import { describe, expect, it } from 'vitest';
import { contextHelp, parseContextArgs } from './context-args.ts';

describe('parseContextArgs', () => {
  it('defaults to 128…8192 tokens on the SmolLM2 shape, every engine', () => {
    expect(parseContextArgs([])).toMatchObject({
      lengths: [128, 512, 2048, 8192],
      shapes: ['smollm2-135m'],
      engines: ['x candle-native', 'x onnx', 'llama.cpp'],
      help: false,
    });
  });

  it('reads lists and numbers, and always keeps llama.cpp for the ratios', () => {
    const args = parseContextArgs([
      '--lengths',
      '64,256',
      '--engines',
      'x onnx',
      '--gen',
      '8',
      '--shapes',
      'qwen2.5-0.5b',
    ]);
    expect(args).toMatchObject({
      lengths: [64, 256],
      engines: ['x onnx', 'llama.cpp'],
      gen: 8,
      shapes: ['qwen2.5-0.5b'],
    });
  });

  it('refuses typos before any run starts', () => {
    expect(() => parseContextArgs(['--lenghts', '64'])).toThrow(/unknown option --lenghts/);
    expect(() => parseContextArgs(['--lengths', '64,x'])).toThrow(/positive integer/);
    expect(() => parseContextArgs(['--engines', 'vllm'])).toThrow(/unknown engine/);
    expect(() => parseContextArgs(['--shapes', 'gpt-5'])).toThrow(/unknown shape/);
    expect(() => parseContextArgs(['--runs'])).toThrow(/needs a value/);
  });

  it('has help that names every option', () => {
    expect(parseContextArgs(['--help']).help).toBe(true);
    for (const flag of ['--lengths', '--shapes', '--type', '--engines', '--runs', '--threads', '--gen'])
      expect(contextHelp).toContain(flag);
  });
});
