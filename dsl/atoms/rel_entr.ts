import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { type Sign, UNKNOWN_SIGN } from '../expr/sign.js';
import { broadcastShapes, shapeSize } from '../shape.js';
import { Atom } from './atom.js';

/**
 * x log(x / y) entrywise (CVXPY's `rel_entr`; x >= 0, y > 0, 0 at x = 0;
 * scalars broadcast). Jointly convex, sign unknown; not monotone in x,
 * decreasing in y. Arguments may be parameter-affine (DPP).
 */
export class RelEntr extends Atom {
  readonly atomName = 'relEntr';
  constructor(x: Expression, y: Expression) {
    super([x, y], broadcastShapes([x.shape, y.shape], () => [String(x), String(y)], 'relEntr'));
  }
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity(i: number) {
    return i === 0 ? ('none' as const) : ('decreasing' as const);
  }
  sign(): Sign {
    return UNKNOWN_SIGN;
  }
  evaluate(args: readonly Float64Array[]) {
    const [x, y] = args as [Float64Array, Float64Array];
    return Float64Array.from({ length: shapeSize(this.shape) }, (_, i) => {
      const a = x[x.length === 1 ? 0 : i]!;
      const b = y[y.length === 1 ? 0 : i]!;
      if (a === 0 && b >= 0) return 0;
      if (a > 0 && b > 0) return a * Math.log(a / b);
      return Infinity;
    });
  }
}

/** Relative entropy terms x log(x / y), entrywise. */
export function relEntr(x: ExprLike, y: ExprLike): Expression {
  return new RelEntr(toExpression(x, 'relEntr x'), toExpression(y, 'relEntr y'));
}
