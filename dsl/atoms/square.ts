import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, evenMonotonicity, type Sign } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** x^2 entrywise. Convex, nonnegative; increasing for x >= 0, decreasing for x <= 0. */
export class Square extends ElementwiseAtom {
  readonly atomName = 'square';
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
    return x * x;
  }
}

/** x^2 entrywise. */
export function square(x: ExprLike): Expression {
  return new Square(toExpression(x));
}
