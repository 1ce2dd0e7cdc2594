import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelFormatError } from '@x/core';
import { readGGUF } from '../gguf/index.js';
import { startsWithGGUFMagic } from '../gguf/starts-with-gguf-magic.js';
import { createTokenizerFromGGUFMetadata } from './create-tokenizer-from-gguf-metadata.js';
import { createTokenizerFromHfJson } from './create-tokenizer-from-hf-json.js';
import { createTokenizerFromTiktoken } from './create-tokenizer-from-tiktoken.js';
import { createTokenizerFromVocabMerges } from './create-tokenizer-from-vocab-merges.js';
import { type HfNode, isNode } from './hf-json.js';
import type { Tokenizer } from './tokenizer.js';

/**
 * Loads a tokenizer from a .gguf file, a tokenizer.json, a tiktoken ranks file, or a model folder
 * (tokenizer.json, else vocab.json + merges.txt, else tokenizer.model as tiktoken ranks).
 */
export async function loadTokenizer(location: string): Promise<Tokenizer> {
  const info = await statOrThrow(location);
  if (info.isDirectory()) return loadFolder(location);
  if (await startsWithGGUFMagic(location))
    return createTokenizerFromGGUFMetadata((await readGGUF(location)).metadata, location);
  const text = await readFile(location, 'utf8');
  if (text.trimStart().startsWith('{')) {
    const config = await readJsonIfPresent(path.join(path.dirname(location), 'tokenizer_config.json'));
    return createTokenizerFromHfJson(parseJson(text, location), isNode(config) ? config : {}, location);
  }
  if (/^[A-Za-z0-9+/=]+ \d+\r?\n/.test(text)) return createTokenizerFromTiktoken(text, {}, location);
  throw new ModelFormatError('not a tokenizer file', {
    path: location,
    expected: 'GGUF, tokenizer.json or tiktoken ranks',
    got: JSON.stringify(text.slice(0, 16)),
  });
}

async function loadFolder(folder: string): Promise<Tokenizer> {
  const config = await readJsonIfPresent(path.join(folder, 'tokenizer_config.json'));
  const configNode: HfNode = isNode(config) ? config : {};
  const tokenizerJson = await readJsonIfPresent(path.join(folder, 'tokenizer.json'));
  if (tokenizerJson !== undefined) {
    return createTokenizerFromHfJson(tokenizerJson, configNode, path.join(folder, 'tokenizer.json'));
  }
  const vocab = await readJsonIfPresent(path.join(folder, 'vocab.json'));
  const merges = await readTextIfPresent(path.join(folder, 'merges.txt'));
  if (vocab !== undefined && merges !== undefined) {
    const addedTokens = await readJsonIfPresent(path.join(folder, 'added_tokens.json'));
    return createTokenizerFromVocabMerges({ vocab, merges, config: configNode, addedTokens }, folder);
  }
  const ranks = await readTextIfPresent(path.join(folder, 'tokenizer.model'));
  if (ranks !== undefined && /^[A-Za-z0-9+/=]+ \d+\r?\n/.test(ranks)) {
    return createTokenizerFromTiktoken(ranks, {}, path.join(folder, 'tokenizer.model'));
  }
  throw new ModelFormatError('no tokenizer in folder', {
    path: folder,
    expected: 'tokenizer.json, vocab.json + merges.txt, or tiktoken tokenizer.model',
  });
}

async function statOrThrow(location: string) {
  try {
    return await stat(location);
  } catch (error) {
    throw new ModelFormatError('tokenizer path does not exist', { path: location, cause: error });
  }
}

async function readTextIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelFormatError('cannot read tokenizer file', { path: file, cause: error });
  }
}

async function readJsonIfPresent(file: string): Promise<unknown> {
  const text = await readTextIfPresent(file);
  return text === undefined ? undefined : parseJson(text, file);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelFormatError('invalid JSON', { path: file, cause: error });
  }
}
