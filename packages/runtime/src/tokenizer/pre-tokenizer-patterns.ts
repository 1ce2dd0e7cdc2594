import { UnsupportedError } from '@x/core';

// llama.cpp's whitespace set (unicode.cpp); JS `\s` differs (it has U+FEFF and lacks U+0085).
const W = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const S = `[${W}]`;
const NS = `[^${W}]`;
const CONTRACTIONS_CI = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";

const GPT2 = `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${W}\\p{L}\\p{N}]+|${S}+(?!${NS})|${S}+`;
const LLAMA3 = `${CONTRACTIONS_CI}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${W}\\p{L}\\p{N}]+[\\r\\n]*|${S}*[\\r\\n]+|${S}+(?!${NS})|${S}+`;
const QWEN2 = `${CONTRACTIONS_CI}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^${W}\\p{L}\\p{N}]+[\\r\\n]*|${S}*[\\r\\n]+|${S}+(?!${NS})|${S}+`;
const GPT4O = `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+${CONTRACTIONS_CI}?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*${CONTRACTIONS_CI}?|\\p{N}{1,3}| ?[^${W}\\p{L}\\p{N}]+[\\r\\n/]*|${S}*[\\r\\n]+|${S}+(?!${NS})|${S}+`;
const CJK = '[\\u4e00-\\u9fa5\\u0800-\\u4e00\\uac00-\\ud7ff]+';
// DeepSeek-LLM's letter class, as code points: the literal characters include NFC-unstable ones.
const DEEPSEEK_LETTERS = [
  '\\u{0041}-\\u{005a}\\u{0061}-\\u{007a}\\u{00b5}\\u{00c0}-\\u{00d6}\\u{00d8}-\\u{00f6}',
  '\\u{00f8}-\\u{01ba}\\u{01bc}-\\u{01bf}\\u{01c4}-\\u{0293}\\u{0295}-\\u{02af}',
  '\\u{0370}-\\u{0373}\\u{0376}-\\u{0377}\\u{037b}-\\u{037d}\\u{037f}\\u{0386}',
  '\\u{0388}-\\u{038a}\\u{038c}\\u{038e}-\\u{03a1}\\u{03a3}-\\u{03f5}\\u{03f7}-\\u{0481}',
  '\\u{048a}-\\u{052f}\\u{0531}-\\u{0556}\\u{10a0}-\\u{10c5}\\u{13a0}-\\u{13f5}',
  '\\u{13f8}-\\u{13fd}\\u{1c90}-\\u{1cba}\\u{1cbd}-\\u{1cbf}\\u{1d00}-\\u{1d2b}',
  '\\u{1d6b}-\\u{1d77}\\u{1d79}-\\u{1d9a}\\u{1e00}-\\u{1f15}\\u{1f18}-\\u{1f1d}',
  '\\u{1f20}-\\u{1f45}\\u{1f48}-\\u{1f4d}\\u{1f50}-\\u{1f57}\\u{1f59}\\u{1f5b}\\u{1f5d}',
  '\\u{1f5f}-\\u{1f7d}\\u{1f80}-\\u{1fb4}\\u{1fb6}-\\u{1fbc}\\u{1fbe}\\u{1fc2}-\\u{1fc4}',
  '\\u{1fc6}-\\u{1fcc}\\u{1fd0}-\\u{1fd3}\\u{1fd6}-\\u{1fdb}\\u{1fe0}-\\u{1fec}',
  '\\u{1ff2}-\\u{1ff4}\\u{1ff6}-\\u{1ffc}\\u{2102}\\u{2107}\\u{210a}-\\u{2113}\\u{2115}',
  '\\u{2119}-\\u{211d}\\u{2124}\\u{2126}\\u{2128}\\u{212a}-\\u{212d}\\u{212f}-\\u{2134}',
  '\\u{2139}\\u{213c}-\\u{213f}\\u{2145}-\\u{2149}\\u{214e}\\u{2183}-\\u{2184}',
  '\\u{2c00}-\\u{2c7b}\\u{2c7e}-\\u{2ce4}\\u{2ceb}-\\u{2cee}\\u{2cf2}-\\u{2cf3}',
  '\\u{a640}-\\u{a66d}\\u{a680}-\\u{a69b}\\u{a722}-\\u{a76f}\\u{a771}-\\u{a787}',
  '\\u{a78b}-\\u{a78e}\\u{ab70}-\\u{abbf}\\u{fb00}-\\u{fb06}\\u{fb13}-\\u{fb17}',
  '\\u{ff21}-\\u{ff3a}\\u{ff41}-\\u{ff5a}\\u{10400}-\\u{1044f}\\u{104b0}-\\u{104d3}',
  '\\u{104d8}-\\u{104fb}\\u{10c80}-\\u{10cb2}\\u{10cc0}-\\u{10cf2}\\u{118a0}-\\u{118df}',
  '\\u{1e900}-\\u{1e943}',
].join('');

