import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nativeAddonPath } from '../src/native/native-binding.js';
import { storiesPath } from './support/paths.js';

// Each script starts a long forward and tears its environment down while the forward runs; the env
// cleanup hook must stop the worker thread and free the context without a crash.
const startForward = `
  const addon = require(process.env.ADDON);
  async function start() {
    const model = await addon.loadModel(process.env.MODEL);
    const context = new addon.AddonContext(model, { contextLength: 256, threads: 1 });
    const seq = context.createSequence();
    context.forward([{ seq, tokens: new Int32Array(250).fill(7), all: true }]);
    return context;
  }`;

function runNode(script: string) {
  return spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, ADDON: nativeAddonPath(), MODEL: storiesPath },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('environment teardown with a forward in flight', () => {
  it('survives process.exit()', () => {
    const result = runNode(`${startForward}
      start().then(() => { console.log('started'); process.exit(0); });`);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('started');
    expect(result.status).toBe(0);
  });

  it('survives terminating a worker thread that uses the addon', () => {
    const result = runNode(`
      const { Worker } = require('node:worker_threads');
      const worker = new Worker(${JSON.stringify(startForward)} + "start().then(() => require('node:worker_threads').parentPort.postMessage('started'));",
        { eval: true });
      worker.on('message', async () => { await worker.terminate(); console.log('terminated'); });
      worker.on('error', (error) => { console.error(error); process.exitCode = 1; });`);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('terminated');
    expect(result.status).toBe(0);
  });
});
