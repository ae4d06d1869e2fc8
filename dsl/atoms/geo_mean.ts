import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import { NONNEG, type Sign } from '../expr/sign.js';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import { Atom } from './atom.js';

/**
 * The weighted geometric mean prod_i x_i^(w_i) with w = p / sum(p) (CVXPY's
 * `geo_mean(x, p)`; p defaults to all ones). Concave, nonnegative, increasing;
 * domain x_i >= 0 for every i with p_i > 0 (entries of weight 0 do not
 * appear). Canonicalized as a chain of 3-D power cones (one per positive
 * weight after the first), with the exact weights (CVXPY approximates them
 * by rationals for its SOC form).
 */
export class GeoMean extends Atom {
  readonly atomName = 'geoMean';
  /** Normalized weights w (sum 1), one per entry of x. */
  readonly weights: Float64Array;

  constructor(x: Expression, p?: readonly number[]) {
    super([x], []);
    const raw = p ?? new Array<number>(x.size).fill(1);
    if (raw.length !== x.size) throw new ShapeError(`geoMean(${x}, p): p has ${raw.length} entries, x has ${x.size}`);
    let total = 0;
    raw.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ValueError(`geoMean(${x}, p): p[${i}] = ${String(v)} must be a finite number >= 0`);
      total += v;
    });
    if (!(total > 0)) throw new ValueError(`geoMean(${x}, p): the weights must not all be zero`);
    this.weights = Float64Array.from(raw, (v) => v / total);
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
    let logSum = 0;
    for (let i = 0; i < x.length; i++) {
      const w = this.weights[i]!;
      if (w === 0) continue;
      if (x[i]! < 0) return Float64Array.of(-Infinity);
      logSum += w * Math.log(x[i]!);
    }
    return Float64Array.of(Math.exp(logSum));
  }
  protected override extraText() {
    return this.weights.every((w) => w === this.weights[0]) ? '' : `w=[${Array.from(this.weights, (w) => +w.toPrecision(4)).join(', ')}]`;
  }
}

/** Weighted geometric mean prod x_i^(p_i / sum p) (default: equal weights). */
export function geoMean(x: ExprLike, p?: readonly number[]): Expression {
  return new GeoMean(toExpression(x, 'geoMean argument'), p);
}
