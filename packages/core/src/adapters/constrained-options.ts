import type { GenerateOptions } from '../lm/lm.js';
import type { Signature } from '../signature/signature.js';
import type { Adapter } from './adapter.js';

/**
 * `options` with the adapter's output grammar as `constraint`, unless the caller set one already
 * or turned constraints off (`constrain: false`).
 */
export function constrainedOptions<T extends GenerateOptions>(
  adapter: Pick<Adapter, 'outputConstraint'>,
  signature: Signature,
  options: T,
): T & Pick<GenerateOptions, 'constraint'> {
  if (options.constrain === false || options.constraint !== undefined || !adapter.outputConstraint)
    return options;
  return { ...options, constraint: adapter.outputConstraint(signature) };
}
