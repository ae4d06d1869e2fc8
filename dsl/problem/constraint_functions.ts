import { type ExprLike, Expression, toExpression } from '../expr/expression.js';
import { DppError, ValueError } from '../../solvers/errors.js';
import { type Constraint, PowConeConstraint, SocConstraint } from './constraint.js';

/** The second-order cone constraint |x|_2 <= t (x flattened, t scalar). */
export function soc(t: ExprLike, x: ExprLike): Constraint {
  return new SocConstraint(toExpression(t, 't'), toExpression(x, 'x'));
}

/** lower <= x <= upper entrywise, as the two constraints [x >= lower, x <= upper]. */
export function bounds(x: ExprLike, lower: ExprLike, upper: ExprLike): [Constraint, Constraint] {
  const e = toExpression(x);
  return [e.ge(lower), e.le(upper)];
}

/**
 * The 3-D power cone |z| <= x^alpha y^(1-alpha), x, y >= 0, entrywise (CVXPY's
 * `PowCone3D(x, y, z, alpha)`). x, y, z must be affine (parameters allowed:
 * DPP); alpha is a number in (0, 1) or one per entry. A parameter alpha is a
 * DppError: the exponent selects the cone, which is not affine data.
 *
 * ```ts
 * powCone(x, y, z, 0.3); // |z_i| <= x_i^0.3 y_i^0.7
 * ```
 */
export function powCone(x: ExprLike, y: ExprLike, z: ExprLike, alpha: number | readonly number[] | Expression): Constraint {
  const ex = toExpression(x, 'x');
  const ey = toExpression(y, 'y');
  const ez = toExpression(z, 'z');
  if (alpha instanceof Expression) {
    if (alpha.kind !== 'constant') {
      const Err = alpha.kind === 'parameter' ? DppError : ValueError;
      throw new Err(`powCone(${ex}, ${ey}, ${ez}, alpha = ${alpha}): alpha must be a constant number in (0, 1); the exponent selects the cone, so it cannot be a ${alpha.kind} (CVXPY's PowCone3D has the same rule)`);
    }
    const data = alpha.evaluate([])!;
    return new PowConeConstraint(ex, ey, ez, data.length === 1 ? data[0]! : Array.from(data));
  }
  return new PowConeConstraint(ex, ey, ez, alpha);
}
