import { type HfNode, isNode, tokenContent } from './hf-json.js';
import { END_OF_GENERATION_TEXTS } from './special-token-names.js';
import type { Vocab } from './vocab.js';

export interface HfSpecialIds {
  bosId: number | undefined;
  eosId: number | undefined;
  prefixIds: number[];
  suffixIds: number[];
  stopIds: Set<number>;
}

const EOS_GUESSES = ['</s>', '<|endoftext|>', '<|end_of_text|>', '<eos>', '<|im_end|>'];

/** BOS/EOS, what addSpecial adds (from the post-processor, else tokenizer_config), and the stop ids. */
export function hfSpecialIds(
  postProcessor: unknown,
  config: HfNode,
  vocab: Vocab,
  _source?: string,
): HfSpecialIds {
  const idOf = (text: string | undefined) => (text === undefined ? undefined : vocab.idOf.get(text));
  const template = findTemplate(postProcessor);
  let prefixIds: number[] = [];
  let suffixIds: number[] = [];
  if (template !== undefined) {
    ({ prefixIds, suffixIds } = templateIds(template));
  } else if (
    isNode(postProcessor) &&
    (postProcessor.type === 'RobertaProcessing' || postProcessor.type === 'BertProcessing')
  ) {
    const cls = Array.isArray(postProcessor.cls) ? idOf(String(postProcessor.cls[0])) : undefined;
    const sep = Array.isArray(postProcessor.sep) ? idOf(String(postProcessor.sep[0])) : undefined;
    prefixIds = cls === undefined ? [] : [cls];
    suffixIds = sep === undefined ? [] : [sep];
  } else {
    const bos = idOf(tokenContent(config.bos_token));
    const eos = idOf(tokenContent(config.eos_token));
    if (config.add_bos_token === true && bos !== undefined) prefixIds = [bos];
    if (config.add_eos_token === true && eos !== undefined) suffixIds = [eos];
  }
  const bosId = idOf(tokenContent(config.bos_token)) ?? prefixIds[0];
  const eosId =
    idOf(tokenContent(config.eos_token)) ??
    EOS_GUESSES.map((text) => idOf(text)).find((id) => id !== undefined);
  const stopIds = new Set<number>();
  if (eosId !== undefined) stopIds.add(eosId);
  for (const text of END_OF_GENERATION_TEXTS) {
    const id = idOf(text);
    if (id !== undefined && vocab.isControl(id)) stopIds.add(id);
  }
  return { bosId, eosId, prefixIds, suffixIds, stopIds };
}

function findTemplate(node: unknown): HfNode | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'TemplateProcessing') return node;
  if (node.type === 'Sequence' && Array.isArray(node.processors)) {
    for (const item of node.processors) {
      const found = findTemplate(item);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Ids of the special tokens around `$A` in the template's `single` form. */
function templateIds(template: HfNode): { prefixIds: number[]; suffixIds: number[] } {
  const specials = isNode(template.special_tokens) ? template.special_tokens : {};
  const prefixIds: number[] = [];
  const suffixIds: number[] = [];
  let seenSequence = false;
  for (const piece of Array.isArray(template.single) ? template.single : []) {
    if (!isNode(piece)) continue;
    if (isNode(piece.Sequence)) {
      seenSequence = true;
      continue;
    }
    if (!isNode(piece.SpecialToken)) continue;
    const entry = specials[String(piece.SpecialToken.id)];
    const ids =
      isNode(entry) && Array.isArray(entry.ids) ? entry.ids.filter((id) => typeof id === 'number') : [];
    (seenSequence ? suffixIds : prefixIds).push(...(ids as number[]));
  }
  return { prefixIds, suffixIds };
}
