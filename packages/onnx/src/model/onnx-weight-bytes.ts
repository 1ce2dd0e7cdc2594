import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Bytes of an .onnx graph and its external data files beside it (`model.onnx.data`, `model.onnx_data`, …):
 * about what one session call reads of weights.
 */
export async function onnxWeightBytes(onnxPath: string): Promise<number> {
  const name = path.basename(onnxPath);
  const folder = path.dirname(onnxPath);
  const siblings = (await readdir(folder)).filter(
    (file) => file.startsWith(`${name}.`) || file.startsWith(`${name}_`),
  );
  const sizes = await Promise.all(
    [onnxPath, ...siblings.map((file) => path.join(folder, file))].map((file) => stat(file)),
  );
  return sizes.reduce((sum, info) => sum + (info.isFile() ? info.size : 0), 0);
}
