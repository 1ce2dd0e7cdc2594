import { OutOfMemoryError } from '@x/core';

// How an allocation failure reads when it reaches JS: onnxruntime's arena ("Failed to allocate memory
// for requested buffer of size N"), its plain CPU allocator (std::bad_alloc), CUDA's allocator, and
// V8 when the typed arrays the engine stacks KV caches into cannot be allocated.
const patterns = [
  /Failed to allocate memory/i,
  /bad[ _]alloc/i,
  /out of memory|cudaErrorMemoryAllocation/i,
  /Array buffer allocation failed/i,
];

/**
 * The OutOfMemoryError for an error that onnxruntime (or V8, for the engine's own buffers) raised
 * because memory ran out, so the scheduler can preempt a request instead of failing it; undefined
 * for every other error. `neededBytes` is the size of the failed allocation when the message says.
 */
export function ortOutOfMemory(error: unknown): OutOfMemoryError | undefined {
  if (OutOfMemoryError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : undefined;
  if (message === undefined || !patterns.some((pattern) => pattern.test(message))) return undefined;
  const size = /buffer of size (\d+)/.exec(message)?.[1];
  const neededBytes = size === undefined ? undefined : Number(size);
  return new OutOfMemoryError(`onnxruntime ran out of memory: ${message.split('\n')[0]}`, {
    neededBytes: Number.isSafeInteger(neededBytes) ? neededBytes : undefined,
    cause: error,
  });
}
