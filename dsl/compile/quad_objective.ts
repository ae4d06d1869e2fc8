import { addOp, subOp } from '../affine/add.js';
import { divideOp, multiplyOp } from '../affine/multiply.js';
import { negateOp } from '../affine/negate.js';
import { sumOp } from '../affine/sum.js';
import type { ExprFacts } from '../analysis/dcp.js';
import { Atom } from '../atoms/atom.js';
import { Power } from '../atoms/power.js';
import { QuadForm } from '../atoms/quad_form.js';
import { AffineExpr, Constant, type Expression, evaluateExpression } from '../expr/expression.js';

/**
 * A weighted convex quadratic w * f * u'Qu of an affine u (Q = I when `matrix`
 * is absent, f = 1 when `factor` is absent).
 */
export interface QuadTerm {
  readonly arg: Expression;
  readonly weight: number;
  /**
   * A scalar, variable-free, parameter-affine factor known nonnegative by the
   * DCP sign rules (e.g. `lam` declared `nonneg`), as in `lam * sumSquares(x)`.
   * Under DPP it is affine in theta, so P stays an affine map of theta
   * (Agrawal et al. 2019, section 4).
   */
  readonly factor?: Expression;
  /** Row-major symmetric Q (quadForm's P, symmetrized). */
  readonly matrix?: Float64Array;
}

/**
 * objective = sum of weighted other terms + sum of quadratic terms. The other
 * terms are affine or convex in solver sign and are canonicalized as usual.
 */
export interface QuadSplit {
  readonly affine: readonly { readonly expr: Expression; readonly weight: number }[];
  readonly quad: readonly QuadTerm[];
}

function scalarConstant(e: Expression): number | undefined {
  return e instanceof Constant && e.size === 1 ? e.constValue.data[0] : undefined;
}

function isConvexInSolverSign(e: Expression, signedWeight: number, facts: ReadonlyMap<Expression, ExprFacts>): boolean {
  const c = facts.get(e)?.curvature;
  return (c === 'convex' && signedWeight > 0) || (c === 'concave' && signedWeight < 0);
}

function isAffine(e: Expression, facts: ReadonlyMap<Expression, ExprFacts>): boolean {
  const c = facts.get(e)?.curvature;
  return c === 'affine' || c === 'constant';
}

/**
 * A scalar factor that may scale a kept quadratic: no variables, affine in the
 * parameters (so in theta) and nonnegative by its sign, which keeps the term
 * convex for every admissible parameter value.
 */
function isNonnegParameterFactor(e: Expression, facts: ReadonlyMap<Expression, ExprFacts>): boolean {
  const f = facts.get(e);
  return e.size === 1 && f !== undefined && !f.hasVariables && isAffine(e, facts) && f.sign.nonneg;
}

/**
 * Splits `sign * objective` into convex quadratic terms of affine arguments
 * (sumSquares, square, power(., 2), quadForm), kept in P, and other terms that
 * are affine or convex in solver sign (canonicalized into cones), walking
 * through sums, differences, negation and scaling by constant scalars. A
 * product of a nonnegative parameter factor and a sum of such quadratics
 * (`lam * sumSquares(A x - b)`, `gamma * quadForm(x, Sigma)`) keeps each
 * quadratic with that factor; when the factored part holds anything else the
 * product is canonicalized into cones as a whole.
 * Returns null when a term fits neither, or a quadratic term would be concave
 * in solver sign; the caller then falls back to cones.
 */
