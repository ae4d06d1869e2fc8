/**
 * Gradient check of a DPP problem on one route: the route's float64 backward
 * (`RouteSolution.dataGradients` chained through the parameter-to-data map by
 * `thetaGradient`, exactly what `ConvexLayer` does) against central finite
 * differences of the float64 forward solve, for the scalar loss
 * L(theta) = w . (all user variables at the solution), w random.
 */
import { type DslCompiledProblem, type Problem, compileProblem, recoverVariables, thetaFromParameters, thetaGradient } from '../dsl/index.js';
import { QpRoute, ScsRoute, isQpCompatible, type ConvexRoute, type RouteSolver } from '../dsl/solve/index.js';

/** Outcome of one gradient check. */
export interface GradientCheck {
  readonly route: ConvexRoute;
  /** 'ok', 'failed' (analytic and finite differences disagree), or 'skipped' with a reason. */
  readonly outcome: 'ok' | 'failed' | 'skipped';
  readonly detail: string;
  /** Largest |analytic - finite difference| / (1 + max |finite difference|) over checked entries. */
  readonly error: number;
}

/** Relative gradient error above which a check fails. */
export const GRADIENT_TOL = 1e-3;

function makeRoute(problem: Problem, route: ConvexRoute): { compiled: DslCompiledProblem; solver: RouteSolver } | undefined {
  if (route === 'qp') {
    const compiled = compileProblem(problem, { quadObjective: true });
    if (!isQpCompatible(compiled)) return undefined;
    return { compiled, solver: new QpRoute(compiled, { tol: 1e-11 }) };
  }
  const compiled = compileProblem(problem, { quadObjective: false });
  return { compiled, solver: new ScsRoute(compiled, { epsAbs: 1e-10, epsRel: 1e-10, maxIters: 20_000 }, {}, false) };
}

/**
 * Checks d L / d theta on `route` at the parameters' current values, for up to
 * `maxEntries` entries of theta chosen by `random`. Entries where the finite
 * differences at steps h and h/4 disagree (a kink of the solution map, e.g. an
 * active set changing) are skipped, not failed.
 */
export function checkGradient(problem: Problem, route: ConvexRoute, random: () => number, maxEntries = 3): GradientCheck {
  const made = makeRoute(problem, route);
  if (!made) return { route, outcome: 'skipped', detail: 'not an LP/QP', error: 0 };
  const { compiled, solver } = made;
  const theta = thetaFromParameters(compiled);
  if (theta.length === 0) return { route, outcome: 'skipped', detail: 'no parameters', error: 0 };
  const nUser = compiled.variables.reduce((s, v) => s + v.size, 0);
  const w = Float64Array.from({ length: nUser }, () => 2 * random() - 1);
  const loss = (th: Float64Array): number | undefined => {
    const sol = solver.solve(th, 1);
    if (sol.statuses[0] !== 'optimal') return undefined;
    let total = 0;
    let k = 0;
    for (const v of recoverVariables(compiled, sol.x[0]!)) for (const t of v) total += w[k++]! * t;
    return total;
  };
  const base = solver.solve(theta, 1);
  if (base.statuses[0] !== 'optimal') return { route, outcome: 'skipped', detail: `forward status ${base.statuses[0]}`, error: 0 };
  // dL/dx = R' w, with R the (linear) recovery map from solver x to the user variables.
  const dx = new Float64Array(compiled.n);
  const probe = new Float64Array(compiled.n);
  for (let j = 0; j < compiled.n; j++) {
    probe[j] = 1;
    let k = 0;
    let g = 0;
    for (const v of recoverVariables(compiled, probe)) for (const t of v) g += w[k++]! * t;
    dx[j] = g;
    probe[j] = 0;
  }
  const grads = base.dataGradients([dx], [null]);
  const g = thetaGradient(compiled, grads[0]!);
  const entries = Array.from({ length: theta.length }, (_, i) => i)
    .sort(() => random() - 0.5)
    .slice(0, maxEntries);
  let worst = 0;
  let checked = 0;
  let detail = '';
  for (const i of entries) {
    const fd = (h: number): number | undefined => {
      const plus = theta.slice();
      plus[i] += h;
      const minus = theta.slice();
      minus[i] -= h;
      const lp = loss(plus);
      const lm = loss(minus);
      return lp === undefined || lm === undefined ? undefined : (lp - lm) / (2 * h);
    };
    const h = 1e-3 * (1 + Math.abs(theta[i]!));
    const f1 = fd(h);
    const f2 = fd(h / 4);
    if (f1 === undefined || f2 === undefined) continue;
    const scale = 1 + Math.max(Math.abs(f1), Math.abs(f2));
    if (Math.abs(f1 - f2) > GRADIENT_TOL * scale) continue; // not differentiable here (or too curved to tell)
    checked++;
    const err = Math.abs(g[i]! - f2) / scale;
    if (err > worst) {
      worst = err;
      detail = `theta[${i}]: analytic ${g[i]!.toExponential(6)}, finite difference ${f2.toExponential(6)}`;
    }
  }
  if (checked === 0) return { route, outcome: 'skipped', detail: 'no smooth entry', error: 0 };
  return { route, outcome: worst > GRADIENT_TOL ? 'failed' : 'ok', detail: detail || `${checked} entries agree`, error: worst };
}
