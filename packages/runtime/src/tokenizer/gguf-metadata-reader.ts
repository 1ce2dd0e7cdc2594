import { ModelFormatError } from '@x/core';
import type { GGUFValue } from '../gguf/index.js';

/** Typed access to `tokenizer.ggml.*` metadata with errors that name the key. */
export class GGUFMetadataReader {
  constructor(
    private readonly metadata: Record<string, GGUFValue>,
    private readonly source?: string,
  ) {}

  string(key: string): string | undefined {
    const value = this.metadata[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw this.bad(key, 'string', value);
    return value;
  }

  number(key: string): number | undefined {
    const value = this.metadata[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number') throw this.bad(key, 'number', value);
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.metadata[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw this.bad(key, 'bool', value);
    return value;
  }

  strings(key: string): string[] | undefined {
    const value = this.metadata[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw this.bad(key, 'array of strings', value);
    }
    return value as string[];
  }

  numbers(key: string): number[] | undefined {
    const value = this.metadata[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'number')) {
      throw this.bad(key, 'array of numbers', value);
    }
    return value as number[];
  }

  private bad(key: string, expected: string, value: GGUFValue): ModelFormatError {
    const got = Array.isArray(value) ? 'array' : typeof value;
    return new ModelFormatError(`metadata ${key} has the wrong type`, { path: this.source, expected, got });
  }
}
