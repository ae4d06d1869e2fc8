import type { Expression } from '../expr/expression.js';
import { NONNEG, type Sign, evenMonotonicity } from '../expr/sign.js';
import { Atom } from './atom.js';

/**
 * A scalar function of all entries of x that is convex, nonnegative and even
 * in each entry (f(x) = f(|x|)): norm1, norm2, normInf, sumSquares. Such a
 * function is increasing in x where x >= 0 and decreasing where x <= 0, which
 * is all DCP needs to know; subclasses only name themselves and evaluate.
 */
export abstract class EvenConvexReduction extends Atom {
  constructor(x: Expression) {
    super([x], []);
  }
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity(_i: number, s: readonly Sign[]) {
    return evenMonotonicity(s[0]!);
  }
  sign() {
    return NONNEG;
  }
}
