import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { reduceAlongAxis } from './axis_reduction.js';
import { EvenConvexReduction } from './even_convex_reduction.js';

/** |x|_inf = max_i |x_i|, the largest absolute value of x. Convex, nonnegative; increasing for x >= 0, decreasing for x <= 0. */
export class NormInf extends EvenConvexReduction {
  readonly atomName = 'normInf';
  evaluate(args: readonly Float64Array[]) {
    const x = args[0]!;
    let s = 0;
    for (const v of x) s = Math.max(s, Math.abs(v));
    return Float64Array.of(s);
  }
}

/** |x|_inf = max_i |x_i|, the largest absolute value of x; per line with `axis` (see AxisOptions). */
export function normInf(x: ExprLike, axis?: number, keepdims = false): Expression {
  if (axis === undefined && !keepdims) return new NormInf(toExpression(x));
  return reduceAlongAxis(x, { axis, keepdims }, (line) => new NormInf(line), 'normInf');
}
