import { type ExprLike, type Expression, toExpression } from '../expr/expression.js';
import type { Sign } from '../expr/sign.js';
import { broadcastShapes, shapeSize } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';
import { Atom } from './atom.js';

/** Entrywise maximum of several expressions (scalars broadcast). Convex, increasing in every argument. */
export class Maximum extends Atom {
  readonly atomName = 'maximum';
  constructor(args: readonly Expression[]) {
    if (args.length < 1) throw new ShapeError('maximum needs at least one argument');
    super(args, broadcastShapes(args.map((a) => a.shape), () => args.map(String), 'maximum'));
  }
  curvatureType() {
    return 'convex' as const;
  }
  monotonicity() {
    return 'increasing' as const;
  }
  sign(s: readonly Sign[]): Sign {
    return { nonneg: s.some((x) => x.nonneg), nonpos: s.every((x) => x.nonpos) };
  }
  evaluate(args: readonly Float64Array[]) {
    const n = shapeSize(this.shape);
    return Float64Array.from({ length: n }, (_, i) => Math.max(...args.map((a) => a[a.length === 1 ? 0 : i]!)));
  }
}

/** Entrywise maximum of the arguments. */
export function maximum(...args: ExprLike[]): Expression {
  return new Maximum(args.map((a) => toExpression(a)));
}
