import { evaluateExpression, type Expression } from '../expr/expression.js';
import type { SolverStatus } from '../../solvers/status.js';
import type { Constraint, PowConeConstraint } from './constraint.js';

/** The worst constraint violation at the current variable values. */
export interface ConstraintViolation {
  /**
   * max over constraints and entries of the violation divided by
   * 1 + |lhs| + |rhs| (so it is scale-free): for `a <= b` max(0, a - b), for
   * `a == b` |a - b|, for `soc(t, x)` max(0, |x|_2 - t). NaN when an entry
   * evaluates to NaN; 0 when there are no constraints.
   */
  readonly relative: number;
  /** The constraint attaining it (undefined when every constraint holds exactly). */
  readonly constraint: Constraint | undefined;
}

/** Values of sub-expressions at the current point, shared by the checks of one solve (a DAG is evaluated once). */
type EvaluationMemo = Map<Expression, Float64Array | undefined>;

/**
 * Relative violation below which a solver's 'optimal' point is accepted as is.
 * Solvers stop at residuals of about 1e-8 (SCS) and 1e-9 (QP) of their scaled
 * cone form; atoms such as power(x, -2) near x = 0 amplify those, so allow two
 * orders of magnitude more before doubting the point.
 */
export const VIOLATION_OK = 1e-6;

/**
 * Relative violation up to which a point is reported 'optimal_inaccurate';
 * beyond it the solve failed. Atoms with unbounded slopes at their domain
 * boundary (klDiv(x, y) as y -> 0, log, invPos) turn cone residuals of 1e-8
 * into value errors near 1e-4, hence 1e-3.
 */
export const VIOLATION_INACCURATE = 1e-3;

/**
 * Evaluates every original constraint (the user's expressions, through each
 * atom's numeric evaluation, not the canonicalized cone form) at the current
 * variable values. An independent check of a solver's point: a canonicalization
 * or solver bug that returns an infeasible point shows up here.
 */
export function constraintViolation(constraints: readonly Constraint[], memo: EvaluationMemo = new Map()): ConstraintViolation {
  const evaluate = (e: Expression) => evaluateNearDomain(e, memo);
  let worst = 0;
  let culprit: Constraint | undefined;
  const record = (v: number, c: Constraint) => {
    if (Number.isNaN(v) || v > worst) {
      worst = Number.isNaN(v) ? NaN : v;
      culprit = c;
    }
  };
  for (const c of constraints) {
    if (Number.isNaN(worst)) break;
    const [a, b] = c.args.map(evaluate) as [Float64Array | undefined, Float64Array | undefined];
    if (!a || !b) {
      record(NaN, c);
      continue;
    }
    if (c.kind === 'power') {
      record(powConeViolation(c as PowConeConstraint, a, b, evaluate(c.args[2]!)), c);
      continue;
    }
    if (c.kind === 'soc') {
      let sq = 0;
      for (let i = 0; i < b.length; i++) sq += b[i]! * b[i]!;
      const norm = Math.sqrt(sq);
      record(Math.max(0, norm - a[0]!) / (1 + norm + Math.abs(a[0]!)), c);
      continue;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[a.length === 1 ? 0 : i]!;
      const y = b[b.length === 1 ? 0 : i]!;
      record(entryViolation(c.kind, x, y), c);
    }
  }
  return { relative: worst, constraint: culprit };
}

/**
 * Absolute distance (relative to 1 + the largest argument entry) by which an
 * atom's argument may lie off the atom's domain boundary and still be
 * evaluated at it. Every domain here is bounded by 0 (sqrt, entr: x >= 0; log,
 * invPos: x > 0; klDiv, quadOverLin: y >= 0), and a solver stops a few 1e-9
 * from it: sqrt(-1e-10) must count as sqrt(0), not as -Infinity, and
 * klDiv(1e-11, -1e-12) as klDiv(0, 0) = 0, not as +Infinity.
 */
const DOMAIN_SNAP = 1e-7;

/**
 * `evaluateExpression`, except that an atom whose value is not finite is
 * re-evaluated with argument entries within snap of 0 moved to 0 (see DOMAIN_SNAP).
 */
function evaluateNearDomain(e: Expression, memo: EvaluationMemo): Float64Array | undefined {
  if (memo.has(e)) return memo.get(e);
  const args: Float64Array[] = [];
  for (const a of e.args) {
    const v = evaluateNearDomain(a, memo);
    if (v === undefined) {
      memo.set(e, undefined);
      return undefined;
    }
    args.push(v);
  }
  let out = e.kind === 'atom' || e.kind === 'affine' ? e.evaluate(args) : evaluateExpression(e);
  if (e.kind === 'atom' && out && out.some((v) => !Number.isFinite(v))) {
    const snapped = args.map((a) => {
      let scale = 0;
      // Only finite entries set the scale (-Infinity from an inner atom outside its domain stays -Infinity).
      for (const v of a) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
      const snap = DOMAIN_SNAP * (1 + scale);
      return a.map((v) => (Math.abs(v) <= snap ? 0 : v));
    });
    out = e.evaluate(snapped);
  }
  memo.set(e, out);
  return out;
}

/**
 * Worst relative violation of |z| <= x^a y^(1-a), x, y >= 0 over the cones of
 * a powCone constraint, as the distance one coordinate must move to reach the
 * cone: max(0, -x, -y, min(dz, dx, dy)) / (1 + |x| + |y| + |z|),
 * with dz = max(0, |z| - x+^a y+^(1-a)), dx the increase of x+ = max(x, 0) to
 * (|z| / y+^(1-a))^(1/a), dy likewise for y. Not the plain gap dz alone: for
 * a small exponent the bound is steep at x = 0 (a = 0.13: x = 6e-10 already
 * allows |z| = 0.037 y^0.87), so a solver point 1e-9 off the boundary would
 * read as violated by |z| and a correct solve be called a numerical error.
 */
