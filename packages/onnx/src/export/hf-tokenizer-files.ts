import { UnsupportedError } from '@x/core';

// llama.cpp token types
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const USER_DEFINED = 4;

export interface HfTokenizerFiles {
  tokenizer: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

/**
 * tokenizer.json and tokenizer_config.json equivalent to a GGUF's `tokenizer.ggml.*` vocabulary, for
 * 'llama' (SentencePiece: BPE with byte fallback, merges ranked by the merged piece's score, as HF's
 * Llama converter does) and 'gpt2' (byte-level BPE with the stored merges).
 */
export function hfTokenizerFiles(
  metadata: Readonly<Record<string, unknown>>,
  contextLength: number,
): HfTokenizerFiles {
  const model = metadata['tokenizer.ggml.model'];
  const tokens = metadata['tokenizer.ggml.tokens'] as string[] | undefined;
  if ((model !== 'llama' && model !== 'gpt2') || tokens === undefined) {
    throw new UnsupportedError(
      `hf-tokenizer:${String(model)}`,
      `cannot write tokenizer.json for tokenizer model ${String(model)}`,
    );
  }
  const types = (metadata['tokenizer.ggml.token_type'] as number[] | undefined) ?? [];
  const id = (key: string) => {
    const value = metadata[`tokenizer.ggml.${key}`];
    return typeof value === 'number' ? value : undefined;
  };
  const flag = (key: string, fallback: boolean) => {
    const value = metadata[`tokenizer.ggml.${key}`];
    return typeof value === 'boolean' ? value : fallback;
  };
  const spm = model === 'llama';
  const addBos = flag('add_bos_token', spm);
  const addEos = flag('add_eos_token', false);
  const spacePrefix = flag('add_space_prefix', spm);
  const bos = id('bos_token_id');
  const eos = id('eos_token_id');
  const unk = id('unknown_token_id');
  const text = (tokenId: number | undefined) => (tokenId === undefined ? undefined : tokens[tokenId]);

  const vocab: Record<string, number> = {};
  const added: Array<Record<string, unknown>> = [];
  tokens.forEach((token, tokenId) => {
    const type = types[tokenId] ?? NORMAL;
    if (type === CONTROL || type === USER_DEFINED) {
      added.push({
        id: tokenId,
        content: token,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: type === CONTROL,
      });
    }
    if (!(token in vocab)) vocab[token] = tokenId;
  });
  const merges = spm
    ? spmMerges(tokens, types, (metadata['tokenizer.ggml.scores'] as number[] | undefined) ?? [])
    : ((metadata['tokenizer.ggml.merges'] as string[] | undefined) ?? []);
  const special = (tokenId: number | undefined) =>
    tokenId === undefined ? [] : [{ SpecialToken: { id: tokens[tokenId], type_id: 0 } }];
  const single = [
    ...(addBos ? special(bos) : []),
    { Sequence: { id: 'A', type_id: 0 } },
    ...(addEos ? special(eos) : []),
  ];
  const specialTokens: Record<string, unknown> = {};
  for (const tokenId of [addBos ? bos : undefined, addEos ? eos : undefined]) {
    if (tokenId !== undefined)
      specialTokens[tokens[tokenId]!] = { id: tokens[tokenId], ids: [tokenId], tokens: [tokens[tokenId]] };
  }
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: spm
      ? {
          type: 'Sequence',
          normalizers: [
            ...(spacePrefix ? [{ type: 'Prepend', prepend: '\u2581' }] : []),
            { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' },
          ],
        }
      : null,
    pre_tokenizer: spm
      ? null
      : { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'TemplateProcessing', single, pair: single, special_tokens: specialTokens },
    decoder: spm
      ? {
          type: 'Sequence',
          decoders: [
            { type: 'Replace', pattern: { String: '\u2581' }, content: ' ' },
            { type: 'ByteFallback' },
            { type: 'Fuse' },
            ...(spacePrefix ? [{ type: 'Strip', content: ' ', start: 1, stop: 0 }] : []),
          ],
        }
      : { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: spm ? (text(unk) ?? null) : null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: spm,
      byte_fallback: spm,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
  const template = metadata['tokenizer.chat_template'];
  const tokenizerConfig = {
    tokenizer_class: spm ? 'LlamaTokenizer' : 'GPT2Tokenizer',
    add_bos_token: addBos,
    add_eos_token: addEos,
    bos_token: text(bos) ?? null,
    eos_token: text(eos) ?? null,
    unk_token: text(unk) ?? null,
    clean_up_tokenization_spaces: false,
    model_max_length: contextLength,
    ...(typeof template === 'string' ? { chat_template: template } : {}),
  };
  return { tokenizer, tokenizerConfig };
}

/** Every split of a normal piece into two vocabulary pieces, ranked by the piece's score (best first). */
function spmMerges(tokens: readonly string[], types: readonly number[], scores: readonly number[]): string[] {
  const idOf = new Map<string, number>();
  tokens.forEach((token, tokenId) => {
    if (!idOf.has(token)) idOf.set(token, tokenId);
  });
  const merges: Array<{ pair: string; score: number; id: number; left: number }> = [];
  tokens.forEach((token, tokenId) => {
    const type = types[tokenId] ?? NORMAL;
    if (type !== NORMAL && type !== UNKNOWN) return;
    const chars = Array.from(token);
    for (let i = 1; i < chars.length; i++) {
      const left = chars.slice(0, i).join('');
      const right = chars.slice(i).join('');
      const leftId = idOf.get(left);
      if (leftId === undefined || !idOf.has(right)) continue;
      merges.push({ pair: `${left} ${right}`, score: scores[tokenId] ?? 0, id: tokenId, left: leftId });
    }
  });
  merges.sort((a, b) => b.score - a.score || a.id - b.id || a.left - b.left);
  return merges.map((merge) => merge.pair);
}
