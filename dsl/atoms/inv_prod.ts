import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { geoMean } from './geo_mean.js';
import { power } from './power.js';

/**
 * 1 / prod_i x_i for x > 0 (CVXPY's `inv_prod`): convex, nonnegative,
 * decreasing. Built, as in CVXPY, as power(geoMean(x), -n) (n entries), so
 * it is a geometric-mean power-cone chain followed by one power cone.
 */
export function invProd(x: ExprLike): Expression {
  const e = toExpression(x, 'invProd argument');
  return power(geoMean(e), -e.size);
}
