import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import type { Sign } from '../expr/sign.js';
import { Atom } from './atom.js';
import { reduceAlongAxis } from './axis_reduction.js';

/** Largest entry of x. Convex, increasing, same sign as x. */
export class Max extends Atom {
  readonly atomName = 'max';
  constructor(x: Expression) {
    super([x], []);
  }
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity() {
    return 'increasing' as const;
  }
  sign(s: readonly Sign[]) {
    return s[0]!;
  }
  evaluate(args: readonly Float64Array[]) {
    return Float64Array.of(args[0]!.reduce((a, b) => Math.max(a, b), -Infinity));
  }
}

/** Largest entry of x, or of each line along `axis` (CVXPY's `max(x, axis, keepdims)`; see AxisOptions). */
export function max(x: ExprLike, axis?: number, keepdims = false): Expression {
  if (axis === undefined && !keepdims) return new Max(toExpression(x));
  return reduceAlongAxis(x, { axis, keepdims }, (line) => new Max(line), 'max');
}
