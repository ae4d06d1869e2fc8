import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { UNKNOWN_SIGN, type Sign } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** -x log(x) entrywise (0 at 0, domain x >= 0). Concave, not monotone, sign unknown. */
export class Entr extends ElementwiseAtom {
  readonly atomName = 'entr';
  curvatureType() {
    return 'concave' as const;
  }
  monotonicity(_i: number, _s: readonly Sign[]) {
    return 'none' as const;
  }
  sign(): Sign {
    return UNKNOWN_SIGN;
  }
  protected scalar(x: number) {
    return x > 0 ? -x * Math.log(x) : x === 0 ? 0 : -Infinity;
  }
}

/** -x log(x) entrywise (0 at 0, domain x >= 0). */
export function entr(x: ExprLike): Expression {
  return new Entr(toExpression(x));
}
