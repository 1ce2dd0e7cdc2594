import { ModelFormatError } from '@x/core';
import type { GGUFValue } from './read-gguf-value.js';

type Metadata = Record<string, GGUFValue>;

function describe(value: GGUFValue | undefined): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return `array of ${value.length}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

function wrongType(
  key: string,
  expected: string,
  value: GGUFValue | undefined,
  path?: string,
): ModelFormatError {
  const message =
    value === undefined ? `metadata key ${key} is missing` : `metadata key ${key} has the wrong type`;
  return new ModelFormatError(message, { path, expected, got: describe(value) });
}

/** The string at `key`; throws ModelFormatError when missing or not a string. */
export function getString(meta: Metadata, key: string, path?: string): string {
  const value = meta[key];
  if (typeof value !== 'string') throw wrongType(key, 'string', value, path);
  return value;
}

/** The number at `key` (a safe 64-bit integer counts); throws when missing or not a number. */
export function getNumber(meta: Metadata, key: string, path?: string): number {
  const value = meta[key];
  if (typeof value !== 'number') throw wrongType(key, 'number', value, path);
  return value;
}

/** The boolean at `key`; throws when missing or not a boolean. */
export function getBoolean(meta: Metadata, key: string, path?: string): boolean {
  const value = meta[key];
  if (typeof value !== 'boolean') throw wrongType(key, 'boolean', value, path);
  return value;
}

/** The array at `key`; throws when missing or not an array. */
export function getArray(meta: Metadata, key: string, path?: string): GGUFValue[] {
  const value = meta[key];
  if (!Array.isArray(value)) throw wrongType(key, 'array', value, path);
  return value;
}

/** The string array at `key` (e.g. tokenizer.ggml.tokens); throws when any element is not a string. */
export function getStringArray(meta: Metadata, key: string, path?: string): string[] {
  const value = getArray(meta, key, path);
  if (value.some((element) => typeof element !== 'string'))
    throw wrongType(key, 'array of strings', value, path);
  return value as string[];
}

/** The number array at `key` (e.g. tokenizer.ggml.scores); throws when any element is not a number. */
export function getNumberArray(meta: Metadata, key: string, path?: string): number[] {
  const value = getArray(meta, key, path);
  if (value.some((element) => typeof element !== 'number'))
    throw wrongType(key, 'array of numbers', value, path);
  return value as number[];
}

/** The value at `key` read by `get`, or `fallback` when the key is absent (a present wrong type still throws). */
export function getOptional<T>(
  meta: Metadata,
  key: string,
  get: (meta: Metadata, key: string, path?: string) => T,
  fallback: T,
  path?: string,
): T {
  return meta[key] === undefined ? fallback : get(meta, key, path);
}

/** general.architecture. */
export function getArchitecture(meta: Metadata, path?: string): string {
  return getString(meta, 'general.architecture', path);
}

/** `${arch}.${key}` for the file's architecture, e.g. archKey(meta, 'context_length') → "llama.context_length". */
export function archKey(meta: Metadata, key: string, path?: string): string {
  return `${getArchitecture(meta, path)}.${key}`;
}

/** The number at `${arch}.${key}`; throws when missing or not a number. */
export function getArchNumber(meta: Metadata, key: string, path?: string): number {
  return getNumber(meta, archKey(meta, key, path), path);
}
