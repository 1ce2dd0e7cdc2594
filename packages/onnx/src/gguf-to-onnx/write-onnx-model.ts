import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GraphBuilder } from './graph-builder.js';
import { encodeModel, type TensorProto } from './onnx-proto.js';

/** Protobuf messages cannot exceed 2 GiB: beyond this the weights go to an external data file. */
export const INLINE_LIMIT = 2 ** 31 - 2 ** 26;
const ALIGNMENT = 64;
// shape constants must stay inline: shape inference cannot read external data
const EXTERNAL_MIN_BYTES = 1024;

export interface WriteOnnxOptions {
  /** Force (true) or forbid (false) external data; default: only when the weights exceed INLINE_LIMIT. */
  externalData?: boolean;
  metadata?: Record<string, string>;
  /** Called as weight bytes are written: bytes done of the total. */
  onBytes?: (done: number, total: number) => void;
}

/**
 * Writes the graph to `file`; with external data, the weights go to `<file>_data` (the Optimum /
 * transformers.js name) and the model refers to them by offset and length.
 */
export async function writeOnnxModel(
  g: GraphBuilder,
  file: string,
  options: WriteOnnxOptions = {},
): Promise<void> {
  const weightBytes = g.initializers.reduce((sum, tensor) => sum + tensor.bytes.byteLength, 0);
  const external = options.externalData ?? weightBytes > INLINE_LIMIT;
  if (!external) {
    const tensors = g.initializers.map(({ name, dataType, dims, bytes }) => ({
      name,
      data_type: dataType,
      dims,
      raw_data: bytes,
    }));
    await writeFile(file, encodeModel(g.model(tensors, options.metadata)));
    options.onBytes?.(weightBytes, weightBytes);
    return;
  }
  const dataName = `${path.basename(file)}_data`;
  const handle = await open(path.join(path.dirname(file), dataName), 'w');
  const tensors: TensorProto[] = [];
  try {
    let offset = 0;
    let written = 0;
    for (const { name, dataType, dims, bytes } of g.initializers) {
      written += bytes.byteLength;
      if (bytes.byteLength < EXTERNAL_MIN_BYTES) {
        tensors.push({ name, data_type: dataType, dims, raw_data: bytes });
        options.onBytes?.(written, weightBytes);
        continue;
      }
      offset = Math.ceil(offset / ALIGNMENT) * ALIGNMENT;
      await handle.write(bytes, 0, bytes.byteLength, offset);
      tensors.push({
        name,
        data_type: dataType,
        dims,
        data_location: 1,
        external_data: [
          { key: 'location', value: dataName },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(bytes.byteLength) },
        ],
      });
      offset += bytes.byteLength;
      options.onBytes?.(written, weightBytes);
    }
  } finally {
    await handle.close();
  }
  await writeFile(file, encodeModel(g.model(tensors, options.metadata)));
}
