import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign } from '../expr/sign.js';
import { Atom } from './atom.js';

/**
 * n / sum_i (1 / x_i), the harmonic mean of the n entries of x (CVXPY's
 * `harmonic_mean`). Concave, nonnegative, increasing; domain x >= 0 (0 when
 * an entry is 0). Canonicalized with one 3-D second-order cone per entry.
 */
export class HarmonicMean extends Atom {
  readonly atomName = 'harmonicMean';
  constructor(x: Expression) {
    super([x], []);
  }
  curvatureType() {
    return 'concave' as const;
  }
  monotonicity() {
    return 'increasing' as const;
  }
  sign(): Sign {
    return NONNEG;
  }
  evaluate(args: readonly Float64Array[]) {
    const x = args[0]!;
    let s = 0;
    for (const v of x) {
      if (v < 0) return Float64Array.of(-Infinity);
      s += 1 / v;
    }
    return Float64Array.of(x.length / s);
  }
}

/** n / sum(1 / x), the harmonic mean of the entries of x (x >= 0). */
export function harmonicMean(x: ExprLike): Expression {
  return new HarmonicMean(toExpression(x, 'harmonicMean argument'));
}
