const words = (
  'the of and to in a is that for it as was with be by on not he I this are or his from at which but have an ' +
  'they you were her she there been one all we their has would when if so no will more can who out about ' +
  'some what could them other into time than only then its two may first any new like these now people ' +
  'over also my very after did many before must through back years where much your way well down should ' +
  'because each just those how too little state good own under make world government still great know ' +
  'children story garden morning window river mountain kitchen library teacher question answer simple ' +
  'important different following together however although, nevertheless; whatever: 1984 2,500 3.14 ' +
  "don't it's we'll they're o'clock well-known e-mail (parentheses) \"quoted\" — dash… ellipsis"
).split(' ');

const syllables = 'ka ro mi ten ster ing tion al ver pro ble com un der sa li ment ous ly re'.split(' ');

/** Deterministic English-like prose of about `bytes` bytes: common and rare words, punctuation, numbers. */
export function englishCorpus(bytes: number, seed = 7): string {
  let state = seed;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state;
  };
  const parts: string[] = [];
  let size = 0;
  let sentenceLength = 0;
  while (size < bytes) {
    // One word in five is a rare made-up one, so a tokenizer's word cache cannot hold everything.
    let word =
      next() % 5 === 0
        ? Array.from({ length: 2 + (next() % 3) }, () => syllables[next() % syllables.length]).join('')
        : words[next() % words.length]!;
    if (sentenceLength === 0) word = word[0]!.toUpperCase() + word.slice(1);
    sentenceLength++;
    const end = sentenceLength > 6 && next() % 9 === 0;
    const piece = end ? `${word}.${next() % 5 === 0 ? '\n\n' : ' '}` : `${word} `;
    if (end) sentenceLength = 0;
    parts.push(piece);
    size += Buffer.byteLength(piece);
  }
  return parts.join('');
}
