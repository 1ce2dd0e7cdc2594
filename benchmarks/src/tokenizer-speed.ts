// Encoding speed of @x/runtime's tokenizers against llama.cpp's (node-llama-cpp) on the same
// vocabularies and the same 1 MB of English-like text, single-threaded.
import path from 'node:path';
import { loadTokenizer } from '@x/runtime';
import { sharedModelsDir } from '@x/runtime/testing';
import { getLlama } from 'node-llama-cpp';
import { englishCorpus } from './english-corpus.ts';
import { spread } from './median.ts';

const vocabs = ['llama-spm', 'gpt-2', 'deepseek-llm', 'falcon'].map((name) =>
  path.join(sharedModelsDir, 'llama.cpp-vocab', `ggml-vocab-${name}.gguf`),
);
const runs = 3;
const text = englishCorpus(1_000_000);
const megabytes = Buffer.byteLength(text) / 1e6;

const timeIt = (work: () => void) => {
  const start = performance.now();
  work();
  return (performance.now() - start) / 1000;
};

const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
const rows: string[] = [];
for (const file of vocabs) {
  const ours = await loadTokenizer(file);
  const peer = await llama.loadModel({ modelPath: file, vocabOnly: true });
  const oursRates: number[] = [];
  const peerRates: number[] = [];
  for (let run = 0; run < runs; run++) {
    oursRates.push(megabytes / timeIt(() => ours.encode(text)));
    peerRates.push(megabytes / timeIt(() => peer.tokenize(text)));
  }
  const [o, p] = [spread(oursRates), spread(peerRates)];
  rows.push(
    `| ${path.basename(file)} | ${o.median.toFixed(2)} (${o.min.toFixed(2)}–${o.max.toFixed(2)}) | ` +
      `${p.median.toFixed(2)} (${p.min.toFixed(2)}–${p.max.toFixed(2)}) | ${(o.median / p.median).toFixed(2)}× |`,
  );
  await peer.dispose();
}
console.log(
  [
    `Encoding ${megabytes.toFixed(2)} MB of English-like text, one thread, median of ${runs} (min–max), MB/s.`,
    '',
    '| vocabulary | x MB/s | llama.cpp MB/s | ratio |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n'),
);
