import type { ModelShape } from './model-shapes.js';

/** One tensor of a llama-family model: its llama.cpp name, ggml shape and how to fill it. */
export interface TensorPlan {
  name: string;
  /** ggml order: [input features, output features] for matrices. */
  shape: number[];
  /** Matrices take the requested quantization; norms and biases stay F32. */
  role: 'matrix' | 'norm' | 'bias';
  /** Block index of `blk.N.*` tensors. */
  layer?: number;
}

/** The tensors llama.cpp expects for `shape`, in the order its converter writes them. */
export function modelTensors(shape: ModelShape, vocab: number): TensorPlan[] {
  const headDim = shape.embedding / shape.heads;
  const qRows = shape.heads * headDim;
  const kvRows = shape.kvHeads * headDim;
  const plans: TensorPlan[] = [
    { name: 'token_embd.weight', shape: [shape.embedding, vocab], role: 'matrix' },
  ];
  for (let layer = 0; layer < shape.layers; layer++) {
    const blk = `blk.${layer}`;
    const block: Omit<TensorPlan, 'layer'>[] = [
      { name: `${blk}.attn_norm.weight`, shape: [shape.embedding], role: 'norm' },
      { name: `${blk}.attn_q.weight`, shape: [shape.embedding, qRows], role: 'matrix' },
      { name: `${blk}.attn_k.weight`, shape: [shape.embedding, kvRows], role: 'matrix' },
      { name: `${blk}.attn_v.weight`, shape: [shape.embedding, kvRows], role: 'matrix' },
    ];
    if (shape.attentionBias) {
      block.push(
        { name: `${blk}.attn_q.bias`, shape: [qRows], role: 'bias' },
        { name: `${blk}.attn_k.bias`, shape: [kvRows], role: 'bias' },
        { name: `${blk}.attn_v.bias`, shape: [kvRows], role: 'bias' },
      );
    }
    block.push(
      { name: `${blk}.attn_output.weight`, shape: [qRows, shape.embedding], role: 'matrix' },
      { name: `${blk}.ffn_norm.weight`, shape: [shape.embedding], role: 'norm' },
      { name: `${blk}.ffn_gate.weight`, shape: [shape.embedding, shape.feedForward], role: 'matrix' },
      { name: `${blk}.ffn_up.weight`, shape: [shape.embedding, shape.feedForward], role: 'matrix' },
      { name: `${blk}.ffn_down.weight`, shape: [shape.feedForward, shape.embedding], role: 'matrix' },
    );
    plans.push(...block.map((plan) => ({ ...plan, layer })));
  }
  plans.push({ name: 'output_norm.weight', shape: [shape.embedding], role: 'norm' });
  if (!shape.tiedEmbeddings)
    plans.push({ name: 'output.weight', shape: [shape.embedding, vocab], role: 'matrix' });
  return plans;
}

/** Total number of weights in `plans`. */
export function parameterCount(plans: TensorPlan[]): number {
  return plans.reduce((sum, plan) => sum + plan.shape.reduce((a, b) => a * b, 1), 0);
}
