import type {
  Adapter,
  AdapterCallOptions,
  AdapterCallResult,
  Demo,
  HistoryTurn,
} from '../adapters/adapter.js';
import type { LM, Message } from '../lm/lm.js';
import type { Signature } from '../signature/signature.js';

type Values = Record<string, unknown>;

/**
 * Refine's `WrapperAdapter`: every call gets an extra input field `hint_` ("A hint to the module from
 * an earlier run") holding the advice for this predictor, then goes to the wrapped adapter.
 */
export class HintAdapter implements Adapter {
  readonly name: string;

  constructor(
    readonly base: Adapter,
    readonly hint: string,
  ) {
    this.name = base.name;
  }

  format<I extends Values, O extends Values>(
    signature: Signature<I, O>,
    demos: readonly Demo[],
    inputs: Partial<I>,
    history?: readonly HistoryTurn[],
  ): Message[] {
    return this.base.format(withHint(signature), demos, { ...inputs, hint_: this.hint }, history);
  }

  parse<I extends Values, O extends Values>(signature: Signature<I, O>, text: string): O {
    return this.base.parse(signature, text);
  }

  async call<I extends Values, O extends Values>(
    lm: LM,
    signature: Signature<I, O>,
    demos: readonly Demo[],
    inputs: Partial<I>,
    options?: AdapterCallOptions,
  ): Promise<AdapterCallResult<O>> {
    const hinted = withHint(signature) as unknown as Signature<Values, O>;
    return this.base.call(lm, hinted, demos, { ...inputs, hint_: this.hint }, options);
  }
}

function withHint(signature: Signature): Signature {
  return signature.append('hint_', { desc: 'A hint to the module from an earlier run' }, 'input');
}
