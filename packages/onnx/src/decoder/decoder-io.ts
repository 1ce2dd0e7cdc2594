import { ModelFormatError, UnsupportedError } from '@x/core';
import type { OrtElementType, OrtValueInfo } from '../ort/ort-session.js';

/** One cache input and the output that becomes it on the next step. */
export interface KVSlot {
  input: string;
  output: string;
  /** Shape with batch 1 and time 0: [1, H, 0, D], or [2, 1, H, 0, D] for fused past_N. */
  emptyDims: number[];
  timeAxis: number;
}

export type DecodePadding = 'left' | 'right' | 'none';

/** What a decoder graph takes and gives, as discovered from its session. */
export interface DecoderIO {
  inputIds: { name: string; type: OrtElementType };
  attentionMask?: { name: string; type: OrtElementType };
  positionIds?: { name: string; type: OrtElementType };
  /** How many trailing rows get logits (0: all), in graphs that take it: fed 1 for 'last'. */
  numLogitsToKeep?: { name: string; type: OrtElementType };
  /** GroupQueryAttention graphs that take these explicitly (int32). */
  seqlensK?: string;
  totalSequenceLength?: string;
  logits: string;
  logitsType: OrtElementType;
  /** Width of a logits row, when the graph states it. */
  logitsWidth?: number;
  slots: KVSlot[];
  kvType: 'float32' | 'float16';
  /**
   * Where the shorter caches of a decode batch go: 'right' for GroupQueryAttention, which reads each row's
   * length from seqlens_k and keeps its tokens first; 'left' for graphs with an attention mask and position
   * ids, where padding is masked out; 'none' (equal lengths only) for graphs that take neither.
   */
  padding: DecodePadding;
  layerCount: number;
  kvHeads: number;
  headDim: number;
}

const SEPARATE = /^past_key_values\.(\d+)\.(key|value)$/;
const FUSED = /^past_(\d+)$/;
const SUPPORTED_IDS = ['int32', 'int64'];

const GROUP_QUERY_ATTENTION = 'com.microsoft:GroupQueryAttention';

/**
 * Reads the decoder's inputs and outputs, and from the graph's op types (see graphOpTypes) how it pads a
 * decode batch; throws ModelFormatError (naming `path`) for graphs it cannot drive.
 */
export function describeDecoderIO(
  inputs: readonly OrtValueInfo[],
  outputs: readonly OrtValueInfo[],
  path: string,
  opTypes: ReadonlySet<string> = new Set(),
): DecoderIO {
  const input = (name: string) => inputs.find((value) => value.name === name);
  const outputNames = new Set(outputs.map((value) => value.name));
  const ids = input('input_ids');
  if (ids === undefined) {
    throw new ModelFormatError('the graph has no input_ids input', {
      path,
      expected: 'input_ids',
      got: inputs.map((value) => value.name).join(', ') || 'no inputs',
    });
  }
  const typed = (value: OrtValueInfo | undefined) => {
    if (value === undefined) return undefined;
    if (!SUPPORTED_IDS.includes(value.type)) {
      throw new ModelFormatError(`input ${value.name} has an unsupported type`, {
        path,
        expected: 'int32 or int64',
        got: value.type,
      });
    }
    return { name: value.name, type: value.type };
  };
  const logits = outputs.find((value) => value.name === 'logits') ?? outputs[0];
  if (logits === undefined || !['float32', 'float16'].includes(logits.type)) {
    throw new ModelFormatError('the graph has no float logits output', {
      path,
      expected: 'logits (float32 or float16)',
      got: logits === undefined ? 'no outputs' : `${logits.name} (${logits.type})`,
    });
  }
  const slots = kvSlots(inputs, outputNames, path);
  const first = slots[0];
  if (first === undefined) {
    throw new ModelFormatError('the graph has no KV-cache inputs', {
      path,
      expected: 'past_key_values.N.key/value or past_N',
      got: inputs.map((value) => value.name).join(', '),
    });
  }
  const kvType = inputs.find((value) => value.name === first.input)?.type;
  if (kvType !== 'float32' && kvType !== 'float16') {
    throw new UnsupportedError(`kv-type:${kvType}`, `${path}: KV cache of type ${kvType} is not supported`);
  }
  const width = logits.shape[logits.shape.length - 1];
  const dims = first.emptyDims;
  const attentionMask = typed(input('attention_mask'));
  const positionIds = typed(input('position_ids'));
  const seqlensK = input('seqlens_k')?.name;
  const padding: DecodePadding =
    seqlensK !== undefined || (attentionMask !== undefined && opTypes.has(GROUP_QUERY_ATTENTION))
      ? 'right'
      : attentionMask !== undefined && positionIds !== undefined
        ? 'left'
        : 'none';
  return {
    inputIds: typed(ids)!,
    attentionMask,
    positionIds,
    numLogitsToKeep: typed(input('num_logits_to_keep')),
    seqlensK,
    totalSequenceLength: input('total_sequence_length')?.name,
    logits: logits.name,
    logitsType: logits.type,
    logitsWidth: typeof width === 'number' ? width : undefined,
    slots,
    kvType,
    padding,
    layerCount: first.input.startsWith('past_key_values') ? slots.length / 2 : slots.length,
    kvHeads: dims[dims.length - 3]!,
    headDim: dims[dims.length - 1]!,
  };
}

function kvSlots(inputs: readonly OrtValueInfo[], outputNames: Set<string>, path: string): KVSlot[] {
  const slots: Array<KVSlot & { order: number }> = [];
  for (const value of inputs) {
    const separate = SEPARATE.exec(value.name);
    const fused = FUSED.exec(value.name);
    if (separate === null && fused === null) continue;
    const output = separate ? `present.${separate[1]}.${separate[2]}` : `present_${fused![1]}`;
    if (!outputNames.has(output)) {
      throw new ModelFormatError(`cache input ${value.name} has no matching output`, {
        path,
        expected: output,
      });
    }
    const rank = separate ? 4 : 5;
    if (value.shape.length !== rank) {
      throw new ModelFormatError(`cache input ${value.name} has the wrong rank`, {
        path,
        expected: `${rank} dimensions`,
        got: `[${value.shape.join(', ')}]`,
      });
    }
    const timeAxis = rank - 2;
    const batchAxis = rank - 4;
    const emptyDims = value.shape.map((dim, axis) => {
      if (axis === timeAxis) return 0;
      if (axis === batchAxis) return 1;
      if (axis === 0 && fused) return 2;
      if (typeof dim !== 'number') {
        throw new ModelFormatError(`cache input ${value.name} has a symbolic head dimension`, {
          path,
          expected: 'fixed heads and head size',
          got: `[${value.shape.join(', ')}]`,
        });
      }
      return dim;
    });
    const index = Number((separate ?? fused)![1]);
    const order = separate ? index * 2 + (separate[2] === 'value' ? 1 : 0) : index;
    slots.push({ input: value.name, output, emptyDims, timeAxis, order });
  }
  slots.sort((a, b) => a.order - b.order);
  return slots.map(({ order: _, ...slot }) => slot);
}
