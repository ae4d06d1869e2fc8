import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { type Sign, productSign, signOfValues } from '../expr/sign.js';
import { toValue, type NumericInput } from '../value.js';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import { Atom } from './atom.js';

/**
 * <sort(vec X), sort(vec W)> (CVXPY's `dotsort(X, W)`): the entries of X and
 * of the constant W (zero-padded to X's size) both sorted in the same order
 * and paired. Convex; increasing when W >= 0, decreasing when W <= 0; sign of
 * the product of the signs. Generalizes sumLargest (W = ones(k)).
 */
export class Dotsort extends Atom {
  readonly atomName = 'dotsort';
  /** W padded with zeros to x.size and sorted in decreasing order. */
  readonly sortedWeights: Float64Array;
  private readonly weightSign: Sign;

  constructor(x: Expression, w: NumericInput) {
    super([x], []);
    const data = toValue(w, 'dotsort W').data;
    if (data.length > x.size) throw new ShapeError(`dotsort(${x}, W): W has ${data.length} entries, more than X's ${x.size}`);
    data.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new ValueError(`dotsort(${x}, W): W[${i}] = ${v} must be finite`);
    });
    const padded = new Float64Array(x.size);
    padded.set(data);
    this.sortedWeights = padded.sort().reverse();
    this.weightSign = signOfValues(data);
  }
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity() {
    if (this.weightSign.nonneg) return 'increasing' as const;
    return this.weightSign.nonpos ? ('decreasing' as const) : ('none' as const);
  }
  sign(s: readonly Sign[]): Sign {
    return productSign(s[0]!, this.weightSign);
  }
  evaluate(args: readonly Float64Array[]) {
    const x = args[0]!.slice().sort().reverse();
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]! * this.sortedWeights[i]!;
    return Float64Array.of(s);
  }
}

/** <sort(X), sort(W)> for a constant W with at most X's number of entries. */
export function dotsort(x: ExprLike, w: NumericInput): Expression {
  return new Dotsort(toExpression(x, 'dotsort X'), w);
}
