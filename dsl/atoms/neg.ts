import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** max(-x, 0) entrywise. Convex, nonnegative, decreasing. */
export class Neg extends ElementwiseAtom {
  readonly atomName = 'neg';
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity() {
    return 'decreasing' as const;
  }
  sign() {
    return NONNEG;
  }
  protected scalar(x: number) {
    return Math.max(-x, 0);
  }
}

/** max(-x, 0) entrywise (the negative part, as a nonnegative number). */
export function neg(x: ExprLike): Expression {
  return new Neg(toExpression(x));
}
