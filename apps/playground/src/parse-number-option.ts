import { UsageError } from './usage-error.js';

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

/** `--name value` as a number within `rule`, or undefined when absent; a UsageError otherwise. */
export function parseNumberOption(
  name: string,
  value: string | undefined,
  rule: NumberRule = {},
): number | undefined {
  if (value === undefined) return undefined;
  const number = value.trim() === '' ? Number.NaN : Number(value);
  const { integer = false, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = rule;
  if (!Number.isFinite(number) || (integer && !Number.isInteger(number)) || number < min || number > max) {
    const kind = integer ? 'an integer' : 'a number';
    const range = [Number.isFinite(min) ? `≥ ${min}` : '', Number.isFinite(max) ? `≤ ${max}` : '']
      .filter(Boolean)
      .join(' and ');
    throw new UsageError(`--${name} must be ${kind}${range ? ` ${range}` : ''}, got "${value}"`);
  }
  return number;
}
