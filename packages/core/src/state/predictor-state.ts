import type { Demo } from '../adapters/adapter.js';
import type { Predictor } from '../modules/module.js';
import { annotationName } from '../signature/annotation-name.js';
import { Signature } from '../signature/signature.js';
import { ProgramStateError } from './program-state-error.js';

type Values = Record<string, unknown>;

/**
 * One field as DSPy's `Signature.dump_state` writes it (prefix, description), plus the name and
 * type annotation, which DSPy ignores on load and x checks when present.
 */
export interface FieldState {
  prefix: string;
  description: string;
  name?: string;
  type?: string;
}

/** DSPy 3.3.1's `Predict.dump_state()` shape. */
export interface PredictorState {
  traces: unknown[];
  train: unknown[];
  demos: Values[];
  signature: { instructions: string; fields: FieldState[] };
  lm: null | Values;
}

/** A predictor's state. The LM is never saved (`lm: null`): attach one after loading. */
export function dumpPredictorState(predictor: Predictor, where: string): PredictorState {
  const signature = requireSignature(predictor, where);
  return {
    traces: [],
    train: [],
    demos: predictor.demos.map((demo) => JSON.parse(JSON.stringify(demo)) as Values),
    signature: {
      instructions: signature.instructions,
      fields: signature.fields.map((field) => ({
        prefix: field.prefix,
        description: field.desc,
        name: field.name,
        type: annotationName(field.type),
      })),
    },
    lm: null,
  };
}

/**
 * Checks `state` against `predictor` and returns what loading it means: the new signature and
 * demos, and notes on the parts x does not apply. Throws ProgramStateError on a mismatch; changes nothing.
 */
export function readPredictorState(
  predictor: Predictor,
  state: unknown,
  where: string,
): { signature: Signature; demos: Demo[]; notes: string[] } {
  const signature = requireSignature(predictor, where);
  const record = asRecord(state, where);
  if ('extended_signature' in record) {
    // dspy/predict/predict.py load_state: "Loading extended_signature is no longer supported in DSPy 2.6+"
    throw new ProgramStateError(where, 'extended_signature (DSPy ≤ 2.5) is not supported, as in DSPy 2.6+');
  }
  const saved = asRecord(record.signature, `${where}.signature`);
  if (typeof saved.instructions !== 'string') {
    throw new ProgramStateError(`${where}.signature.instructions`, 'expected a string');
  }
  const savedFields: unknown = saved.fields;
  if (!Array.isArray(savedFields))
    throw new ProgramStateError(`${where}.signature.fields`, 'expected a list');
  const fields = signature.fields;
  if (savedFields.length !== fields.length) {
    throw new ProgramStateError(
      `${where}.signature.fields`,
      `the state has ${savedFields.length} fields, the program's signature ${signature} has ${fields.length}`,
    );
  }
  const loadedFields = fields.map((field, index) => {
    const at = `${where}.signature.fields[${index}]`;
    const entry = asRecord(savedFields[index], at);
    if (typeof entry.prefix !== 'string' || typeof entry.description !== 'string') {
      throw new ProgramStateError(at, 'expected string prefix and description');
    }
    if (entry.name !== undefined && entry.name !== field.name) {
      throw new ProgramStateError(
        at,
        `saved field '${String(entry.name)}' where the program has '${field.name}'`,
      );
    }
    const type = annotationName(field.type);
    if (entry.type !== undefined && entry.type !== type) {
      throw new ProgramStateError(at, `saved type ${String(entry.type)} where '${field.name}' is ${type}`);
    }
    return { ...field, prefix: entry.prefix, desc: entry.description };
  });
  const demos = record.demos === undefined ? [] : record.demos;
  if (!Array.isArray(demos)) throw new ProgramStateError(`${where}.demos`, 'expected a list');
  for (const [index, demo] of demos.entries()) asRecord(demo, `${where}.demos[${index}]`);
  const notes: string[] = [];
  if (record.lm !== null && record.lm !== undefined) {
    notes.push(`${where}.lm: LM settings are not loaded; give the program an LM`);
  }
  for (const key of ['traces', 'train'] as const) {
    if (Array.isArray(record[key]) && record[key].length > 0) notes.push(`${where}.${key}: not used by x`);
  }
  return {
    signature: Signature.fromFields(loadedFields, saved.instructions),
    demos: demos as Demo[],
    notes,
  };
}

function requireSignature(predictor: Predictor, where: string): Signature {
  if (!(predictor.signature instanceof Signature)) {
    throw new ProgramStateError(where, 'this predictor has no signature, so it has no state to save or load');
  }
  return predictor.signature;
}

function asRecord(value: unknown, where: string): Values {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProgramStateError(
      where,
      `expected an object, got ${Array.isArray(value) ? 'a list' : String(value)}`,
    );
  }
  return value as Values;
}
