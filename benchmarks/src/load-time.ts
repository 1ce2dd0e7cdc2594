// Load time of the native engine and of the TS header read it starts with, on one GGUF file:
// pnpm bench:load <file.gguf> [runs]. The whole header (tokenizer arrays decoded) against the
// hyperparameters alone (what loadEngine reads), in the same run.
import { loadEngine } from '@x/candle-native';
import { modelKeys, readGGUF } from '@x/runtime';
import { spread } from './median.ts';

const [file, runsArgument = '5'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: load-time.ts <file.gguf> [runs]');
const runs = Number(runsArgument);

async function milliseconds(task: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
  }
  return times;
}

const rows: Array<[string, () => Promise<unknown>]> = [
  ['readGGUF, whole header', () => readGGUF(file)],
  ['readGGUF, model keys', () => readGGUF(file, { keys: modelKeys })],
  [
    'loadEngine, file layout',
    async () => (await loadEngine(file, { threads: 1, contextLength: 256, keepFileLayout: true })).dispose(),
  ],
];
for (const [name, task] of rows) {
  const { median, min, max } = spread(await milliseconds(task));
  console.log(`${name.padEnd(26)} median ${median.toFixed(0)} ms (${min.toFixed(0)}–${max.toFixed(0)})`);
}
