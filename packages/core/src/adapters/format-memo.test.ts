import { describe, expect, it } from 'vitest';
import { Signature } from '../signature/signature.js';
import { ChatAdapter } from './chat-adapter.js';
import { JSONAdapter } from './json-adapter.js';

type Values = Record<string, unknown>;

describe('FormatMemo (through the adapters)', () => {
  for (const make of [() => new ChatAdapter(), () => new JSONAdapter()]) {
    const name = make().name;

    it(`${name}: formats as a fresh adapter does after the signature or the demos change`, () => {
      const adapter = make();
      const same = (signature: Signature, demos: Values[], inputs: Values) =>
        expect(adapter.format(signature, demos, inputs)).toEqual(make().format(signature, demos, inputs));
      let signature: Signature = Signature.from('question, context: list[str] -> answer: int');
      const demos: Values[] = [
        { question: 'a?', context: ['x'], answer: 1 },
        { question: 'b?', answer: 2 },
        { question: 'c?', context: ['y'] },
      ];
      same(signature, demos, { question: 'q', context: [] });
      same(signature, demos, { question: 'q', context: [] });
      signature = signature.withInstructions('Answer in one number.');
      same(signature, demos, { question: 'q', context: [] });
      demos[1]!.answer = 3;
      same(signature, demos, { question: 'q', context: [] });
      (demos[0]!.context as string[]).push('z');
      same(signature, demos, { question: 'q', context: [] });
      demos[2]!.answer = 4;
      demos[1]!.context = ['w'];
      same(signature, demos, { question: 'q', context: [] });
      delete demos[1]!.answer;
      demos[1]!.question = undefined;
      same(signature, demos, { question: 'q', context: [] });
      signature = signature.append('note', { desc: 'A note' }, 'input');
      same(signature, [...demos, { question: 'd?', note: 'n', context: [], answer: 5 }], { question: 'q' });
      signature = signature.append('confidence', { type: 'float' }, 'output');
      same(signature, [...demos, { question: 'e?', note: 'n', answer: 6, confidence: 0.5 }], {
        question: 'q',
      });
    });

    it(`${name}: hands out one output constraint per signature`, () => {
      const adapter = make();
      const signature = Signature.from('question -> answer');
      expect(adapter.outputConstraint(signature)).toBe(adapter.outputConstraint(signature));
      const changed = signature.withInstructions('Be brief.');
      expect(adapter.outputConstraint(changed)).toEqual(make().outputConstraint(changed));
    });
  }
});
