import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import type { Sign } from '../expr/sign.js';
import { Atom } from './atom.js';

/** Largest entry of x. Convex, increasing, same sign as x. */
export class Max extends Atom {
  readonly atomName = 'max';
  constructor(x: Expression) {
    super([x], []);
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
    return Float64Array.of(args[0]!.reduce((a, b) => Math.max(a, b), -Infinity));
  }
}

/** Largest entry of x. */
export function max(x: ExprLike): Expression {
  return new Max(toExpression(x));
}
