import { Expression } from '../expr/expression.js';
import type { IntrinsicCurvature, Monotonicity, Sign } from '../expr/sign.js';
import type { Shape } from '../shape.js';

/** Names of every nonlinear atom; the canonicalizer table is keyed by these. */
export type AtomName =
  | 'abs'
  | 'pos'
  | 'neg'
  | 'maximum'
  | 'minimum'
  | 'max'
  | 'min'
  | 'sumLargest'
  | 'norm1'
  | 'norm2'
  | 'normInf'
  | 'sumSquares'
  | 'square'
  | 'quadOverLin'
  | 'quadForm'
  | 'huber'
  | 'sqrt'
  | 'invPos'
  | 'power'
  | 'exp'
  | 'log'
  | 'entr'
  | 'klDiv'
  | 'logSumExp'
  | 'logistic'
  | 'geoMean'
  | 'pnorm'
  | 'harmonicMean'
  | 'cummax'
  | 'log1p'
  | 'xexp'
  | 'relEntr'
  | 'logNormcdf'
  | 'dotsort';

/**
 * A nonlinear atom (CVXPY's `Atom`): one small class answering local
 * questions only (intrinsic curvature, sign, monotonicity per argument,
 * numeric value) and validating its arguments in the constructor. Whether a
 * composition is DCP/DPP is decided once, in `analysis/dcp.ts`; how the atom
 * becomes cones is its canonicalizer in `canon/`.
 */
export abstract class Atom extends Expression {
  readonly kind = 'atom';
  abstract readonly atomName: AtomName;

  constructor(
    readonly args: readonly Expression[],
    shape: Shape,
  ) {
    super(shape);
  }

  /** Intrinsic curvature of the atom ('convex', 'concave' or 'affine'), before the DCP composition rule. */
  abstract override curvatureType(): IntrinsicCurvature;
  /** Monotonicity in argument i, given the arguments' signs (CVXPY's per-argument rule). */
  abstract override monotonicity(i: number, argSigns: readonly Sign[]): Monotonicity;
  /** Sign of the atom's value, given the arguments' signs. */
  abstract override sign(argSigns: readonly Sign[]): Sign;
  /** Numeric value from the arguments' values (row-major). */
  abstract override evaluate(args: readonly Float64Array[]): Float64Array;

  /** Extra (non-expression) data shown in the text, e.g. `k=2`. */
  protected extraText(): string {
    return '';
  }
  format(args: readonly string[]): string {
    const extra = this.extraText();
    return `${this.atomName}(${args.join(', ')}${extra ? `, ${extra}` : ''})`;
  }
}
