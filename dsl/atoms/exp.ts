import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** e^x entrywise. Convex, nonnegative, increasing. */
export class Exp extends ElementwiseAtom {
  readonly atomName = 'exp';
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
    return Math.exp(x);
  }
}

/** e^x entrywise. */
export function exp(x: ExprLike): Expression {
  return new Exp(toExpression(x));
}
