import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import type { Sign } from '../expr/sign.js';
import { ValueError } from '../../solvers/errors.js';
import { Atom } from './atom.js';

/**
 * Sum of the k largest entries of x (k may be fractional: the last entry
 * counts with weight k - floor(k)). Convex, increasing, sign of x.
 * Epigraph: min_q k q + sum(max(x - q, 0)).
 */
export class SumLargest extends Atom {
  readonly atomName = 'sumLargest';
  constructor(
    x: Expression,
    readonly k: number,
  ) {
    super([x], []);
    if (!(Number.isFinite(k) && k > 0 && k <= x.size)) throw new ValueError(`sumLargest(${x}, k): k = ${k} must lie in (0, ${x.size}]`);
  }
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity() {
    return 'increasing' as const;
  }
  sign(s: readonly Sign[]) {
    return s[0]!;
  }
  evaluate(args: readonly Float64Array[]) {
    const sorted = Array.from(args[0]!).sort((a, b) => b - a);
    const whole = Math.floor(this.k);
    let s = 0;
    for (let i = 0; i < whole; i++) s += sorted[i]!;
    if (whole < this.k) s += (this.k - whole) * sorted[whole]!;
    return Float64Array.of(s);
  }
  protected override extraText() {
    return `k=${this.k}`;
  }
}

/** Sum of the k largest entries of x. */
export function sumLargest(x: ExprLike, k: number): Expression {
  return new SumLargest(toExpression(x), k);
}
