import { HubReferenceError } from './hub-reference-error.js';
import type { RepoFile } from './repo-files.js';

/** Decoder graphs in the order the ONNX loader looks for them (Optimum, transformers.js, genai). */
const GRAPH_CANDIDATES = [
  'onnx/model.onnx',
  'model.onnx',
  'onnx/decoder_model_merged.onnx',
  'decoder_model_merged.onnx',
];

/**
 * The files a model folder needs, without every other variant beside it: the folder's own small
 * files (configs, tokenizer) plus one graph and its external data. `graph` is a path inside the
 * folder (e.g. 'onnx/model_q4.onnx'); by default the first of the usual names, else the only graph.
 */
export function selectFolderFiles(
  reference: string,
  files: RepoFile[],
  folder: string,
  graph?: string,
): RepoFile[] {
  const prefix = folder === '' ? '' : `${folder}/`;
  const inside = files.filter((file) => file.path.startsWith(prefix));
  if (inside.length === 0) throw new HubReferenceError(reference, `the repository has no folder "${folder}"`);
  const relative = (file: RepoFile) => file.path.slice(prefix.length);
  const graphs = inside.filter((file) => relative(file).endsWith('.onnx'));
  if (graphs.length === 0) {
    const ggufs = inside.filter((file) => file.path.endsWith('.gguf')).map((file) => file.path);
    const hint = ggufs.length > 0 ? `; name one file: ${ggufs.slice(0, 5).join(', ')}` : '';
    throw new HubReferenceError(reference, `the folder holds no ONNX model${hint}`);
  }
  const chosen =
    graph !== undefined
      ? graphs.find((file) => relative(file) === graph)
      : (GRAPH_CANDIDATES.map((name) => graphs.find((file) => relative(file) === name)).find(Boolean) ??
        (graphs.length === 1 ? graphs[0] : undefined));
  if (chosen === undefined) {
    const names = graphs.map(relative).slice(0, 8).join(', ');
    throw new HubReferenceError(reference, `pick a graph by naming it (hf:owner/repo/<graph>): ${names}`);
  }
  const data = inside.filter((file) => file !== chosen && isDataOf(file.path, chosen.path));
  const support = inside.filter((file) => !relative(file).includes('/') && isSupportFile(file.path));
  return [...new Set([...support, chosen, ...data])];
}

/** The model folder of a graph: the folder holding it, or the one above when that is `onnx/`. */
export function modelFolderOf(path: string): string {
  const parts = path.split('/').slice(0, -1);
  if (parts.at(-1) === 'onnx') parts.pop();
  return parts.join('/');
}

function isDataOf(file: string, graph: string): boolean {
  return file.startsWith(`${graph}_data`) || file.startsWith(`${graph}.data`);
}

function isSupportFile(file: string): boolean {
  return /\.(json|txt|model|jinja)$/.test(file);
}
