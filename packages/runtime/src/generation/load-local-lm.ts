import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import type { Engine } from '../engine/engine.js';
import { type GGUFFile, readGGUF } from '../gguf/index.js';
import { isGGUFFile } from '../gguf/is-gguf-file.js';
import { type ResolveModelOptions, resolveModel } from '../hub/resolve-model.js';
import { createTokenizerFromGGUFMetadata } from '../tokenizer/create-tokenizer-from-gguf-metadata.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { LocalLM, type LocalLMOptions } from './local-lm.js';

/** The model a backend is asked to open: the resolved path and, for a GGUF file, its parsed header. */
export interface LocalModelFile {
  path: string;
  gguf?: GGUFFile;
  /** KV slots the caller asks for (engines with a fixed number of slots allocate this many). */
  maxSequences?: number;
}

export interface OpenedEngine {
  engine: Engine;
  /** A folder holding the tokenizer and tokenizer_config.json, for a model without a GGUF header. */
  tokenizerFolder?: string;
}

export interface LoadLocalLMOptions
  extends Omit<LocalLMOptions, 'engine' | 'tokenizer' | 'modelChatTemplate' | 'draftModel'> {
  /** A tokenizer, or where to load one (file or folder), instead of the model's own. */
  tokenizer?: Tokenizer | string;
  /** How an `hf:` reference is fetched (cache folder, endpoint, offline mode, progress). */
  hub?: ResolveModelOptions;
  /**
   * A smaller model with the same vocabulary for speculative decoding (see LocalLMOptions): a path
   * or `hf:` reference, opened on the same backend and disposed with the LM, or a loaded one.
   */
  draftModel?: string | LocalLMOptions['draftModel'];
}

/**
 * A LocalLM for `location` (a path or an `hf:` reference) on the engine `openEngine` makes of it.
 * Every backend loads through here: the path is resolved, a GGUF header read once, the tokenizer and
 * chat template taken from that header (or from the engine's tokenizer folder), the KV slot budget
 * taken from the engine when it has a fixed one, and the engine disposed when any later step throws.
 */
export async function loadLocalLM(
  location: string,
  openEngine: (model: LocalModelFile) => Promise<OpenedEngine>,
  options: LoadLocalLMOptions = {},
): Promise<LocalLM> {
  const { hub, tokenizer: tokenizerOption, maxSequences, draftModel, ...lmOptions } = options;
  const resolved = await resolveModel(location, hub);
  const gguf = (await isGGUFFile(resolved)) ? await readGGUF(resolved) : undefined;
  const given = typeof tokenizerOption === 'string' ? await loadTokenizer(tokenizerOption) : tokenizerOption;
  const { engine, tokenizerFolder } = await openEngine({ path: resolved, gguf, maxSequences });
  let draft: LocalLMOptions['draftModel'];
  try {
    draft =
      typeof draftModel === 'string'
        ? await openDraftModel(draftModel, openEngine, {
            hub,
            maxSequences: engine.info.maxSequences ?? maxSequences,
          })
        : draftModel;
    const tokenizer =
      given ??
      (gguf !== undefined
        ? createTokenizerFromGGUFMetadata(gguf.metadata, resolved)
        : await loadTokenizer(tokenizerFolder ?? resolved));
    const from = typeof tokenizerOption === 'string' ? tokenizerOption : (tokenizerFolder ?? resolved);
    checkVocabulary(engine, tokenizer, from);
    const metadata = gguf?.metadata ?? {};
    const template = metadata['tokenizer.chat_template'];
    const architecture = metadata['general.architecture'];
    return new LocalLM({
      architecture: typeof architecture === 'string' ? architecture : undefined,
      ...lmOptions,
      draftModel: draft,
      disposeDraftModel: typeof draftModel === 'string' ? true : lmOptions.disposeDraftModel,
      // The scheduler admits by the engine's KV slots when it has a fixed number.
      maxSequences: engine.info.maxSequences ?? maxSequences,
      engine,
      tokenizer,
      modelChatTemplate:
        gguf !== undefined
          ? typeof template === 'string'
            ? template
            : undefined
          : await folderChatTemplate(tokenizerFolder),
    });
  } catch (error) {
    await engine.dispose();
    if (typeof draftModel === 'string' && draft !== undefined)
      await ('forward' in draft ? draft : draft.engine).dispose();
    throw error;
  }
}

/** Opens a draft model's file on the target's backend, with the tokenizer of its own header or folder. */
async function openDraftModel(
  location: string,
  openEngine: (model: LocalModelFile) => Promise<OpenedEngine>,
  options: { hub?: ResolveModelOptions; maxSequences?: number },
): Promise<{ engine: Engine; tokenizer: Tokenizer }> {
  const resolved = await resolveModel(location, options.hub);
  const gguf = (await isGGUFFile(resolved)) ? await readGGUF(resolved) : undefined;
  const { engine, tokenizerFolder } = await openEngine({
    path: resolved,
    gguf,
    maxSequences: options.maxSequences,
  });
  try {
    const tokenizer =
      gguf !== undefined
        ? createTokenizerFromGGUFMetadata(gguf.metadata, resolved)
        : await loadTokenizer(tokenizerFolder ?? resolved);
    return { engine, tokenizer };
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}

function checkVocabulary(engine: Engine, tokenizer: Tokenizer, location: string): void {
  if (tokenizer.vocabSize > engine.info.vocabSize) {
    throw new ModelFormatError('the tokenizer has more tokens than the model has logits', {
      path: location,
      expected: `at most ${engine.info.vocabSize} tokens`,
      got: `${tokenizer.vocabSize} tokens`,
    });
  }
}

/** `chat_template` of the folder's tokenizer_config.json, when there is one. */
async function folderChatTemplate(folder: string | undefined): Promise<string | undefined> {
  if (folder === undefined) return undefined;
  const file = path.join(folder, 'tokenizer_config.json');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const template = (JSON.parse(text) as { chat_template?: unknown }).chat_template;
    return typeof template === 'string' ? template : undefined;
  } catch (error) {
    throw new ModelFormatError('invalid JSON', { path: file, cause: error });
  }
}