/** The pattern lists of llama.cpp's BPE pre-tokenizers, by their `tokenizer.ggml.pre` name. */
const PATTERNS: Record<string, readonly string[]> = {
  default: ['[\\p{P}\\$\\+<=>\\^~\\|]+', GPT2, '\\p{N}+', '[0-9][0-9][0-9]'],
  'gpt-2': [GPT2],
  llama3: [LLAMA3],
  qwen2: [QWEN2],
  starcoder: ['\\p{N}', GPT2],
  falcon: ['[\\p{P}\\$\\+<=>\\^~\\|`]+', GPT2, '[0-9][0-9][0-9]'],
  'deepseek-llm': [
    '[\\r\\n]',
    `${S}?[${DEEPSEEK_LETTERS}]+`,
    `${S}?[!-/:-~\\uff01-\\uff0f\\uff1a-\\uff5e\\u2018-\\u201f\\u3000-\\u3002]+`,
    `${S}+$`,
    CJK,
    '\\p{N}+',
  ],
  'deepseek-coder': ['[\\r\\n]', `${S}?\\p{L}+`, `${S}?\\p{P}+`, CJK, '\\p{N}'],
  'gpt-4o': [GPT4O],
  bloom: [' ?[^(\\s|.,!?…。，、।۔،)]+'],
};

const ALIASES: Record<string, string> = {
  'llama-v3': 'llama3',
  'llama-bpe': 'llama3',
  falcon3: 'llama3',
  dbrx: 'llama3',
  'smaug-bpe': 'llama3',
  pixtral: 'llama3',
  mpt: 'gpt-2',
  olmo: 'gpt-2',
  jais: 'gpt-2',
  'phi-2': 'gpt-2',
  'jina-es': 'gpt-2',
  'jina-de': 'gpt-2',
  'jina-v1-en': 'gpt-2',
  'jina-v2-es': 'gpt-2',
  'jina-v2-de': 'gpt-2',
  'jina-v2-code': 'gpt-2',
  'roberta-bpe': 'gpt-2',
  exaone4: 'gpt-2',
  refact: 'starcoder',
  'command-r': 'starcoder',
  smollm: 'starcoder',
  codeshell: 'starcoder',
  exaone: 'starcoder',
  'minerva-7b': 'starcoder',
  stablelm2: 'qwen2',
  'deepseek-r1-qwen': 'qwen2',
  megrez: 'qwen2',
  hunyuan: 'qwen2',
  'chatglm-bpe': 'llama3',
  glm4: 'llama3',
  llama4: 'gpt-4o',
  'poro-chat': 'bloom',
  'gpt3-finnish': 'bloom',
};

/** Pre-tokenizers whose decoded text keeps " ?" and " 's" as they are (llama.cpp clean_spaces off). */
export const KEEPS_SPACES = new Set([
  'deepseek-llm',
  'deepseek-coder',
  'qwen2',
  'command-r',
  'smollm',
  'gpt-4o',
]);

/** The regex list for a pre-tokenizer name; an empty or missing name gives llama.cpp's default. */
export function preTokenizerPatterns(name: string | undefined): RegExp[] {
  const key = name === undefined || name === '' ? 'default' : (ALIASES[name] ?? name);
  const sources = PATTERNS[key];
  if (sources === undefined) {
    throw new UnsupportedError('tokenizer.ggml.pre', `unknown BPE pre-tokenizer '${name}'`);
  }
  return sources.map((source) => new RegExp(source, 'gu'));
}

/**
 * A tokenizer.json Split regex for V8: `(?i:…)` groups spelled out, and `\s`/`\S` as Unicode White_Space
 * (what the Rust side matches, and llama.cpp's set) rather than JS's.
 */
export function compileHfPattern(source: string): RegExp {
  const expanded = source.replace(
    /\(\?i:([^()]*)\)/g,
    (_, body: string) =>
      `(?:${body.replace(/[a-zA-Z]/g, (letter) => `[${letter.toLowerCase()}${letter.toUpperCase()}]`)})`,
  );
  let out = '';
  let inClass = false;
  for (let i = 0; i < expanded.length; i++) {
    const char = expanded[i] as string;
    if (char === '\\') {
      const next = expanded[i + 1] ?? '';
      i++;
      if (next === 's') out += inClass ? W : S;
      else if (next === 'S' && !inClass) out += NS;
      else out += char + next;
      continue;
    }
    if (char === '[' && !inClass) inClass = true;
    else if (char === ']' && inClass) inClass = false;
    out += char;
  }
  return new RegExp(out, 'gu');
}

/** GPT-2's pattern (the ByteLevel pre-tokenizer's) with llama.cpp's whitespace set. */
export function gpt2Pattern(): RegExp {
  return new RegExp(GPT2, 'gu');
}
