/**
 * The DSL fuzz generator's constant sub-expressions (dsl_generator.ts): random
 * positive definite matrices for quadForm, and scalar atoms of constants or
 * parameters only (numbers under DCP, non-DPP when they hold parameters).
 */
import {
  type Expression,
  entr,
  exp,
  invPos,
  klDiv,
  log,
  logSumExp,
  max,
  norm2,
  power,
  quadForm,
  sqrt,
  square,
  sum,
  sumSquares,
} from '../dsl/index.js';
import { type GeneratorDraws, extendedConstantAtoms } from './dsl_generator_extended.js';
import type { Prng } from './prng.js';

type Shape = readonly number[];

/** A random positive definite constant matrix L L' + 0.1 I. */
export function randomPsd(rng: Prng, n: number): number[][] {
  const L = Array.from({ length: n }, () => rng.values(n, -1, 1));
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => L[i]!.reduce((s, v, k) => s + v * L[j]![k]!, 0) + (i === j ? 0.1 : 0)));
}

/**
 * A scalar atom of constants or of parameters only, with either sign: a
 * number under DCP, possibly making the problem non-DPP (issue 14, item 1).
 * `extended` adds the issue 12 atoms (dsl_generator_extended.ts).
 */
export function constantAtom(g: GeneratorDraws, extended: boolean): Expression {
  const rng = g.rng;
  const arg = (shape: Shape, lo: number, hi: number) => (rng.chance(0.4) ? g.param(shape, lo, hi) : g.constOf(shape, lo, hi));
  const options: [string, () => Expression][] = [
    ['square', () => square(arg([], -2, 2))],
    ['norm2', () => norm2(arg([3], -2, 2))],
    ['sumSquares', () => sumSquares(arg([2], -2, 2))],
    ['log', () => log(arg([], 0.5, 2))],
    ['sqrt', () => sqrt(arg([], 0.5, 2))],
    ['power', () => power(arg([], 0.5, 2), rng.pick([0.5, -1, 3]))],
    ['entr', () => sum(entr(arg([2], 0.1, 0.9)))],
    ['exp', () => exp(arg([], -1, 1))],
    ['invPos', () => invPos(arg([], 0.5, 2))],
    ['logSumExp', () => logSumExp(arg([3], -1, 1))],
    ['max', () => max(arg([3], -1, 1))],
    ['quadForm', () => quadForm(g.constOf([2], -1, 1), randomPsd(rng, 2))],
    ['klDiv', () => sum(klDiv(arg([2], 0.2, 1), arg([2], 0.2, 1)))],
  ];
  if (extended) options.push(...extendedConstantAtoms(arg));
  const [name, make] = rng.pick(options);
  const e = g.note(`constant-${name}`, make());
  return rng.chance(0.5) ? e.negate() : e.mul(rng.pick([1, 0.5]));
}