export function splitQuadraticObjective(expr: Expression, sign: 1 | -1, facts: ReadonlyMap<Expression, ExprFacts>): QuadSplit | null {
  const affine: { expr: Expression; weight: number }[] = [];
  const quad: QuadTerm[] = [];
  const quadOf = (e: Expression, w: number, factor: Expression | undefined): boolean => {
    if (!(e instanceof Atom)) return false;
    const x = e.args[0]!;
    const squareLike = e.atomName === 'sumSquares' || e.atomName === 'square' || (e instanceof Power && e.p === 2);
    if (squareLike && e.size === 1) {
      if (!isAffine(x, facts) || sign * w < 0) return false;
      quad.push(factor ? { arg: x, weight: w, factor } : { arg: x, weight: w });
      return true;
    }
    if (e instanceof QuadForm) {
      const P = evaluateExpression(e.args[1]!);
      if (!P || !isAffine(x, facts)) return false;
      const kind = e.definiteness();
      if ((kind === 'psd' && sign * w < 0) || (kind === 'nsd' && sign * w > 0) || kind === 'indefinite') return false;
      const n = x.size;
      const sym = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = 0.5 * (P[i * n + j]! + P[j * n + i]!);
      quad.push(factor ? { arg: x, weight: w, matrix: sym, factor } : { arg: x, weight: w, matrix: sym });
      return true;
    }
    return false;
  };
  const walk = (e: Expression, w: number, factor?: Expression): boolean => {
    // A variable-free term with constant curvature (e.g. square(3), or sumSquares(b) with parameters
    // frozen) is a number: canonicalization evaluates it. It must never become a quadratic term,
    // whose sign rule would reject (or, with a negative weight, mis-handle) it.
    if (facts.get(e)?.curvature === 'constant') {
      // Under a parameter factor a constant term would be a product of parameters: not kept.
      if (factor) return false;
      affine.push({ expr: e, weight: w });
      return true;
    }
    if (e instanceof AffineExpr) {
      const op = e.op as unknown;
      if (op === addOp) return e.args.every((a) => walk(a, w, factor));
      if (op === subOp) return walk(e.args[0]!, w, factor) && walk(e.args[1]!, -w, factor);
      if (op === negateOp) return walk(e.args[0]!, -w, factor);
      if (op === multiplyOp) {
        const [a0, a1] = [e.args[0]!, e.args[1]!];
        const c0 = scalarConstant(a0);
        const c1 = scalarConstant(a1);
        if (c0 !== undefined && a1.size === 1) return walk(a1, w * c0, factor);
        if (c1 !== undefined && a0.size === 1) return walk(a0, w * c1, factor);
        if (!factor && a0.size === 1 && a1.size === 1 && facts.get(e)?.hasVariables) {
          const scaled = isNonnegParameterFactor(a0, facts) ? [a0, a1] : isNonnegParameterFactor(a1, facts) ? [a1, a0] : undefined;
          if (scaled && walkFactored(scaled[1]!, w, scaled[0]!)) return true;
        }
      }
      if (op === divideOp) {
        const c = scalarConstant(e.args[1]!);
        if (c !== undefined && c !== 0 && e.args[0]!.size === 1) return walk(e.args[0]!, w / c, factor);
      }
      if (op === sumOp && (e.data as { axis: number | null }).axis === null) {
        const inner = e.args[0]!;
        if (inner instanceof Atom && (inner.atomName === 'square' || (inner instanceof Power && inner.p === 2))) {
          if (!isAffine(inner.args[0]!, facts) || sign * w < 0) return false;
          quad.push(factor ? { arg: inner.args[0]!, weight: w, factor } : { arg: inner.args[0]!, weight: w });
          return true;
        }
      }
    }
    if (quadOf(e, w, factor)) return true;
    // Under a parameter factor only quadratics are kept (the caller then canonicalizes the whole product).
    if (factor) return false;
    // Any other term that is convex in solver sign (affine, convex with a positive weight, concave
    // with a negative one) is canonicalized as usual: epigraph variables and cone constraints
    // beside the kept quadratic, as CVXPY does for e.g. sumSquares(Ax - b) + lambda norm1(x).
    if (isAffine(e, facts) || isConvexInSolverSign(e, sign * w, facts)) {
      affine.push({ expr: e, weight: w });
      return true;
    }
    return false;
  };
  /** Walks `e` scaled by `factor`, undoing what it pushed when part of it is not quadratic. */
  const walkFactored = (e: Expression, w: number, factor: Expression): boolean => {
    const [nAffine, nQuad] = [affine.length, quad.length];
    if (walk(e, w, factor)) return true;
    affine.length = nAffine;
    quad.length = nQuad;
    return false;
  };
  if (!walk(expr, 1)) return null;
  // Nothing quadratic to keep but cone terms to add: the plain cone form is the same problem.
  if (quad.length === 0 && affine.some((t) => !isAffine(t.expr, facts))) return null;
  return { affine, quad };
}
