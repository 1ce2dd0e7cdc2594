import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readGGUF } from '@x/runtime';
import { type ConvertedModel, type ConvertGGUFOptions, convertGGUF } from '../gguf-to-onnx/convert-gguf.js';
import { hfTokenizerFiles } from './hf-tokenizer-files.js';

/**
 * Writes a GGUF as an HF / transformers.js folder: config.json, generation_config.json, tokenizer.json,
 * tokenizer_config.json and onnx/model.onnx, loadable by transformers.js with local files only.
 */
export async function exportHfFolder(
  ggufPath: string,
  folder: string,
  options: ConvertGGUFOptions = {},
): Promise<ConvertedModel> {
  const converted = await convertGGUF(ggufPath, folder, options);
  const { metadata } = await readGGUF(ggufPath);
  const { tokenizer, tokenizerConfig } = hfTokenizerFiles(metadata, converted.spec.maxPositions);
  await writeFile(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizer));
  await writeFile(
    path.join(folder, 'tokenizer_config.json'),
    `${JSON.stringify(tokenizerConfig, null, 2)}\n`,
  );
  return converted;
}
