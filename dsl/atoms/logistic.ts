import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** log(1 + e^x) entrywise. Convex, nonnegative, increasing. */
export class Logistic extends ElementwiseAtom {
  readonly atomName = 'logistic';
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity(_i: number, _s: readonly Sign[]) {
    return 'increasing' as const;
  }
  sign(): Sign {
    return NONNEG;
  }
  protected scalar(x: number) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }
}

/** log(1 + e^x) entrywise. */
export function logistic(x: ExprLike): Expression {
  return new Logistic(toExpression(x));
}
