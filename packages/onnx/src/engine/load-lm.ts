import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import {
  createLocalLM,
  createTokenizerFromGGUFMetadata,
  type GGUFParts,
  type LocalLM,
  lmFromGGUFParts,
  loadTokenizer,
  type ResolveModelOptions,
  readGGUF,
  resolveModel,
  type Tokenizer,
} from '@x/runtime';
import { cachedConversion } from '../gguf-to-onnx/converted-model-cache.js';
import { findOnnxModel } from '../model/find-onnx-model.js';
import { isGGUF, type LoadEngineOptions } from './load-engine.js';
import { loadOnnxEngine, onnxEngineFromFiles } from './load-onnx-engine.js';
import type { OnnxEngine } from './onnx-engine.js';

export interface LoadLMOptions
  extends LoadEngineOptions,
    Omit<GGUFParts, 'metadata' | 'engine' | 'tokenizer'> {
  /** A tokenizer, or where to load one (file or folder), instead of the model's own. */
  tokenizer?: Tokenizer | string;
  /** How an `hf:` reference is fetched (cache folder, endpoint, offline mode, progress). */
  hub?: ResolveModelOptions;
}

/**
 * An LM on onnxruntime for a GGUF file (converted once, cached by its sha256; tokenizer and chat
 * template from the GGUF) or an ONNX export folder (tokenizer.json and tokenizer_config.json beside it).
 * `location` may be an `hf:` reference: a GGUF file, or a repository / folder / graph of an ONNX export.
 */
export async function loadLM(reference: string, options: LoadLMOptions = {}): Promise<LocalLM> {
  const {
    threads,
    executionProvider,
    graphOptimizationLevel,
    contextLength,
    file,
    cacheDir,
    cacheMaxBytes,
    dtype,
    maxPositions,
    accuracy,
    contribOps,
    hub,
    ...rest
  } = options;
  const location = await resolveModel(reference, hub);
  const { tokenizer: tokenizerOption, ...lm } = rest;
  const given = typeof tokenizerOption === 'string' ? await loadTokenizer(tokenizerOption) : tokenizerOption;
  const engineOptions = { threads, executionProvider, graphOptimizationLevel, contextLength, file };
  if (await isGGUF(location)) {
    const gguf = await readGGUF(location);
    const tokenizer = given ?? createTokenizerFromGGUFMetadata(gguf.metadata, location);
    const folder = await cachedConversion(location, {
      cacheDir,
      cacheMaxBytes,
      dtype,
      maxPositions,
      accuracy,
      contribOps,
    });
    const engine = await loadOnnxEngine(folder, engineOptions);
    checkVocabulary(engine, tokenizer, location);
    return lmFromGGUFParts({ ...lm, metadata: gguf.metadata, engine, tokenizer });
  }
  const files = await findOnnxModel(location, file);
  const engine = await onnxEngineFromFiles(files, engineOptions);
  try {
    const tokenizer = given ?? (await loadTokenizer(files.folder));
    checkVocabulary(engine, tokenizer, typeof tokenizerOption === 'string' ? tokenizerOption : files.folder);
    const template = await chatTemplate(files.folder);
    return createLocalLM({ ...lm, engine, tokenizer, modelChatTemplate: template });
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}

function checkVocabulary(engine: OnnxEngine, tokenizer: Tokenizer, location: string): void {
  if (tokenizer.vocabSize > engine.info.vocabSize) {
    throw new ModelFormatError('the tokenizer has more tokens than the model has logits', {
      path: location,
      expected: `at most ${engine.info.vocabSize} tokens`,
      got: `${tokenizer.vocabSize} tokens`,
    });
  }
}

async function chatTemplate(folder: string): Promise<string | undefined> {
  const text = await readFile(path.join(folder, 'tokenizer_config.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const template = (JSON.parse(text) as { chat_template?: unknown }).chat_template;
    return typeof template === 'string' ? template : undefined;
  } catch (error) {
    throw new ModelFormatError('invalid JSON', {
      path: path.join(folder, 'tokenizer_config.json'),
      cause: error,
    });
  }
}
