import * as E from 'fp-ts/lib/Either.js';
import type { Expression } from '../expr/expression.js';
import type { Curvature } from '../expr/sign.js';
import type { Constraint } from '../problem/constraint.js';
import type { Objective } from '../problem/objective.js';
import { DcpError, DppError } from '../../solvers/errors.js';
import { type AnalysisMode, type ExprFacts, type RuleError, expressionFacts, isConcaveLike, isConvexLike } from './dcp.js';

/** What the analysis of a whole problem reports when it passes. */
export interface ProblemFacts {
  readonly mode: AnalysisMode;
  /** Curvature of the objective expression. */
  readonly objective: Curvature;
  /** Facts about every analyzed node (reused by compilation). */
  readonly facts: ReadonlyMap<Expression, ExprFacts>;
}

function requireCurvature(c: Constraint, side: string, e: Expression, f: ExprFacts, ok: boolean, need: string): void {
  if (!ok) throw new DcpError(`constraint ${c}: ${side} ${e} is ${f.curvature}, but must be ${need} (rule: DCP constraints are convex <= concave, affine == affine, norm2(affine) <= concave, powCone(affine, affine, affine))`);
}

/**
 * Checks a problem against DCP ('dcp') or DCP + DPP ('dpp'): the objective
 * must be convex to minimize or concave to maximize; `lhs <= rhs` needs lhs
 * convex and rhs concave; `==` needs both sides affine; `soc(t, x)` needs t
 * concave and x affine. Left carries the error naming the sub-expression.
 */
export function analyzeProblem(objective: Objective, constraints: readonly Constraint[], mode: AnalysisMode): E.Either<RuleError, ProblemFacts> {
  const result = analyzeIn(objective, constraints, mode);
  if (mode === 'dpp' && E.isLeft(result) && !(result.left instanceof DppError) && E.isRight(analyzeIn(objective, constraints, 'dcp'))) {
    // DCP holds with parameters as constants but fails once they count as affine (CVXPY's dpp_scope):
    // e.g. -sumSquares(b) in a minimize objective is concave in b. That is a DPP violation, not a DCP one,
    // and problem.solve then takes the non-DPP path (parameters frozen, compiled per solve).
    return E.left(new DppError(`not DPP (under DPP parameters are affine, so an atom of parameters has the atom's curvature): ${result.left.message}`));
  }
  return result;
}

function analyzeIn(objective: Objective, constraints: readonly Constraint[], mode: AnalysisMode): E.Either<RuleError, ProblemFacts> {
  const memo = new Map<Expression, ExprFacts>();
  try {
    const obj = expressionFacts(objective.expr, mode, memo);
    if (objective.sense === 'minimize' && !isConvexLike(obj.curvature)) {
      throw new DcpError(`objective minimize ${objective.expr}: the expression is ${obj.curvature}, minimize needs convex (rule: DCP objective)`);
    }
    if (objective.sense === 'maximize' && !isConcaveLike(obj.curvature)) {
      throw new DcpError(`objective maximize ${objective.expr}: the expression is ${obj.curvature}, maximize needs concave (rule: DCP objective)`);
    }
    for (const c of constraints) {
      if (c.kind === 'power') {
        const names = ['x', 'y', 'z'];
        c.args.forEach((e, i) => {
          const f = expressionFacts(e, mode, memo);
          requireCurvature(c, names[i]!, e, f, isConvexLike(f.curvature) && isConcaveLike(f.curvature), 'affine');
        });
        continue;
      }
      const [a, b] = c.args as [Expression, Expression];
      const fa = expressionFacts(a, mode, memo);
      const fb = expressionFacts(b, mode, memo);
      if (c.kind === 'le') {
        requireCurvature(c, 'left side', a, fa, isConvexLike(fa.curvature), 'convex');
        requireCurvature(c, 'right side', b, fb, isConcaveLike(fb.curvature), 'concave');
      } else if (c.kind === 'eq') {
        requireCurvature(c, 'left side', a, fa, isConvexLike(fa.curvature) && isConcaveLike(fa.curvature), 'affine');
        requireCurvature(c, 'right side', b, fb, isConvexLike(fb.curvature) && isConcaveLike(fb.curvature), 'affine');
      } else {
        requireCurvature(c, 't', a, fa, isConcaveLike(fa.curvature), 'concave');
        requireCurvature(c, 'x', b, fb, isConvexLike(fb.curvature) && isConcaveLike(fb.curvature), 'affine');
      }
    }
    return E.right({ mode, objective: obj.curvature, facts: memo });
  } catch (err) {
    if (err instanceof DcpError || err instanceof DppError) return E.left(err);
    throw err;
  }
}
