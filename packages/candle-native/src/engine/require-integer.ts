/** A whole number in [min, max], or a RangeError naming the argument. */
export function requireInteger(name: string, value: unknown, min: number, max = 2 ** 31 - 1): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${value}`);
  }
  return value;
}
