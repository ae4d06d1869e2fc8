import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { UNKNOWN_SIGN, type Sign } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** log(x) entrywise (domain x > 0). Concave, increasing, sign unknown. */
export class Log extends ElementwiseAtom {
  readonly atomName = 'log';
  curvatureType() {
    return 'concave' as const;
  }
  monotonicity(_i: number, _s: readonly Sign[]) {
    return 'increasing' as const;
  }
  sign(): Sign {
    return UNKNOWN_SIGN;
  }
  protected scalar(x: number) {
    return x > 0 ? Math.log(x) : -Infinity;
  }
}

/** log(x) entrywise (domain x > 0). */
export function log(x: ExprLike): Expression {
  return new Log(toExpression(x));
}
