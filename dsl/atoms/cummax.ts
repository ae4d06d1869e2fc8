import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import type { Sign } from '../expr/sign.js';
import { Atom } from './atom.js';
import { axisLines } from './axis_lines.js';

/**
 * Cumulative maximum along an axis (CVXPY's `cummax(x, axis=0)`): entry i of
 * each line is max(x_0, ..., x_i). Convex, increasing, same sign as x, same
 * shape as x.
 */
export class Cummax extends Atom {
  readonly atomName = 'cummax';
  constructor(
    x: Expression,
    readonly axis: number,
  ) {
    super([x], x.shape);
    axisLines(x.shape, axis, `cummax(${x})`);
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
    const out = args[0]!.slice();
    const { len, stride, starts } = axisLines(this.args[0]!.shape, this.axis, 'cummax');
    for (const s of starts) for (let i = 1; i < len; i++) out[s + i * stride] = Math.max(out[s + i * stride]!, out[s + (i - 1) * stride]!);
    return out;
  }
  protected override extraText() {
    return `axis=${this.axis}`;
  }
}

/** Cumulative maximum along `axis` (default 0). */
export function cummax(x: ExprLike, axis = 0): Expression {
  return new Cummax(toExpression(x, 'cummax argument'), axis);
}
