import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** 1/x entrywise for x > 0 (+inf otherwise). Convex, nonnegative, decreasing. */
export class InvPos extends ElementwiseAtom {
  readonly atomName = 'invPos';
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity(_i: number, _s: readonly Sign[]) {
    return 'decreasing' as const;
  }
  sign(): Sign {
    return NONNEG;
  }
  protected scalar(x: number) {
    return x > 0 ? 1 / x : Infinity;
  }
}

/** 1/x entrywise for x > 0 (+inf otherwise). */
export function invPos(x: ExprLike): Expression {
  return new InvPos(toExpression(x));
}
