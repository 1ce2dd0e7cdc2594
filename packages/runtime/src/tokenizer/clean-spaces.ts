/**
 * llama.cpp's clean_spaces pass on decoded text (HF clean_up_tokenization_spaces): drops the space
 * before `?!.,`, around a lone apostrophe, and before `'s 'm 're 've`.
 */
export function cleanSpaces(text: string): string {
  return text
    .replace(/ ([?!.,])/g, '$1')
    .replace(/ ' /g, "'")
    .replace(/ '(s|m|re|ve)/g, "'$1");
}
