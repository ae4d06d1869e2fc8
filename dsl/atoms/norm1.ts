import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { reduceAlongAxis } from './axis_reduction.js';
import { EvenConvexReduction } from './even_convex_reduction.js';

/** |x|_1 = sum_i |x_i|, the sum of absolute values of x. Convex, nonnegative; increasing for x >= 0, decreasing for x <= 0. */
export class Norm1 extends EvenConvexReduction {
  readonly atomName = 'norm1';
  evaluate(args: readonly Float64Array[]) {
    const x = args[0]!;
    let s = 0;
    for (const v of x) s += Math.abs(v);
    return Float64Array.of(s);
  }
}

/** |x|_1 = sum_i |x_i|, the sum of absolute values of x; per line with `axis` (CVXPY's `norm1(x, axis, keepdims)`; see AxisOptions). */
export function norm1(x: ExprLike, axis?: number, keepdims = false): Expression {
  if (axis === undefined && !keepdims) return new Norm1(toExpression(x));
  return reduceAlongAxis(x, { axis, keepdims }, (line) => new Norm1(line), 'norm1');
}
