import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { formatShape } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';

/** An objective: minimize or maximize a scalar expression. */
export class Objective {
  constructor(
    readonly sense: 'minimize' | 'maximize',
    readonly expr: Expression,
  ) {
    if (expr.size !== 1) throw new ShapeError(`${sense}(${expr}): the objective must be a scalar, got shape ${formatShape(expr.shape)}`);
  }
  /** The objective as text, e.g. `minimize sum_squares(x - a)`. */
  toString(): string {
    return `${this.sense} ${this.expr}`;
  }
}

/** minimize expr (expr must be convex and scalar). */
export function minimize(expr: ExprLike): Objective {
  return new Objective('minimize', toExpression(expr, 'objective'));
}

/** maximize expr (expr must be concave and scalar); solved as minimize -expr. */
export function maximize(expr: ExprLike): Objective {
  return new Objective('maximize', toExpression(expr, 'objective'));
}
