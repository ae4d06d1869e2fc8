import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { type Sign, UNKNOWN_SIGN } from '../expr/sign.js';
import { Atom } from './atom.js';

/** log(sum_i e^{x_i}). Convex, increasing, sign unknown. */
export class LogSumExp extends Atom {
  readonly atomName = 'logSumExp';
  constructor(x: Expression) {
    super([x], []);
  }
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity() {
    return 'increasing' as const;
  }
  sign(): Sign {
    return UNKNOWN_SIGN;
  }
  evaluate(args: readonly Float64Array[]) {
    const x = args[0]!;
    const m = x.reduce((a, b) => Math.max(a, b), -Infinity);
    let s = 0;
    for (const v of x) s += Math.exp(v - m);
    return Float64Array.of(m + Math.log(s));
  }
}

/** log(sum(exp(x))). */
export function logSumExp(x: ExprLike): Expression {
  return new LogSumExp(toExpression(x));
}
