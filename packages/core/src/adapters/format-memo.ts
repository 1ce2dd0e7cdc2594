import type { OutputConstraint } from '../grammar/output-constraint.js';
import type { Signature } from '../signature/signature.js';
import type { Demo } from './adapter.js';
import { has } from './has.js';

/** How `formatDemos` shows a demo: as a complete example, as an incomplete one (with a note), or not. */
export type DemoKind = 'complete' | 'incomplete' | 'skipped';

/** One demo's two messages' texts (empty when skipped). */
export interface FormattedDemo {
  readonly kind: DemoKind;
  readonly user: string;
  readonly assistant: string;
}

interface RememberedDemo extends FormattedDemo {
  /** The demo's value for each of the signature's fields (inputs then outputs) when it was formatted. */
  readonly values: readonly unknown[];
}

/** Stands for a field the demo does not have (`has` is false). */
const ABSENT = Symbol('absent');

/**
 * One adapter's memo of what it makes from a signature alone (the system message, the output
 * requirements, the output constraint) and from one demo under a signature: an optimiser formats the
 * same signature and demos for hundreds of calls (in the optimiser bench ~0.15 ms a call). Keyed by identity in WeakMaps: a Signature is immutable (every
 * change is a new one), and a demo's texts are reused only while it holds the same primitive values
 * for the signature's fields; a demo with an object value is formatted afresh each time (it could
 * have changed inside).
 */
export class FormatMemo {
  private readonly systemMessages = new WeakMap<Signature, string>();
  private readonly outputRequirementTexts = new WeakMap<Signature, string>();
  private readonly constraints = new WeakMap<Signature, OutputConstraint>();
  private readonly demos = new WeakMap<Signature, WeakMap<Demo, RememberedDemo>>();

  systemMessage(signature: Signature, format: (signature: Signature) => string): string {
    return remembered(this.systemMessages, signature, format);
  }

  /** The main request's closing sentence (which output fields to write, in what order). */
  outputRequirements(signature: Signature, format: (signature: Signature) => string): string {
    return remembered(this.outputRequirementTexts, signature, format);
  }

  /**
   * The same constraint object for every call with this signature, so that a local LM finds its
   * compiled grammar by identity instead of serializing the grammar again.
   */
  outputConstraint(signature: Signature, make: (signature: Signature) => OutputConstraint): OutputConstraint {
    return remembered(this.constraints, signature, make);
  }

  demo(
    signature: Signature,
    demo: Demo,
    format: (signature: Signature, demo: Demo) => FormattedDemo,
  ): FormattedDemo {
    let forSignature = this.demos.get(signature);
    const known = forSignature?.get(demo);
    if (known && holdsValues(signature, demo, known.values)) return known;
    const formatted = format(signature, demo);
    const values = primitiveValues(signature, demo);
    if (values) {
      if (!forSignature) {
        forSignature = new WeakMap();
        this.demos.set(signature, forSignature);
      }
      forSignature.set(demo, { ...formatted, values });
    }
    return formatted;
  }
}

function remembered<V>(
  memo: WeakMap<Signature, V>,
  signature: Signature,
  make: (signature: Signature) => V,
): V {
  let value = memo.get(signature);
  if (value === undefined) {
    value = make(signature);
    memo.set(signature, value);
  }
  return value;
}

/** The demo's values for the signature's fields, or undefined when one is an object or a function. */
function primitiveValues(signature: Signature, demo: Demo): unknown[] | undefined {
  const values: unknown[] = [];
  for (const field of signature.inputFields) values.push(fieldValue(demo, field.name));
  for (const field of signature.outputFields) values.push(fieldValue(demo, field.name));
  const isObject = (value: unknown) =>
    (typeof value === 'object' && value !== null) || typeof value === 'function';
  return values.some(isObject) ? undefined : values;
}

function holdsValues(signature: Signature, demo: Demo, values: readonly unknown[]): boolean {
  const inputs = signature.inputFields;
  const outputs = signature.outputFields;
  for (let i = 0; i < inputs.length; i++) {
    if (!Object.is(fieldValue(demo, inputs[i]!.name), values[i])) return false;
  }
  for (let i = 0; i < outputs.length; i++) {
    if (!Object.is(fieldValue(demo, outputs[i]!.name), values[inputs.length + i])) return false;
  }
  return true;
}

function fieldValue(demo: Demo, name: string): unknown {
  return has(demo, name) ? demo[name] : ABSENT;
}
