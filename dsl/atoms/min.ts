import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import type { Sign } from '../expr/sign.js';
import { Atom } from './atom.js';
import { reduceAlongAxis } from './axis_reduction.js';

/** Smallest entry of x. Concave, increasing, same sign as x. */
export class Min extends Atom {
  readonly atomName = 'min';
  constructor(x: Expression) {
    super([x], []);
  }
  curvatureType() {
    return 'concave' as const;
  }
  monotonicity() {
    return 'increasing' as const;
  }
  sign(s: readonly Sign[]) {
    return s[0]!;
  }
  evaluate(args: readonly Float64Array[]) {
    return Float64Array.of(args[0]!.reduce((a, b) => Math.min(a, b), Infinity));
  }
}

/** Smallest entry of x, or of each line along `axis` (CVXPY's `min(x, axis, keepdims)`; see AxisOptions). */
export function min(x: ExprLike, axis?: number, keepdims = false): Expression {
  if (axis === undefined && !keepdims) return new Min(toExpression(x));
  return reduceAlongAxis(x, { axis, keepdims }, (line) => new Min(line), 'min');
}
