type Values = Record<string, unknown>;

/** Whether `values` has its own `key` set to something other than undefined. */
export function has(values: Readonly<Values>, key: string): boolean {
  return Object.hasOwn(values, key) && values[key] !== undefined;
}
