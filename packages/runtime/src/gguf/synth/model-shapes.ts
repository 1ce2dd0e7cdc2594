/** The hyperparameters a synthetic model needs, in llama.cpp's GGUF terms. */
export interface ModelShape {
  architecture: 'llama' | 'qwen2';
  layers: number;
  embedding: number;
  heads: number;
  kvHeads: number;
  feedForward: number;
  /** Used with the built-in tokenizer; a copied tokenizer sets the vocabulary size instead. */
  vocab: number;
  /** output.weight is omitted and the token embeddings serve as the output projection. */
  tiedEmbeddings: boolean;
  /** q/k/v projections carry biases (qwen2). */
  attentionBias: boolean;
  ropeTheta: number;
  rmsEpsilon: number;
  contextLength: number;
}

const tiny = {
  layers: 2,
  embedding: 64,
  heads: 4,
  kvHeads: 2,
  feedForward: 256,
  vocab: 320,
  contextLength: 256,
};

/** Named real-model shapes (from each model's config.json) and two tiny shapes for tests. */
export const MODEL_SHAPES: Readonly<Record<string, ModelShape>> = {
  'smollm2-135m': {
    architecture: 'llama',
    layers: 30,
    embedding: 576,
    heads: 9,
    kvHeads: 3,
    feedForward: 1536,
    vocab: 49152,
    tiedEmbeddings: true,
    attentionBias: false,
    ropeTheta: 100_000,
    rmsEpsilon: 1e-5,
    contextLength: 8192,
  },
  'qwen2.5-0.5b': {
    architecture: 'qwen2',
    layers: 24,
    embedding: 896,
    heads: 14,
    kvHeads: 2,
    feedForward: 4864,
    vocab: 151936,
    tiedEmbeddings: true,
    attentionBias: true,
    ropeTheta: 1_000_000,
    rmsEpsilon: 1e-6,
    contextLength: 32768,
  },
  'tinyllama-1.1b': {
    architecture: 'llama',
    layers: 22,
    embedding: 2048,
    heads: 32,
    kvHeads: 4,
    feedForward: 5632,
    vocab: 32000,
    tiedEmbeddings: false,
    attentionBias: false,
    ropeTheta: 10_000,
    rmsEpsilon: 1e-5,
    contextLength: 2048,
  },
  'llama-3.2-1b': {
    architecture: 'llama',
    layers: 16,
    embedding: 2048,
    heads: 32,
    kvHeads: 8,
    feedForward: 8192,
    vocab: 128256,
    tiedEmbeddings: true,
    attentionBias: false,
    ropeTheta: 500_000,
    rmsEpsilon: 1e-5,
    contextLength: 131072,
  },
  'tiny-llama': {
    ...tiny,
    architecture: 'llama',
    tiedEmbeddings: false,
    attentionBias: false,
    ropeTheta: 10_000,
    rmsEpsilon: 1e-5,
  },
  'tiny-qwen2': {
    ...tiny,
    architecture: 'qwen2',
    tiedEmbeddings: true,
    attentionBias: true,
    ropeTheta: 1_000_000,
    rmsEpsilon: 1e-6,
  },
};
