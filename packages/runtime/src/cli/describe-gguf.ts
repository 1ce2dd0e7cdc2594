import { ggmlTypeName } from '../gguf/ggml-type.js';
import { readGGUF } from '../gguf/read-gguf.js';
import type { GGUFValue } from '../gguf/read-gguf-value.js';

function summarize(value: GGUFValue): string {
  if (Array.isArray(value)) {
    const head = value
      .slice(0, 4)
      .map((element) => JSON.stringify(typeof element === 'bigint' ? String(element) : element));
    return `[${head.join(', ')}${value.length > 4 ? `, … ${value.length} items` : ''}]`;
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return String(value);
}

/** A human-readable listing of a GGUF header: metadata, then tensor counts by type. */
export async function describeGGUF(path: string): Promise<string[]> {
  const file = await readGGUF(path);
  const lines = [
    `${path}: GGUF v${file.version}, ${file.tensors.length} tensors, data at ${file.dataOffset}`,
  ];
  for (const [key, value] of Object.entries(file.metadata)) lines.push(`  ${key} = ${summarize(value)}`);
  const byType = new Map<string, number>();
  for (const tensor of file.tensors)
    byType.set(ggmlTypeName(tensor.type), (byType.get(ggmlTypeName(tensor.type)) ?? 0) + 1);
  lines.push(`  tensors by type: ${[...byType].map(([type, count]) => `${type} ${count}`).join(', ')}`);
  return lines;
}
