import { ModelFormatError } from '@x/core';

/** A loosely typed tokenizer.json node. */
export type HfNode = Record<string, unknown>;

export function isNode(value: unknown): value is HfNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The node's `type`, or a typed error naming where the node sits. */
export function nodeType(node: unknown, where: string, source?: string): string {
  if (!isNode(node) || typeof node.type !== 'string') {
    throw new ModelFormatError(`${where} has no type`, { path: source, expected: 'an object with a type' });
  }
  return node.type;
}

/** An added-token text from a config value (`"<s>"` or `{ content: "<s>" }`). */
export function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isNode(value) && typeof value.content === 'string') return value.content;
  return undefined;
}
