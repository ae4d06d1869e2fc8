import { type ExprLike, type Expression, evaluateExpression, toExpression } from '../expr/expression.js';
import { NONNEG, NONPOS, type Sign } from '../expr/sign.js';
import { pivotedCholesky } from '../linalg/psd_factor.js';
import { formatShape } from '../shape.js';
import { DcpError, ShapeError } from '../../solvers/errors.js';
import { Atom } from './atom.js';

/**
 * x' P x for a vector x and a constant symmetric matrix P (data argument:
 * it must be constant, and parameter-free under DPP). Convex and nonnegative
 * when P is PSD, concave and nonpositive when P is NSD; otherwise not DCP.
 * Only the symmetric part of P matters.
 */
export class QuadForm extends Atom {
  readonly atomName = 'quadForm';
  private cached: { data: Float64Array; kind: 'psd' | 'nsd' | 'indefinite' } | undefined;

  constructor(x: Expression, P: Expression) {
    const n = x.size;
    if (x.shape.length > 1) throw new ShapeError(`quadForm(${x}, ${P}): x must be a vector, got shape ${formatShape(x.shape)}`);
    const ok = P.shape.length === 2 ? P.shape[0] === n && P.shape[1] === n : n === 1 && P.size === 1;
    if (!ok) throw new ShapeError(`quadForm(${x}, ${P}): P must be ${n} x ${n}, got shape ${formatShape(P.shape)}`);
    super([x, P], []);
  }

  override dataArgs(): readonly number[] {
    return [1];
  }

  /** Whether the current value of P is PSD, NSD or indefinite (DcpError when P has no value). */
  definiteness(): 'psd' | 'nsd' | 'indefinite' {
    const P = evaluateExpression(this.args[1]!);
    if (P === undefined) throw new DcpError(`${this}: P = ${this.args[1]} has no value, so its definiteness is unknown`);
    if (this.cached && this.cached.data.length === P.length && this.cached.data.every((v, i) => v === P[i])) return this.cached.kind;
    const n = this.args[0]!.size;
    let kind: 'psd' | 'nsd' | 'indefinite' = 'indefinite';
    if (pivotedCholesky(P, n).status === 'psd') kind = 'psd';
    else if (pivotedCholesky(P.map((v) => -v), n).status === 'psd') kind = 'nsd';
    this.cached = { data: P.slice(), kind };
    return kind;
  }

  curvatureType() {
    const k = this.definiteness();
    if (k === 'indefinite') throw new DcpError(`${this}: P = ${this.args[1]} is neither positive nor negative semidefinite (rule: quadForm needs a PSD or NSD matrix)`);
    return k === 'psd' ? ('convex' as const) : ('concave' as const);
  }
  monotonicity(i: number, s: readonly Sign[]) {
    // With P entrywise nonnegative, x'Px increases in x >= 0 and decreases in x <= 0.
    if (i === 0 && s[1]!.nonneg) {
      if (s[0]!.nonneg) return 'increasing' as const;
      if (s[0]!.nonpos) return 'decreasing' as const;
    }
    return 'none' as const;
  }
  sign(): Sign {
    try {
      return this.definiteness() === 'nsd' ? NONPOS : NONNEG;
    } catch {
      return NONNEG;
    }
  }
  evaluate(args: readonly Float64Array[]) {
    const [x, P] = args as [Float64Array, Float64Array];
    const n = x.length;
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += x[i]! * P[i * n + j]! * x[j]!;
    return Float64Array.of(s);
  }
}

/** x' P x with P a constant PSD (convex) or NSD (concave) matrix. */
export function quadForm(x: ExprLike, P: ExprLike): Expression {
  return new QuadForm(toExpression(x), toExpression(P, 'P'));
}
