/**
 * Independent evidence about a point of a DSL problem, computed from the
 * user's original expressions through each node's numeric `evaluate` (never
 * through the canonicalized cone form): constraint violation, objective value,
 * and whether perturbed points are feasible and better. The fuzzer's own code,
 * deliberately separate from `dsl/problem/solution_check.ts` which guards
 * `problem.solve`, so a bug there cannot hide one here.
 */
import type { Constraint, Expression, PowConeConstraint, Problem, Variable } from '../dsl/index.js';
import { Value } from '../dsl/index.js';

/**
 * Entries within this distance of 0 (relative to 1 + the largest finite
 * argument entry) count as 0 when an atom's value is not finite: solvers stop
 * a hair off domain boundaries at 0 (sqrt(-1e-10) is sqrt(0), and
 * klDiv(1e-11, 0) is klDiv(0, 0) = 0, for our purposes).
 */
const DOMAIN_SNAP = 1e-7;

/** Numeric value of `e` at the variables' current values, tolerant at domain boundaries; undefined when a leaf is unset. */
export function evaluateTolerant(e: Expression, memo = new Map<Expression, Float64Array | undefined>()): Float64Array | undefined {
  if (memo.has(e)) return memo.get(e);
  let out: Float64Array | undefined;
  if (e.args.length === 0) out = e.evaluate([]);
  else {
    const args: Float64Array[] = [];
    for (const a of e.args) {
      const v = evaluateTolerant(a, memo);
      if (!v) {
        memo.set(e, undefined);
        return undefined;
      }
      args.push(v);
    }
    out = e.evaluate(args);
    if (e.kind === 'atom' && out && out.some((v) => !Number.isFinite(v))) {
      out = e.evaluate(
        args.map((a) => {
          // Only finite entries set the scale and get snapped: -Infinity (an argument already outside
          // its own atom's domain) must stay -Infinity.
          const snap = DOMAIN_SNAP * (1 + a.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0));
          return a.map((v) => (Math.abs(v) <= snap ? 0 : v));
        }),
      );
    }
  }
  memo.set(e, out);
  return out;
}

/**
 * Worst relative violation max(0, gap) / (1 + |lhs| + |rhs|) over every
 * constraint entry (Infinity when not finite), and over the sign attributes
 * (nonneg, nonpos) of `vars`, which are constraints too.
 */
export function worstViolation(constraints: readonly Constraint[], vars: readonly Variable[] = []): { value: number; constraint: string } {
  const memo = new Map<Expression, Float64Array | undefined>();
  let worst = 0;
  let which = '';
  const take = (v: number, c: Constraint) => {
    const val = Number.isFinite(v) ? v : Infinity;
    if (val > worst) {
      worst = val;
      which = c.toString();
    }
  };
  for (const v of vars) {
    const data = v.value?.data;
    if (!data || !(v.nonneg || v.nonpos)) continue;
    for (const t of data) {
      const gap = v.nonneg ? -t : t;
      if (gap / (1 + Math.abs(t)) > worst) {
        worst = gap / (1 + Math.abs(t));
        which = `${v.name} ${v.nonneg ? 'nonneg' : 'nonpos'}`;
      }
    }
  }
  for (const c of constraints) {
    if (c.kind === 'power') {
      take(powConeViolation(c as PowConeConstraint, memo), c);
      continue;
    }
    const a = evaluateTolerant(c.args[0]!, memo);
    const b = evaluateTolerant(c.args[1]!, memo);
    if (!a || !b) {
      take(Infinity, c);
      continue;
    }
    if (c.kind === 'soc') {
      const norm = Math.hypot(...b);
      take(Math.max(0, norm - a[0]!) / (1 + norm + Math.abs(a[0]!)), c);
      continue;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[a.length === 1 ? 0 : i]!;
      const y = b[b.length === 1 ? 0 : i]!;
      if (c.kind === 'le' && (x === -Infinity || y === Infinity)) continue;
      const gap = c.kind === 'le' ? x - y : Math.abs(x - y);
      take(Math.max(0, gap) / (1 + Math.abs(x) + Math.abs(y)), c);
    }
  }
  return { value: worst, constraint: which };
}

/**
 * Worst relative violation of powCone(x, y, z, alpha), the set
 * { |z_i| <= x_i^a_i y_i^(1 - a_i), x_i >= 0, y_i >= 0 } (scalars broadcast),
 * measured as how far one coordinate must move to reach the cone: the
 * negative parts of x_i and y_i, plus the smallest of the moves of z_i (down
 * to the bound), of x_i (up to (|z_i| / y_i^(1-a))^(1/a)) and of y_i (up to
 * (|z_i| / x_i^a)^(1/(1-a))), relative to 1 + |x_i| + |y_i| + |z_i|. Not the
 * plain gap |z| - x^a y^(1-a): with a small exponent the bound is steep at
 * x = 0 (0.13: x = 1e-9 already allows |z| = 0.07 y^0.87), so a point 1e-9
 * off the boundary would read as violated by |z|. Infinity when an argument
 * cannot be evaluated.
 */
