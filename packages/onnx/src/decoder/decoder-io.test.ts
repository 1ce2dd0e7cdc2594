import { describe, expect, it } from 'vitest';
import type { OrtValueInfo } from '../ort/ort-session.js';
import { describeDecoderIO } from './decoder-io.js';

const ids: OrtValueInfo = { name: 'input_ids', type: 'int64', shape: ['batch', 'seq'] };
const logits: OrtValueInfo = { name: 'logits', type: 'float16', shape: ['batch', 'seq', 256] };

describe('describeDecoderIO', () => {
  it('finds GroupQueryAttention length inputs and separate key/value caches', () => {
    const inputs: OrtValueInfo[] = [
      ids,
      { name: 'attention_mask', type: 'int64', shape: ['batch', 'total'] },
      { name: 'seqlens_k', type: 'int32', shape: ['batch'] },
      { name: 'total_sequence_length', type: 'int32', shape: [] },
      { name: 'past_key_values.1.value', type: 'float16', shape: ['batch', 2, 'past', 32] },
      { name: 'past_key_values.0.key', type: 'float16', shape: ['batch', 2, 'past', 32] },
      { name: 'past_key_values.0.value', type: 'float16', shape: ['batch', 2, 'past', 32] },
      { name: 'past_key_values.1.key', type: 'float16', shape: ['batch', 2, 'past', 32] },
    ];
    const outputs = [
      logits,
      ...[0, 1].flatMap((l) => ['key', 'value'].map((kv) => present(`present.${l}.${kv}`))),
    ];
    const io = describeDecoderIO(inputs, outputs, 'model.onnx');
    expect(io).toMatchObject({
      seqlensK: 'seqlens_k',
      totalSequenceLength: 'total_sequence_length',
      kvType: 'float16',
      layerCount: 2,
      kvHeads: 2,
      headDim: 32,
      logitsWidth: 256,
    });
    expect(io.positionIds).toBeUndefined();
    expect(io.slots.map((slot) => slot.input)).toEqual([
      'past_key_values.0.key',
      'past_key_values.0.value',
      'past_key_values.1.key',
      'past_key_values.1.value',
    ]);
    expect(io.slots[0]).toMatchObject({ emptyDims: [1, 2, 0, 32], timeAxis: 2 });
  });

  it('reads fused past_N caches [2, batch, heads, time, headDim]', () => {
    const inputs: OrtValueInfo[] = [
      ids,
      { name: 'past_0', type: 'float32', shape: [2, 'batch', 4, 'past', 8] },
    ];
    const io = describeDecoderIO(inputs, [logits, present('present_0')], 'past.onnx');
    expect(io.slots).toEqual([
      { input: 'past_0', output: 'present_0', emptyDims: [2, 1, 4, 0, 8], timeAxis: 3 },
    ]);
    expect(io.layerCount).toBe(1);
  });

  it('pads decode batches right for GroupQueryAttention, left for masks with positions, else not at all', () => {
    const cache: OrtValueInfo = { name: 'past_key_values.0.key', type: 'float32', shape: ['b', 2, 'p', 16] };
    const mask: OrtValueInfo = { name: 'attention_mask', type: 'int64', shape: ['b', 't'] };
    const positions: OrtValueInfo = { name: 'position_ids', type: 'int64', shape: ['b', 's'] };
    const padding = (inputs: OrtValueInfo[], ops: string[] = []) =>
      describeDecoderIO([ids, cache, ...inputs], [logits, present('present.0.key')], 'm.onnx', new Set(ops))
        .padding;
    const gqa = 'com.microsoft:GroupQueryAttention';
    expect(padding([mask, positions], [':MatMul', gqa])).toBe('right');
    expect(padding([mask], [gqa])).toBe('right');
    expect(padding([{ name: 'seqlens_k', type: 'int32', shape: ['b'] }])).toBe('right');
    expect(padding([mask, positions], [':MatMul', 'com.microsoft:MultiHeadAttention'])).toBe('left');
    expect(padding([mask])).toBe('none');
    expect(padding([positions])).toBe('none');
    expect(padding([], [gqa])).toBe('none');
  });

  it('names the file and the problem for graphs it cannot drive', () => {
    const cache: OrtValueInfo = { name: 'past_key_values.0.key', type: 'float32', shape: ['b', 2, 'p', 8] };
    expect(() => describeDecoderIO([cache], [logits], 'a.onnx')).toThrow(
      /a\.onnx: the graph has no input_ids/,
    );
    expect(() =>
      describeDecoderIO([{ ...ids, type: 'float32' }, cache], [logits, present('present.0.key')], 'b.onnx'),
    ).toThrow(/input_ids has an unsupported type \(expected int32 or int64, got float32\)/);
    expect(() => describeDecoderIO([ids, cache], [logits], 'c.onnx')).toThrow(
      /cache input past_key_values.0.key has no matching output/,
    );
    expect(() =>
      describeDecoderIO(
        [ids, { ...cache, shape: ['b', 'heads', 'p', 8] }],
        [logits, present('present.0.key')],
        'd.onnx',
      ),
    ).toThrow(/symbolic head dimension/);
  });
});

function present(name: string): OrtValueInfo {
  return { name, type: 'float16', shape: ['batch', 2, 'total', 32] };
}
