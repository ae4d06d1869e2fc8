import { addOp, subOp } from '../affine/add.js';
import { divideOp, multiplyOp } from '../affine/multiply.js';
import { negateOp } from '../affine/negate.js';
import { sumOp } from '../affine/sum.js';
import type { ExprFacts } from '../analysis/dcp.js';
import { Atom } from '../atoms/atom.js';
import { Power } from '../atoms/power.js';
import { QuadForm } from '../atoms/quad_form.js';
import { AffineExpr, Constant, type Expression, evaluateExpression } from '../expr/expression.js';

/** A weighted convex quadratic w * u'Qu of an affine u (Q = I when `matrix` is absent). */
export interface QuadTerm {
  readonly arg: Expression;
  readonly weight: number;
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
 * Splits `sign * objective` into convex quadratic terms of affine arguments
 * (sumSquares, square, power(., 2), quadForm), kept in P, and other terms that
 * are affine or convex in solver sign (canonicalized into cones), walking
 * through sums, differences, negation and scaling by constant scalars.
 * Returns null when a term fits neither, or a quadratic term would be concave
 * in solver sign; the caller then falls back to cones.
 */
export function splitQuadraticObjective(expr: Expression, sign: 1 | -1, facts: ReadonlyMap<Expression, ExprFacts>): QuadSplit | null {
  const affine: { expr: Expression; weight: number }[] = [];
  const quad: QuadTerm[] = [];
  const quadOf = (e: Expression, w: number): boolean => {
    if (!(e instanceof Atom)) return false;
    const x = e.args[0]!;
    const squareLike = e.atomName === 'sumSquares' || e.atomName === 'square' || (e instanceof Power && e.p === 2);
    if (squareLike && e.size === 1) {
      if (!isAffine(x, facts) || sign * w < 0) return false;
      quad.push({ arg: x, weight: w });
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
      quad.push({ arg: x, weight: w, matrix: sym });
      return true;
    }
    return false;
  };
  const walk = (e: Expression, w: number): boolean => {
    // A variable-free term with constant curvature (e.g. square(3), or sumSquares(b) with parameters
    // frozen) is a number: canonicalization evaluates it. It must never become a quadratic term,
    // whose sign rule would reject (or, with a negative weight, mis-handle) it.
    if (facts.get(e)?.curvature === 'constant') {
      affine.push({ expr: e, weight: w });
      return true;
    }
    if (e instanceof AffineExpr) {
      const op = e.op as unknown;
      if (op === addOp) return e.args.every((a) => walk(a, w));
      if (op === subOp) return walk(e.args[0]!, w) && walk(e.args[1]!, -w);
      if (op === negateOp) return walk(e.args[0]!, -w);
      if (op === multiplyOp) {
        const c0 = scalarConstant(e.args[0]!);
        const c1 = scalarConstant(e.args[1]!);
        if (c0 !== undefined && e.args[1]!.size === 1) return walk(e.args[1]!, w * c0);
        if (c1 !== undefined && e.args[0]!.size === 1) return walk(e.args[0]!, w * c1);
      }
      if (op === divideOp) {
        const c = scalarConstant(e.args[1]!);
        if (c !== undefined && c !== 0 && e.args[0]!.size === 1) return walk(e.args[0]!, w / c);
      }
      if (op === sumOp && (e.data as { axis: number | null }).axis === null) {
        const inner = e.args[0]!;
        if (inner instanceof Atom && (inner.atomName === 'square' || (inner instanceof Power && inner.p === 2))) {
          if (!isAffine(inner.args[0]!, facts) || sign * w < 0) return false;
          quad.push({ arg: inner.args[0]!, weight: w });
          return true;
        }
      }
    }
    if (quadOf(e, w)) return true;
    // Any other term that is convex in solver sign (affine, convex with a positive weight, concave
    // with a negative one) is canonicalized as usual: epigraph variables and cone constraints
    // beside the kept quadratic, as CVXPY does for e.g. sumSquares(Ax - b) + lambda norm1(x).
    if (isAffine(e, facts) || isConvexInSolverSign(e, sign * w, facts)) {
      affine.push({ expr: e, weight: w });
      return true;
    }
    return false;
  };
  if (!walk(expr, 1)) return null;
  // Nothing quadratic to keep but cone terms to add: the plain cone form is the same problem.
  if (quad.length === 0 && affine.some((t) => !isAffine(t.expr, facts))) return null;
  return { affine, quad };
}
