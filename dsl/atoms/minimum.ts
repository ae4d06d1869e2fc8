import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import type { Sign } from '../expr/sign.js';
import { broadcastShapes, shapeSize } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';
import { Atom } from './atom.js';

/** Entrywise minimum of several expressions (scalars broadcast). Concave, increasing in every argument. */
export class Minimum extends Atom {
  readonly atomName = 'minimum';
  constructor(args: readonly Expression[]) {
    if (args.length < 1) throw new ShapeError('minimum needs at least one argument');
    super(args, broadcastShapes(args.map((a) => a.shape), () => args.map(String), 'minimum'));
  }
  curvatureType() {
    return 'concave' as const;
  }
  monotonicity() {
    return 'increasing' as const;
  }
  sign(s: readonly Sign[]): Sign {
    return { nonneg: s.every((x) => x.nonneg), nonpos: s.some((x) => x.nonpos) };
  }
  evaluate(args: readonly Float64Array[]) {
    const n = shapeSize(this.shape);
    return Float64Array.from({ length: n }, (_, i) => Math.min(...args.map((a) => a[a.length === 1 ? 0 : i]!)));
  }
}

/** Entrywise minimum of the arguments. */
export function minimum(...args: ExprLike[]): Expression {
  return new Minimum(args.map((a) => toExpression(a)));
}
