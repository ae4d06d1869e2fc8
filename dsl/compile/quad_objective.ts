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

/** objective = sum of weighted affine expressions + sum of quadratic terms. */
export interface QuadSplit {
  readonly affine: readonly { readonly expr: Expression; readonly weight: number }[];
  readonly quad: readonly QuadTerm[];
}

function scalarConstant(e: Expression): number | undefined {
  return e instanceof Constant && e.size === 1 ? e.constValue.data[0] : undefined;
}

function isAffine(e: Expression, facts: ReadonlyMap<Expression, ExprFacts>): boolean {
  const c = facts.get(e)?.curvature;
  return c === 'affine' || c === 'constant';
}

/**
 * Splits `sign * objective` into affine terms and convex quadratic terms of
 * affine arguments (sumSquares, square, power(., 2), quadForm), walking
 * through sums, differences, negation and scaling by constant scalars.
 * Returns null when the objective has any other shape, or a quadratic term
 * would be concave in solver sign; the caller then falls back to cones.
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
    if (isAffine(e, facts)) {
      affine.push({ expr: e, weight: w });
      return true;
    }
    return false;
  };
  return walk(expr, 1) ? { affine, quad } : null;
}
