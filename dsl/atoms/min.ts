import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import type { Sign } from '../expr/sign.js';
import { Atom } from './atom.js';

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

/** Smallest entry of x. */
export function min(x: ExprLike): Expression {
  return new Min(toExpression(x));
}
