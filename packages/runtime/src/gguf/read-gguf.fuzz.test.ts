import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GGMLType, ggmlTypeLayout } from './ggml-type.js';
import { type GGUFFile, modelKeys, parseGGUF } from './read-gguf.js';
import { sharedModelsDir } from './shared-models-dir.js';
import { validateModelMetadata } from './validate-model-metadata.js';

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
  // Skipping the tokenizer's values keeps every bound check: what parses whole parses the same without them.
  let modelOnly: GGUFFile | undefined;
  try {
    modelOnly = parseGGUF(bytes, { keys: modelKeys });
  } catch (error) {
    if (!(error instanceof ModelFormatError)) throw error;
  }
  if (file !== undefined) {
    expect(modelOnly?.tensors).toEqual(file.tensors);
    expect(modelOnly?.metadata).toEqual(
      Object.fromEntries(Object.entries(file.metadata).filter(([key]) => modelKeys(key))),
    );
  }
  // What parses goes on to the shared metadata validation, which may only say ModelFormatError.
  if (file !== undefined) {
    try {
      validateModelMetadata(file.metadata);
    } catch (error) {
      if (!(error instanceof ModelFormatError)) throw error;
    }
  }
  expect(performance.now() - start).toBeLessThan(PER_CASE_MS);
  for (const tensor of file?.tensors ?? []) {
    expect(tensor.offset % (file as GGUFFile).alignment).toBe(0);
    expect(tensor.offset + tensor.byteLength).toBeLessThanOrEqual(bytes.length);
    const layout = ggmlTypeLayout(tensor.type)!;
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    expect(tensor.byteLength).toBe((elements / layout.blockSize) * layout.typeSize);
  }
  const sorted = [...(file?.tensors ?? [])].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++)
    expect(sorted[i - 1]!.offset + sorted[i - 1]!.byteLength).toBeLessThanOrEqual(sorted[i]!.offset);
}

/** Where each tensor-info record's fields sit in the original header. */
interface InfoFields {
  dims: number[];
  type: number;
  offset: number;
}

function tensorInfoFields(bytes: Uint8Array, file: GGUFFile): InfoFields[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const encoder = new TextEncoder();
  return file.tensors.map((tensor) => {
    const name = encoder.encode(tensor.name);
    const needle = new Uint8Array(8 + name.length);
    new DataView(needle.buffer).setBigUint64(0, BigInt(name.length), true);
    needle.set(name, 8);
    let at = -1;
    for (let i = 0; at < 0 && i + needle.length <= file.dataOffset; i++)
      if (needle.every((b, j) => bytes[i + j] === b)) at = i;
    let pos = at + needle.length;
    const count = view.getUint32(pos, true);
    pos += 4;
    const dims = Array.from({ length: count }, (_, d) => pos + 8 * d);
    pos += 8 * count;
    return { dims, type: pos, offset: pos + 4 };
  });
}

const fields = tensorInfoFields(original, parseGGUF(original));
const types = Object.values(GGMLType).filter((v): v is number => typeof v === 'number');

/** Edits of the tensor-info records: type swaps, dimensions, and offsets that land on another tensor. */
const infoEdit = fc.oneof(
  fc.record({
    kind: fc.constant('type' as const),
    tensor: fc.nat(fields.length - 1),
    value: fc.oneof(fc.constantFrom(...types), fc.nat(64)),
  }),
  fc.record({
    kind: fc.constant('dim' as const),
    tensor: fc.nat(fields.length - 1),
    dim: fc.nat(3),
    value: fc.oneof(
      fc.constantFrom(0n, 1n, 2n, 32n, 256n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n),
      fc.bigInt({ min: 0n, max: 4096n }),
    ),
  }),
  fc.record({
    kind: fc.constant('overlap' as const),
    tensor: fc.nat(fields.length - 1),
    onto: fc.nat(fields.length - 1),
    shift: fc.constantFrom(0n, 32n, 64n, -32n),
  }),
);

function applyInfoEdit(
  bytes: Uint8Array,
  edit: typeof infoEdit extends fc.Arbitrary<infer T> ? T : never,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const info = fields[edit.tensor]!;
  if (edit.kind === 'type') view.setUint32(info.type, edit.value, true);
  else if (edit.kind === 'dim') {
    const at = info.dims[edit.dim % info.dims.length]!;
    view.setBigUint64(at, edit.value, true);
  } else {
    const target = view.getBigUint64(fields[edit.onto]!.offset, true) + edit.shift;
    view.setBigUint64(info.offset, target < 0n ? 0n : target, true);
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

  it('tensor-info edits (type swaps, dims, overlapping offsets) parse consistent or throw ModelFormatError', () => {
    outcomes.parsed = 0;
    outcomes.rejected = 0;
    fc.assert(
      fc.property(fc.array(infoEdit, { minLength: 1, maxLength: 4 }), (edits) => {
        const bytes = original.slice();
        for (const edit of edits) applyInfoEdit(bytes, edit);
        parseOrFormatError(bytes);
      }),
      { numRuns: 600, seed: 20261205 },
    );
    expect(outcomes.parsed).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(100);
  });

  it('rejects a tensor moved onto another one', () => {
    const bytes = original.slice();
    applyInfoEdit(bytes, { kind: 'overlap', tensor: 1, onto: 0, shift: 0n });
    expect(() => parseGGUF(bytes)).toThrow(ModelFormatError);
  });
});
