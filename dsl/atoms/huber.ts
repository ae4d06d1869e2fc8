import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign, evenMonotonicity } from '../expr/sign.js';
import { ValueError } from '../../solvers/errors.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/**
 * Huber function entrywise: x^2 for |x| <= M, 2M|x| - M^2 otherwise (CVXPY's
 * scaling). Convex, nonnegative; increasing for x >= 0, decreasing for x <= 0.
 */
export class Huber extends ElementwiseAtom {
  readonly atomName = 'huber';
  constructor(
    x: Expression,
    readonly M: number,
  ) {
    super(x);
    if (!(Number.isFinite(M) && M >= 0)) throw new ValueError(`huber(${x}, M): M = ${M} must be a finite number >= 0`);
  }
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity(_i: number, s: readonly Sign[]) {
    return evenMonotonicity(s[0]!);
  }
  sign(): Sign {
    return NONNEG;
  }
  protected scalar(x: number) {
    const a = Math.abs(x);
    return a <= this.M ? x * x : 2 * this.M * a - this.M * this.M;
  }
  protected override extraText() {
    return `M=${this.M}`;
  }
}

/** Huber function with threshold M (default 1), entrywise. */
export function huber(x: ExprLike, M = 1): Expression {
  return new Huber(toExpression(x), M);
}
