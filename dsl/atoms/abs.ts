import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign, evenMonotonicity } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** |x| entrywise. Convex, nonnegative; increasing for x >= 0, decreasing for x <= 0. */
export class Abs extends ElementwiseAtom {
  readonly atomName = 'abs';
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity(_i: number, s: readonly Sign[]) {
    return evenMonotonicity(s[0]!);
  }
  sign() {
    return NONNEG;
  }
  protected scalar(x: number) {
    return Math.abs(x);
  }
}

/** |x| entrywise. */
export function abs(x: ExprLike): Expression {
  return new Abs(toExpression(x));
}
