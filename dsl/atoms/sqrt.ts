import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/** sqrt(x) entrywise (domain x >= 0). Concave, nonnegative, increasing. */
export class Sqrt extends ElementwiseAtom {
  readonly atomName = 'sqrt';
  curvatureType() {
    return 'concave' as const;
  }
  monotonicity(_i: number, _s: readonly Sign[]) {
    return 'increasing' as const;
  }
  sign(): Sign {
    return NONNEG;
  }
  protected scalar(x: number) {
    return x >= 0 ? Math.sqrt(x) : -Infinity;
  }
}

/** sqrt(x) entrywise (domain x >= 0). */
export function sqrt(x: ExprLike): Expression {
  return new Sqrt(toExpression(x));
}
