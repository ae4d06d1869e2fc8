import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** max(x, 0) entrywise. Convex, nonnegative, increasing. */
export class Pos extends ElementwiseAtom {
  readonly atomName = 'pos';
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity() {
    return 'increasing' as const;
  }
  sign() {
    return NONNEG;
  }
  protected scalar(x: number) {
    return Math.max(x, 0);
  }
}

/** max(x, 0) entrywise. */
export function pos(x: ExprLike): Expression {
  return new Pos(toExpression(x));
}
