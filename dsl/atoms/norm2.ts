import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { reduceAlongAxis } from './axis_reduction.js';
import { EvenConvexReduction } from './even_convex_reduction.js';

/** |x|_2 = sqrt(sum_i x_i^2), the Euclidean norm (Frobenius for matrices) of x. Convex, nonnegative; increasing for x >= 0, decreasing for x <= 0. */
export class Norm2 extends EvenConvexReduction {
  readonly atomName = 'norm2';
  evaluate(args: readonly Float64Array[]) {
    const x = args[0]!;
    let s = 0;
    for (const v of x) s += v * v;
    return Float64Array.of(Math.sqrt(s));
  }
}

/** |x|_2 = sqrt(sum_i x_i^2), the Euclidean norm (Frobenius for matrices) of x; per line with `axis` (see AxisOptions). */
export function norm2(x: ExprLike, axis?: number, keepdims = false): Expression {
  if (axis === undefined && !keepdims) return new Norm2(toExpression(x));
  return reduceAlongAxis(x, { axis, keepdims }, (line) => new Norm2(line), 'norm2');
}
