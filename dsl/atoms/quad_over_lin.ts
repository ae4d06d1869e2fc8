import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign, evenMonotonicity } from '../expr/sign.js';
import { formatShape } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';
import { Atom } from './atom.js';
import { reduceAlongAxis } from './axis_reduction.js';

/**
 * sum_i x_i^2 / y for scalar y > 0. Convex, nonnegative; in x increasing for
 * x >= 0 and decreasing for x <= 0, decreasing in y.
 */
export class QuadOverLin extends Atom {
  readonly atomName = 'quadOverLin';
  constructor(x: Expression, y: Expression) {
    if (y.size !== 1) throw new ShapeError(`quadOverLin(${x}, ${y}): y must be a scalar, got shape ${formatShape(y.shape)}`);
    super([x, y], []);
  }
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity(i: number, s: readonly Sign[]) {
    return i === 0 ? evenMonotonicity(s[0]!) : ('decreasing' as const);
  }
  sign(): Sign {
    return NONNEG;
  }
  evaluate(args: readonly Float64Array[]) {
    let s = 0;
    for (const v of args[0]!) s += v * v;
    const y = args[1]![0]!;
    return Float64Array.of(y > 0 ? s / y : y === 0 && s === 0 ? 0 : Infinity);
  }
}

/** sum(x^2) / y for scalar y > 0; with `axis`, sum of squares of each line over the same y (see AxisOptions). */
export function quadOverLin(x: ExprLike, y: ExprLike, axis?: number, keepdims = false): Expression {
  const ey = toExpression(y);
  if (axis === undefined && !keepdims) return new QuadOverLin(toExpression(x), ey);
  return reduceAlongAxis(x, { axis, keepdims }, (line) => new QuadOverLin(line, ey), 'quadOverLin');
}
