import { ModelFormatError } from '@x/core';
import { describeDecoderIO } from '../decoder/decoder-io.js';
import { findOnnxModel, type OnnxModelFiles } from '../model/find-onnx-model.js';
import { graphOpTypes } from '../model/graph-op-types.js';
import { onnxModelInfo } from '../model/onnx-model-info.js';
import { onnxWeightBytes } from '../model/onnx-weight-bytes.js';
import { type OrtSessionOptions, openOrtSession } from '../ort/ort-session.js';
import { OnnxEngine } from './onnx-engine.js';

export interface LoadOnnxEngineOptions extends OrtSessionOptions {
  /** Tokens one sequence can hold; default and maximum: the model's trained context. */
  contextLength?: number;
  /** Which graph of the folder to load (e.g. 'onnx/model_fp16.onnx'). */
  file?: string;
  /**
   * Run the decode steps of sequences of unequal lengths as one padded session call (default true, where
   * the graph can mask padding); false batches only sequences of equal length.
   */
  padDecodeBatches?: boolean;
}

/** An engine over an ONNX decoder export (a folder or an .onnx file). */
export async function loadOnnxEngine(
  location: string,
  options: LoadOnnxEngineOptions = {},
): Promise<OnnxEngine> {
  return onnxEngineFromFiles(await findOnnxModel(location, options.file), options);
}

export async function onnxEngineFromFiles(
  files: OnnxModelFiles,
  options: LoadOnnxEngineOptions = {},
): Promise<OnnxEngine> {
  let session: Awaited<ReturnType<typeof openOrtSession>>;
  try {
    session = await openOrtSession(files.onnxPath, options);
  } catch (error) {
    throw new ModelFormatError(`onnxruntime cannot load the model: ${(error as Error).message}`, {
      path: files.onnxPath,
      cause: error,
    });
  }
  try {
    const described = describeDecoderIO(
      session.inputs,
      session.outputs,
      files.onnxPath,
      await graphOpTypes(files.onnxPath),
    );
    const io = options.padDecodeBatches === false ? { ...described, padding: 'none' as const } : described;
    const device =
      options.executionProvider === undefined || options.executionProvider === 'cpu'
        ? 'cpu'
        : options.executionProvider;
    const info = onnxModelInfo(files, io, { contextLength: options.contextLength, device });
    return new OnnxEngine(session, io, info, { weightBytes: await onnxWeightBytes(files.onnxPath) });
  } catch (error) {
    await session.dispose();
    throw error;
  }
}
