import { ChatAdapter, type Message, Signature } from '@x/core';

const people = [
  [
    'Ada Lovelace',
    '10 December 1815',
    'London',
    'the first published algorithm, written for the Analytical Engine',
  ],
  [
    'Alan Turing',
    '23 June 1912',
    'Maida Vale, London',
    'the Turing machine and breaking the Enigma cipher at Bletchley Park',
  ],
  [
    'Grace Hopper',
    '9 December 1906',
    'New York City',
    'the first compiler, the A-0 system, and the COBOL language',
  ],
  ['Edsger Dijkstra', '11 May 1930', 'Rotterdam', 'the shortest-path algorithm and structured programming'],
  [
    'Barbara Liskov',
    '7 November 1939',
    'Los Angeles',
    'the substitution principle and the CLU programming language',
  ],
  [
    'Donald Knuth',
    '10 January 1938',
    'Milwaukee, Wisconsin',
    'The Art of Computer Programming and the TeX typesetting system',
  ],
  [
    'Margaret Hamilton',
    '17 August 1936',
    'Paoli, Indiana',
    'the on-board flight software of the Apollo missions',
  ],
  [
    'John von Neumann',
    '28 December 1903',
    'Budapest',
    'the stored-program computer architecture and game theory',
  ],
  [
    'Frances Allen',
    '4 August 1932',
    'Peru, New York',
    'optimizing compilers and automatic parallel execution',
  ],
  ['Tim Berners-Lee', '8 June 1955', 'London', 'the World Wide Web, HTTP and the first web browser'],
] as const;

const records = people
  .map(([name, born, place, known]) => `Name: ${name}. Born: ${born}, in ${place}. Known for: ${known}.`)
  .join('\n');

const signature = Signature.from(
  'records: str, person: str -> born: str, birthplace: str, known_for: str',
  "Find the person's record and copy each value exactly as the record writes it.",
);
const adapter = new ChatAdapter();

/** A DSPy-style extraction call: every output value is copied verbatim from the `records` input. */
export interface ExtractionCall {
  messages: Message[];
  /** The assistant message a model that extracts correctly writes, in the ChatAdapter's format. */
  answer: string;
}

/**
 * The extraction calls of `pnpm bench:prefix --case lookup`: ChatAdapter prompts for the
 * signature `records, person -> born, birthplace, known_for` over ten records, one per person asked.
 */
export function extractionCalls(count: number): ExtractionCall[] {
  return people.slice(0, count).map(([name, born, place, known]) => {
    const outputs = { born, birthplace: place, known_for: known };
    const answer = adapter.formatDemos(signature, [{ records, person: name, ...outputs }]).at(-1)!
      .content as string;
    return { messages: adapter.format(signature, [], { records, person: name }), answer };
  });
}