function powConeViolation(c: PowConeConstraint, memo: Map<Expression, Float64Array | undefined>): number {
  const [x, y, z] = c.args.map((e) => evaluateTolerant(e, memo));
  if (!x || !y || !z) return Infinity;
  const at = (v: Float64Array, i: number) => v[v.length === 1 ? 0 : i]!;
  let worst = 0;
  for (let i = 0; i < c.count; i++) {
    const [xi, yi, zi, a] = [at(x, i), at(y, i), at(z, i), c.alphas[i]!];
    if (![xi, yi, zi].every(Number.isFinite)) return Infinity;
    const [xp, yp, az] = [Math.max(xi, 0), Math.max(yi, 0), Math.abs(zi)];
    const moveZ = Math.max(0, az - xp ** a * yp ** (1 - a));
    // x^a y^(1-a) >= |z| needs x >= (|z| / y^(1-a))^(1/a) (impossible when y = 0 < |z|), and symmetrically for y.
    const moveX = moveZ === 0 ? 0 : yp > 0 ? Math.max(0, (az / yp ** (1 - a)) ** (1 / a) - xp) : Infinity;
    const moveY = moveZ === 0 ? 0 : xp > 0 ? Math.max(0, (az / xp ** a) ** (1 / (1 - a)) - yp) : Infinity;
    const gap = Math.max(0, -xi) + Math.max(0, -yi) + Math.min(moveZ, moveX, moveY);
    worst = Math.max(worst, gap / (1 + Math.abs(xi) + Math.abs(yi) + az));
  }
  return worst;
}

/** Objective value at the variables' current values (NaN when it cannot be evaluated). */
export function objectiveValue(problem: Problem): number {
  const v = evaluateTolerant(problem.objective.expr);
  return v && v.length === 1 ? v[0]! : NaN;
}

/** The variables' current values (copies). */
export function currentPoint(vars: readonly Variable[]): Float64Array[] {
  return vars.map((v) => (v.value ? v.value.data.slice() : new Float64Array(v.size).fill(NaN)));
}

/** Sets every variable to the given values. */
export function setPoint(vars: readonly Variable[], point: readonly Float64Array[]): void {
  vars.forEach((v, i) => (v.value = new Value(v.shape, point[i]!.slice())));
}

/** What the local optimality probe found. */
export interface ProbeResult {
  /** Feasible probe points tried. */
  readonly feasibleProbes: number;
  /** Largest improvement of the objective (in the solver's sense: positive = better) among feasible probes. */
  readonly bestImprovement: number;
  /** Description of the probe attaining it. */
  readonly where: string;
}

/**
 * Probes optimality of `xStar`: points on the segment from xStar to the known
 * strictly feasible x0 (feasible by convexity), and random perturbations of
 * xStar that pass the numeric feasibility check (violation no larger than
 * xStar's own, floor 1e-10, cap feasTol). A
 * true optimum is never beaten by more than the solver's tolerance.
 */
export function probeOptimality(
  problem: Problem,
  vars: readonly Variable[],
  xStar: readonly Float64Array[],
  x0: readonly Float64Array[],
  fStar: number,
  random: () => number,
  feasTol: number,
): ProbeResult {
  const sense = problem.objective.sense === 'minimize' ? 1 : -1;
  // A probe counts only if it is (almost) as feasible as xStar itself: a step of 1e-4 along an
  // equality constraint violates it by about 1e-4, and accepting that would "improve" any optimum.
  setPoint(vars, xStar);
  const limit = Math.min(feasTol, Math.max(worstViolation(problem.constraints, vars).value, 1e-10));
  let feasible = 0;
  let best = -Infinity;
  let where = '';
  const tryPoint = (pt: Float64Array[], label: string) => {
    setPoint(vars, pt);
    if (worstViolation(problem.constraints, vars).value > limit) return;
    const f = objectiveValue(problem);
    if (!Number.isFinite(f)) return;
    feasible++;
    const gain = sense * (fStar - f);
    if (gain > best) {
      best = gain;
      where = label;
    }
  };
  for (const t of [1e-4, 1e-3, 1e-2, 0.1, 0.5, 1]) {
    tryPoint(
      xStar.map((x, i) => x.map((v, j) => v + t * (x0[i]![j]! - v))),
      `xStar + ${t} (x0 - xStar)`,
    );
  }
  for (const eps of [1e-4, 1e-3, 1e-2, 1e-1]) {
    for (let k = 0; k < 4; k++) {
      tryPoint(
        xStar.map((x) => x.map((v) => v + eps * (2 * random() - 1))),
        `xStar + random direction * ${eps}`,
      );
    }
  }
  setPoint(vars, xStar);
  return { feasibleProbes: feasible, bestImprovement: best, where };
}
