import { describe, expect, it } from 'vitest';
import { Signature } from '../signature/signature.js';
import { ChainOfThought } from './chain-of-thought.js';
import { LabeledFewShot } from './labeled-few-shot.js';
import { Predict } from './predict.js';

const trainset = Array.from({ length: 10 }, (_, i) => ({ question: `q${i}`, answer: `a${i}` }));

describe('LabeledFewShot', () => {
  it('gives a copy k sampled demos, the same on every run, leaving the student alone', () => {
    const student = new Predict(Signature.from('question -> answer'));
    const compiled = new LabeledFewShot({ k: 3 }).compile(student, trainset);
    expect(compiled.demos).toHaveLength(3);
    expect(new Set(compiled.demos).size).toBe(3);
    for (const demo of compiled.demos) expect(trainset).toContain(demo);
    expect(new LabeledFewShot({ k: 3 }).compile(student, trainset).demos).toEqual(compiled.demos);
    expect(new LabeledFewShot({ k: 3, seed: 5 }).compile(student, trainset).demos).not.toEqual(
      compiled.demos,
    );
    expect(student.demos).toEqual([]);
    expect(compiled).not.toBe(student);
  });

  it('takes the first k without sampling, and all when k exceeds the trainset', () => {
    const cot = new ChainOfThought('question -> answer');
    expect(new LabeledFewShot({ k: 2, sample: false }).compile(cot, trainset).predict.demos).toEqual(
      trainset.slice(0, 2),
    );
    expect(new LabeledFewShot({ k: 50 }).compile(cot, trainset).predict.demos).toHaveLength(10);
  });
});
