// The only file that imports onnxruntime-node: everything else sees the plain types below.
import ort from 'onnxruntime-node';

export type OrtElementType = 'float32' | 'float16' | 'int32' | 'int64' | 'bool' | 'uint8' | 'int8' | string;
export type OrtTensorData = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** A tensor in CPU memory: the object onnxruntime-node hands back, passed straight back in as input. */
export interface OrtTensor {
  readonly type: OrtElementType;
  readonly dims: readonly number[];
  readonly data: OrtTensorData;
  dispose(): void;
}

/** One graph input or output; symbolic dimensions are strings. */
export interface OrtValueInfo {
  name: string;
  type: OrtElementType;
  shape: Array<number | string>;
}

export interface OrtSessionOptions {
  /** Intra-op threads (default: onnxruntime's choice). */
  threads?: number;
  /** 'cpu' (default), 'cuda', … as onnxruntime-node names them. */
  executionProvider?: string;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface OrtSession {
  readonly inputs: readonly OrtValueInfo[];
  readonly outputs: readonly OrtValueInfo[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  dispose(): Promise<void>;
}

export function createOrtTensor(
  type: OrtElementType,
  data: OrtTensorData,
  dims: readonly number[],
): OrtTensor {
  return new ort.Tensor(type as 'float32', data as Float32Array, dims) as unknown as OrtTensor;
}

/** Opens an .onnx file (external .data files are found beside it). Rejects with onnxruntime's own error. */
export async function openOrtSession(path: string, options: OrtSessionOptions = {}): Promise<OrtSession> {
  const session = await ort.InferenceSession.create(path, {
    executionProviders: [options.executionProvider ?? 'cpu'],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
  });
  const describe = (meta: readonly ort.InferenceSession.ValueMetadata[]): OrtValueInfo[] =>
    meta.map((value) =>
      value.isTensor
        ? { name: value.name, type: value.type, shape: [...value.shape] }
        : { name: value.name, type: 'non-tensor', shape: [] },
    );
  return {
    inputs: describe(session.inputMetadata),
    outputs: describe(session.outputMetadata),
    run: async (feeds) =>
      (await session.run(feeds as unknown as ort.InferenceSession.FeedsType)) as unknown as Record<
        string,
        OrtTensor
      >,
    dispose: () => session.release(),
  };
}
