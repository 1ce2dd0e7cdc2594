import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type MockHub, startMockHub } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelPath } from './backends.js';
import { reportCliError, runCli } from './run-cli.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

/** Runs the CLI as cli.ts does: the exit code, stdout and stderr. */
async function cli(...argv: string[]) {
  const [stdout, stderr] = [sink(), sink()];
  const io = { stdout: stdout.stream, stderr: stderr.stream };
  const code = await runCli(argv, io).catch((error: unknown) => reportCliError(error, io.stderr));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('x-playground --help', () => {
  it.each([
    [['--help'], 'usage: x-playground <command>'],
    [['-h'], 'usage: x-playground <command>'],
    [['help', 'web'], 'usage: x-playground web'],
    [['run', '--help'], 'usage: x-playground run'],
    [['run', 'question -> answer', '-h'], 'usage: x-playground run'],
    [['serve', '--help'], 'usage: x-playground serve'],
    [['web', '--help'], 'usage: x-playground web'],
  ])('%j prints help and exits 0', async (argv, expected) => {
    const { code, stdout, stderr } = await cli(...argv);
    expect(code).toBe(0);
    expect(stdout).toContain(expected);
    expect(stderr).toBe('');
  });

  it('prints the commands to stderr and exits 2 without a command', async () => {
    const { code, stderr } = await cli();
    expect(code).toBe(2);
    expect(stderr).toContain('commands:');
  });
});

describe('x-playground errors', () => {
  it.each([
    [
      ['run', 'question ->', '--question', 'hi'],
      /^x-playground: a signature needs at least one output field/,
    ],
    [
      ['run', 'question -> answer', '--question', 'hi', '--max-tokens', 'abc'],
      /--max-tokens must be an integer/,
    ],
    [
      ['run', 'question -> answer', '--question', 'hi', '--temperature', '-1'],
      /--temperature must be a number ≥ 0/,
    ],
    [['run', 'question -> answer', '--question', 'hi', '--max-token', '5'], /unknown option --max-token/],
    [['run', 'question -> answer'], /missing input --question/],
    [['run', 'question -> answer', '--question'], /option --question needs a value/],
    [['run', 'q -> a', '--q', 'x', '--backend', 'gpu'], /unknown backend "gpu"/],
    [['serve', '--port', '70000'], /--port must be an integer ≥ 0 and ≤ 65535/],
    [['serve', '--kv-memory', 'lots'], /--kv-memory must be a size such as 1MiB or 4GB, got "lots"/],
    [['serve', '--kv-memory=0'], /--kv-memory must be at least 1 bytes/],
    [['run', 'q -> a', '--q', 'x', '--kv-memory', '-5MiB'], /--kv-memory must be a size/],
    [['launch'], /unknown command "launch"/],
  ])('%j fails with one line and exit 2, before any model is loaded', async (argv, message) => {
    const [command, ...rest] = argv;
    const { code, stdout, stderr } = await cli(command!, '--model', '/no/such/model.gguf', ...rest);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('passes --kv-memory to the LM: a run larger than the budget fails with OutOfMemoryError', async () => {
    const argv = ['run', 'question -> answer', '--question', 'hi', '--backend', 'reference'];
    const { code, stdout } = await cli(...argv, '--kv-memory', '2KiB');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /OutOfMemoryError \(X_OUT_OF_MEMORY\): the request needs \d+ tokens .*\(2048 bytes, 1 tokens\)/,
    );
  });

  it('lists --kv-memory in the help of serve and run', async () => {
    for (const command of ['serve', 'run'])
      expect((await cli(command, '--help')).stdout).toContain('--kv-memory <size>');
  });

  it('reports a runtime failure as one line with exit 1', () => {
    const [stderr] = [sink()];
    const code = reportCliError(new TypeError('boom\n    at somewhere'), stderr.stream);
    expect(code).toBe(1);
    expect(stderr.text()).toBe('x-playground: TypeError: boom\n');
  });
});

describe('x-playground run --json and hf: models', () => {
  let hub: MockHub;
  let cacheDir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    hub = await startMockHub({ repos: { 'karpathy/stories': { 'stories260K.gguf': defaultModelPath } } });
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'x-cli-hub-'));
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.X_CACHE_DIR = cacheDir;
  });
  afterAll(async () => {
    process.env = saved;
    await hub.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('prints one JSON object with the outcome and the raw text, from a model fetched by name', async () => {
    const model = 'hf:karpathy/stories/stories260K.gguf';
    const argv = [
      'run',
      'question -> answer',
      '--question',
      'Who?',
      '--max-tokens',
      '8',
      '--backend',
      'reference',
    ];
    const { code, stdout } = await cli(...argv, '--model', model, '--json');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const body = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(body).toMatchObject({ model, backend: 'reference', signature: 'question -> answer' });
    expect(typeof body.rawText).toBe('string');
    expect((body.rawText as string).length).toBeGreaterThan(0);
    expect('prediction' in body || 'parseError' in body).toBe(true);
    expect(hub.requests.some((request) => request.path.endsWith('stories260K.gguf'))).toBe(true);
  });
});