function powConeViolation(c: PowConeConstraint, x: Float64Array, y: Float64Array, z: Float64Array | undefined): number {
  if (!z) return NaN;
  let worst = 0;
  for (let i = 0; i < c.count; i++) {
    const xi = x[x.length === 1 ? 0 : i]!;
    const yi = y[y.length === 1 ? 0 : i]!;
    const zi = z[z.length === 1 ? 0 : i]!;
    const a = c.alphas[i]!;
    const [xp, yp, az] = [Math.max(0, xi), Math.max(0, yi), Math.abs(zi)];
    const dz = Math.max(0, az - xp ** a * yp ** (1 - a));
    const dx = dz === 0 ? 0 : yp > 0 ? Math.max(0, (az / yp ** (1 - a)) ** (1 / a) - xp) : Infinity;
    const dy = dz === 0 ? 0 : xp > 0 ? Math.max(0, (az / xp ** a) ** (1 / (1 - a)) - yp) : Infinity;
    const v = Math.max(0, -xi, -yi, Math.min(dz, dx, dy)) / (1 + Math.abs(xi) + Math.abs(yi) + az);
    if (Number.isNaN(v)) return NaN;
    worst = Math.max(worst, v);
  }
  return worst;
}

/**
 * Relative violation of one entry of `x <= y` ('le') or `x == y` ('eq').
 * Infinite values (an atom outside its domain evaluates to +-Infinity) count
 * as a violation of 1, the largest relative value, unless they satisfy the
 * inequality (-Infinity <= y, x <= Infinity). NaN stays NaN.
 */
function entryViolation(kind: 'le' | 'eq', x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return kind === 'le' && (x === -Infinity || y === Infinity) ? 0 : 1;
  const raw = kind === 'le' ? x - y : Math.abs(x - y);
  return Math.max(0, raw) / (1 + Math.abs(x) + Math.abs(y));
}

/**
 * Relative gap between the objective the solver reports and the user's
 * objective expression evaluated at the returned point (through each atom's
 * numeric evaluation): |f(x) - value| / (1 + |f(x)| + |value|), NaN when f(x)
 * is not a number, 1 when it is infinite (x outside the objective's domain).
 * At a solution of the cone program every epigraph variable is tight, so the
 * two agree to the solver's tolerance; a canonicalization that is not exact
 * on the domain (an atom called monotone where it is not) shows up here even
 * when every constraint holds.
 */
export function objectiveGap(objective: Expression, value: number, memo: EvaluationMemo = new Map()): number {
  const f = evaluateNearDomain(objective, memo);
  if (f === undefined || Number.isNaN(f[0]!)) return NaN;
  if (!Number.isFinite(f[0]!)) return 1;
  return Math.abs(f[0]! - value) / (1 + Math.abs(f[0]!) + Math.abs(value));
}

/**
 * The status a solve reports after checking its point: 'optimal' stays
 * 'optimal' when the point satisfies the original constraints within
 * VIOLATION_OK; within VIOLATION_INACCURATE it becomes 'optimal_inaccurate';
 * beyond (or NaN) the solver's point is not a solution of the user's problem
 * and the status is 'numerical_error' (e.g. a solver stopping at a point of
 * an infeasible problem that satisfies its cones only approximately); the
 * check proves the point wrong, not the problem infeasible.
 */
export function checkedStatus(status: SolverStatus, violation: ConstraintViolation): { status: SolverStatus; note: string | undefined } {
  return downgraded(
    status,
    violation.relative,
    () => `the solver's point violates ${violation.constraint} by ${violation.relative.toExponential(2)} (relative), checked by evaluating the original expressions`,
  );
}

/**
 * The post-solve check of `problem.solve`: `checkedStatus` of the point
 * against the original constraints, then against the objective (the reported
 * `value` must be the objective evaluated at the point, see `objectiveGap`),
 * with one evaluation of every sub-expression shared by both.
 */
export function checkSolvedPoint(
  status: SolverStatus,
  constraints: readonly Constraint[],
  objective: Expression,
  value: number,
): { status: SolverStatus; notes: string[] } {
  const memo: EvaluationMemo = new Map();
  const byConstraints = checkedStatus(status, constraintViolation(constraints, memo));
  const gap = objectiveGap(objective, value, memo);
  const byObjective = downgraded(
    byConstraints.status,
    gap,
    () => `the objective ${objective} evaluates to a value ${gap.toExponential(2)} (relative) away from the reported ${value} at the solver's point`,
  );
  const notes = [byConstraints.note, byObjective.note].filter((n): n is string => n !== undefined);
  return { status: byObjective.status, notes };
}

/** A solved status downgraded by a relative error v: kept within VIOLATION_OK, 'optimal_inaccurate' within VIOLATION_INACCURATE, else 'numerical_error' (NaN too). */
function downgraded(status: SolverStatus, v: number, note: () => string): { status: SolverStatus; note: string | undefined } {
  if (status !== 'optimal' && status !== 'optimal_inaccurate') return { status, note: undefined };
  if (v <= VIOLATION_OK) return { status, note: undefined };
  if (v <= VIOLATION_INACCURATE) return { status: 'optimal_inaccurate', note: note() };
  // Not 'infeasible_inaccurate': no certificate says the problem is infeasible,
  // only that this point is not a solution.
  return { status: 'numerical_error', note: note() };
}
