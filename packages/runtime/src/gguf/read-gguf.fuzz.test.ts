import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GGUFFile, parseGGUF } from './read-gguf.js';
import { sharedModelsDir } from './shared-models-dir.js';

const original = new Uint8Array(await readFile(path.join(sharedModelsDir, 'stories260K.gguf')));
const headerEnd = parseGGUF(original).dataOffset;
const PER_CASE_MS = 1000;
const outcomes = { parsed: 0, rejected: 0 };

function parseOrFormatError(bytes: Uint8Array): void {
  const start = performance.now();
  let file: GGUFFile | undefined;
  try {
    file = parseGGUF(bytes);
  } catch (error) {
    if (!(error instanceof ModelFormatError)) throw error;
  }
  outcomes[file === undefined ? 'rejected' : 'parsed']++;
  expect(performance.now() - start).toBeLessThan(PER_CASE_MS);
  for (const tensor of file?.tensors ?? []) {
    expect(tensor.offset % (file as GGUFFile).alignment).toBe(0);
    expect(tensor.offset + tensor.byteLength).toBeLessThanOrEqual(bytes.length);
  }
}

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('byte' as const),
    at: fc.nat(headerEnd - 1),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('u64' as const),
    at: fc.nat(headerEnd - 8),
    value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  }),
  fc.record({ kind: fc.constant('u32' as const), at: fc.nat(headerEnd - 4), value: fc.nat() }),
);

describe('parseGGUF fuzz', () => {
  it('mutated stories260K headers parse or throw ModelFormatError', () => {
    outcomes.parsed = 0;
    outcomes.rejected = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        const bytes = original.slice();
        const view = new DataView(bytes.buffer);
        for (const m of mutations) {
          if (m.kind === 'byte') bytes[m.at] = m.value;
          else if (m.kind === 'u64') view.setBigUint64(m.at, m.value, true);
          else view.setUint32(m.at, m.value, true);
        }
        parseOrFormatError(bytes);
      }),
      { numRuns: 300, seed: 20261127 },
    );
    expect(outcomes.parsed).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(10);
  });

  it('truncated files parse or throw ModelFormatError', () => {
    fc.assert(
      fc.property(fc.nat(original.length), (length) => parseOrFormatError(original.subarray(0, length))),
      { numRuns: 150, seed: 7 },
    );
  });

  it('random bytes behind a valid preamble parse or throw ModelFormatError', () => {
    const preamble = original.subarray(0, 8);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (tail) => {
        const bytes = new Uint8Array(preamble.length + tail.length);
        bytes.set(preamble);
        bytes.set(tail, preamble.length);
        parseOrFormatError(bytes);
        parseOrFormatError(tail);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
