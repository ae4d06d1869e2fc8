import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign } from '../expr/sign.js';
import { broadcastShapes, shapeSize } from '../shape.js';
import { Atom } from './atom.js';

/**
 * x log(x / y) - x + y entrywise (x >= 0, y > 0; scalars broadcast).
 * Convex (jointly), nonnegative, not monotone.
 */
export class KlDiv extends Atom {
  readonly atomName = 'klDiv';
  constructor(x: Expression, y: Expression) {
    super([x, y], broadcastShapes([x.shape, y.shape], () => [String(x), String(y)], 'klDiv'));
  }
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity() {
    return 'none' as const;
  }
  sign(): Sign {
    return NONNEG;
  }
  evaluate(args: readonly Float64Array[]) {
    const [x, y] = args as [Float64Array, Float64Array];
    return Float64Array.from({ length: shapeSize(this.shape) }, (_, i) => {
      const a = x[x.length === 1 ? 0 : i]!;
      const b = y[y.length === 1 ? 0 : i]!;
      if (a === 0 && b >= 0) return b;
      if (a > 0 && b > 0) return a * Math.log(a / b) - a + b;
      return Infinity;
    });
  }
}

/** Kullback-Leibler divergence terms x log(x/y) - x + y, entrywise. */
export function klDiv(x: ExprLike, y: ExprLike): Expression {
  return new KlDiv(toExpression(x), toExpression(y));
}
