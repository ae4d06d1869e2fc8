import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign, evenMonotonicity } from '../expr/sign.js';
import { ValueError } from '../../solvers/errors.js';
import { ElementwiseAtom } from './elementwise_atom.js';

/**
 * x^p entrywise for a fixed number p (CVXPY's `power`):
 *   p > 1:     |x|^p, convex, nonnegative, increasing for x >= 0, decreasing for x <= 0;
 *   p = 1:     x (affine);  p = 0: the constant 1;
 *   0 < p < 1: x^p on x >= 0, concave, nonnegative, increasing;
 *   p < 0:     x^p on x > 0, convex, nonnegative, decreasing.
 * p = 2, 1/2, -1 canonicalize to second-order cones, other p to power cones.
 */
export class Power extends ElementwiseAtom {
  readonly atomName = 'power';
  constructor(
    x: Expression,
    readonly p: number,
  ) {
    super(x);
    if (typeof p !== 'number' || !Number.isFinite(p)) throw new ValueError(`power(${x}, p): p must be a finite number, got ${String(p)}`);
  }
  curvatureType() {
    if (this.p === 0 || this.p === 1) return 'affine' as const;
    return this.p > 0 && this.p < 1 ? ('concave' as const) : ('convex' as const);
  }
  monotonicity(_i: number, s: readonly Sign[]) {
    if (this.p > 1) return evenMonotonicity(s[0]!);
    return this.p < 0 ? ('decreasing' as const) : ('increasing' as const);
  }
  sign(s: readonly Sign[]): Sign {
    return this.p === 1 ? s[0]! : NONNEG;
  }
  protected scalar(x: number) {
    const p = this.p;
    if (p === 0) return 1;
    if (p === 1) return x;
    if (p > 1) return Math.pow(Math.abs(x), p);
    if (p > 0) return x >= 0 ? Math.pow(x, p) : -Infinity;
    return x > 0 ? Math.pow(x, p) : Infinity;
  }
  protected override extraText() {
    return `p=${this.p}`;
  }
}

/** x^p entrywise (see Power for the convention on each range of p). */
export function power(x: ExprLike, p: number): Expression {
  return new Power(toExpression(x), p);
}
