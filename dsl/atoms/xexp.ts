import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign } from '../expr/sign.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/**
 * x e^x entrywise (CVXPY's `xexp`; domain x >= 0, +Infinity outside). Convex,
 * nonnegative, increasing on its domain, but its extended value (+Infinity
 * for x < 0) is not increasing, so the DCP rule takes it as increasing only
 * for a nonnegative argument (Boyd & Vandenberghe 3.2.4: composition needs
 * the extended-value extension monotone). Otherwise a convex argument would
 * be accepted with a nonconvex domain: xexp(x^2 - 1) lives on |x| >= 1, and
 * its epigraph form t >= x^2, t - 1 >= 0 would solve at x = 0, outside it.
 */
export class Xexp extends ElementwiseAtom {
  readonly atomName = 'xexp';
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity(_i: number, s: readonly Sign[]) {
    return s[0]!.nonneg ? ('increasing' as const) : ('none' as const);
  }
  sign(): Sign {
    return NONNEG;
  }
  protected scalar(x: number) {
    return x >= 0 ? x * Math.exp(x) : Infinity;
  }
}

/** x e^x entrywise (x >= 0). */
export function xexp(x: ExprLike): Expression {
  return new Xexp(toExpression(x, 'xexp argument'));
}
