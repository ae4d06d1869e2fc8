import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { EvenConvexReduction } from './even_convex_reduction.js';

/** sum_i x_i^2, the sum of squared entries of x. Convex, nonnegative; increasing for x >= 0, decreasing for x <= 0. */
export class SumSquares extends EvenConvexReduction {
  readonly atomName = 'sumSquares';
  evaluate(args: readonly Float64Array[]) {
    const x = args[0]!;
    let s = 0;
    for (const v of x) s += v * v;
    return Float64Array.of(s);
  }
}

/** sum_i x_i^2, the sum of squared entries of x. */
export function sumSquares(x: ExprLike): Expression {
  return new SumSquares(toExpression(x));
}
