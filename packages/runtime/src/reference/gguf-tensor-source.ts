import type { GGUFFile } from '../gguf/index.js';
import { dequantize, readTensor } from '../gguf/tensor-data.js';
import type { F32Tensor, TensorSource } from './load-weights.js';

/**
 * Reads every tensor of `file` and dequantizes it to f32: the reference engine holds f32 weights only.
 * Throws UnsupportedError for types it cannot dequantize.
 */
export async function readTensorSource(file: GGUFFile): Promise<TensorSource> {
  const tensors = new Map<string, F32Tensor>();
  for (const info of file.tensors) {
    const elementCount = info.shape.reduce((a, b) => a * b, 1);
    const data = dequantize(info.type, await readTensor(file, info), elementCount);
    tensors.set(info.name, { shape: info.shape, data });
  }
  return (name) => tensors.get(name);
}
