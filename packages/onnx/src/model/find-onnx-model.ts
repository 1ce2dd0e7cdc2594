import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelFormatError } from '@x/core';

/** An ONNX decoder export on disk: the graph file and the JSON configs found beside it. */
export interface OnnxModelFiles {
  /** The model folder (tokenizer and configs live here). */
  folder: string;
  onnxPath: string;
  /** HF config.json, when present. */
  config?: Record<string, unknown>;
  /** onnxruntime-genai genai_config.json's `model` object, when present. */
  genai?: Record<string, unknown>;
}

const CANDIDATES = [
  'onnx/model.onnx',
  'model.onnx',
  'onnx/decoder_model_merged.onnx',
  'decoder_model_merged.onnx',
  'onnx/decoder_with_past_model.onnx',
];

/**
 * Finds the decoder of an HF Optimum / transformers.js folder (config.json, onnx/model*.onnx), an
 * onnxruntime-genai folder (genai_config.json names the file), or takes an .onnx file as given.
 * `file` picks a graph inside the folder (e.g. 'onnx/model_fp16.onnx').
 */
export async function findOnnxModel(location: string, file?: string): Promise<OnnxModelFiles> {
  const info = await stat(location).catch((error: unknown) => {
    throw new ModelFormatError('model path does not exist', { path: location, cause: error });
  });
  const parent = path.dirname(location);
  // an Optimum / transformers.js graph sits in onnx/, its configs and tokenizer one level up
  const folder = info.isDirectory()
    ? location
    : path.basename(parent) === 'onnx'
      ? path.dirname(parent)
      : parent;
  const config = await readJson(path.join(folder, 'config.json'));
  const genaiFile = await readJson(path.join(folder, 'genai_config.json'));
  const genai = isRecord(genaiFile?.model) ? genaiFile.model : undefined;
  const files = { folder, ...(config ? { config } : {}), ...(genai ? { genai } : {}) };
  if (!info.isDirectory()) return { ...files, onnxPath: location };
  if (file !== undefined) return { ...files, onnxPath: await existing(path.join(folder, file)) };
  const decoder = genai?.decoder;
  if (isRecord(decoder) && typeof decoder.filename === 'string') {
    return { ...files, onnxPath: await existing(path.join(folder, decoder.filename)) };
  }
  for (const candidate of CANDIDATES) {
    const onnxPath = path.join(folder, candidate);
    if (await isFile(onnxPath)) return { ...files, onnxPath };
  }
  const listed = [
    ...(await onnxFiles(path.join(folder, 'onnx'))).map((name) => `onnx/${name}`),
    ...(await onnxFiles(folder)),
  ];
  const first = listed[0];
  if (first === undefined) {
    throw new ModelFormatError('no .onnx decoder in folder', {
      path: folder,
      expected: 'onnx/model.onnx, model.onnx or genai_config.json',
      got: 'none',
    });
  }
  return { ...files, onnxPath: path.join(folder, first) };
}

async function existing(file: string): Promise<string> {
  if (!(await isFile(file))) throw new ModelFormatError('model file does not exist', { path: file });
  return file;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

async function onnxFiles(folder: string): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.onnx')).sort();
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return value;
  } catch (error) {
    throw new ModelFormatError('invalid JSON', { path: file, cause: error });
  }
  throw new ModelFormatError('expected a JSON object', { path: file });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
