import { type ExprLike, toExpression } from '../expr/expression.js';
import { type Constraint, SocConstraint } from './constraint.js';

/** The second-order cone constraint |x|_2 <= t (x flattened, t scalar). */
export function soc(t: ExprLike, x: ExprLike): Constraint {
  return new SocConstraint(toExpression(t, 't'), toExpression(x, 'x'));
}

/** lower <= x <= upper entrywise, as the two constraints [x >= lower, x <= upper]. */
export function bounds(x: ExprLike, lower: ExprLike, upper: ExprLike): [Constraint, Constraint] {
  const e = toExpression(x);
  return [e.ge(lower), e.le(upper)];
}
