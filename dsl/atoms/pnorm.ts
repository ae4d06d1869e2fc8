import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { ValueError } from '../../solvers/errors.js';
import { reduceAlongAxis } from './axis_reduction.js';
import { EvenConvexReduction } from './even_convex_reduction.js';
import { norm1 } from './norm1.js';
import { norm2 } from './norm2.js';
import { normInf } from './norm_inf.js';

/**
 * |x|_p = (sum_i |x_i|^p)^(1/p) of all entries of x, for 1 < p < Infinity,
 * p != 2 (CVXPY's `pnorm`): convex, nonnegative, increasing for x >= 0 and
 * decreasing for x <= 0. Canonicalized with one 3-D power cone per entry.
 * Build it with `pnorm`, which sends p = 1, 2, Infinity to norm1/norm2/normInf.
 */
export class Pnorm extends EvenConvexReduction {
  readonly atomName = 'pnorm';
  constructor(
    x: Expression,
    readonly p: number,
  ) {
    super(x);
    if (!(typeof p === 'number' && p > 1 && Number.isFinite(p))) throw new ValueError(`Pnorm(${x}, p): p = ${String(p)} must be a finite number > 1 (use pnorm() for p = 1 or Infinity)`);
  }
  evaluate(args: readonly Float64Array[]) {
    const x = args[0]!;
    let scale = 0;
    for (const v of x) scale = Math.max(scale, Math.abs(v));
    if (scale === 0 || !Number.isFinite(scale)) return Float64Array.of(scale);
    // Scaled by the largest entry so that |x_i|^p neither overflows nor underflows.
    let s = 0;
    for (const v of x) s += Math.pow(Math.abs(v) / scale, this.p);
    return Float64Array.of(scale * Math.pow(s, 1 / this.p));
  }
  protected override extraText() {
    return `p=${this.p}`;
  }
}

/**
 * The p-norm (sum |x_i|^p)^(1/p) of all entries of x for any p >= 1 (CVXPY's
 * `pnorm(x, p)`, default p = 2): p = 1 -> norm1, 2 -> norm2, Infinity or
 * 'inf' -> normInf, others -> a power-cone canonicalization. p < 1 is a
 * ValueError (not a norm; CVXPY's concave p < 1 branch is not provided).
 * With `axis`, one p-norm per line (see AxisOptions).
 */
export function pnorm(x: ExprLike, p: number | 'inf' = 2, axis?: number, keepdims = false): Expression {
  const e = toExpression(x, 'pnorm argument');
  if (axis !== undefined || keepdims) return reduceAlongAxis(e, { axis, keepdims }, (line) => pnorm(line, p), 'pnorm');
  const order = p === 'inf' ? Infinity : p;
  if (typeof order !== 'number' || Number.isNaN(order) || order < 1) {
    throw new ValueError(`pnorm(${e}, ${String(p)}): p must be a number >= 1 or 'inf' (for p < 1 the p-"norm" is not convex)`);
  }
  if (order === 1) return norm1(e);
  if (order === 2) return norm2(e);
  if (order === Infinity) return normInf(e);
  return new Pnorm(e, order);
}
