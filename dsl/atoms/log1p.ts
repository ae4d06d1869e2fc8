import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import type { Sign } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** log(1 + x) entrywise (CVXPY's `log1p`; domain x > -1). Concave, increasing, same sign as x. */
export class Log1p extends ElementwiseAtom {
  readonly atomName = 'log1p';
  curvatureType() {
    return 'concave' as const;
  }
  monotonicity() {
    return 'increasing' as const;
  }
  sign(s: readonly Sign[]): Sign {
    return s[0]!;
  }
  protected scalar(x: number) {
    return x > -1 ? Math.log1p(x) : -Infinity;
  }
}

/** log(1 + x) entrywise (x > -1). */
export function log1p(x: ExprLike): Expression {
  return new Log1p(toExpression(x, 'log1p argument'));
}
