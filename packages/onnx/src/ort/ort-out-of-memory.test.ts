import { OutOfMemoryError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { ortOutOfMemory } from './ort-out-of-memory.js';

const arena =
  "Non-zero status code returned while running MatMul node. Name:'/model/layers.0/attn/MatMul' Status Message: " +
  '/onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(' +
  'size_t, bool, onnxruntime::Stream*, bool, onnxruntime::WaitNotificationFn) Failed to allocate memory for ' +
  'requested buffer of size 2830172160';

describe('ortOutOfMemory', () => {
  it("maps onnxruntime's arena failure, keeping the requested size and the cause", () => {
    const cause = new Error(arena);
    const error = ortOutOfMemory(cause);
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error).toMatchObject({ code: 'X_OUT_OF_MEMORY', neededBytes: 2830172160, limitBytes: undefined });
    expect(error!.cause).toBe(cause);
    expect(error!.message).toMatch(/^onnxruntime ran out of memory: Non-zero status code.*size 2830172160$/);
  });

  it.each([
    "Non-zero status code returned while running Add node. Name:'Add_3' Status Message: std::bad_alloc",
    'bad allocation',
    'CUDA failure 2: out of memory ; GPU=0 ; hostname=h ; expr=cudaMalloc((void**)&p, size);',
    'CUDA error cudaErrorMemoryAllocation:out of memory',
  ])('maps %j, with no size', (message) => {
    expect(ortOutOfMemory(new Error(message))).toMatchObject({
      name: 'OutOfMemoryError',
      neededBytes: undefined,
    });
  });

  it('maps a typed array V8 could not allocate', () => {
    expect(ortOutOfMemory(new RangeError('Array buffer allocation failed'))).toBeInstanceOf(OutOfMemoryError);
  });

  it('leaves every other error alone', () => {
    for (const message of [
      "Non-zero status code returned while running Gather node. Name:'Gather_1' Status Message: indices element out of data bounds, idx=600 must be within the inclusive range [-512,511]",
      'Got invalid dimensions for input: input_ids for the following indices index: 0 Got: 2 Expected: 1',
      'Invalid typed array length: -1',
    ])
      expect(ortOutOfMemory(new Error(message))).toBeUndefined();
    expect(ortOutOfMemory(undefined)).toBeUndefined();
  });

  it('passes an OutOfMemoryError through as it is', () => {
    const error = new OutOfMemoryError('already mapped', { neededBytes: 1 });
    expect(ortOutOfMemory(error)).toBe(error);
  });
});
