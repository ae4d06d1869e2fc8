import type { ConeProgram } from '../cone_program.js';
import { validateConeProgram } from '../cone_program.js';
import { coneProjectionDerivative } from '../cones/cone_projection.js';
import { ShapeError, SolverError, UnsupportedError, ValueError, assertFinite } from '../errors.js';
import { gmres, lsqr } from '../linalg/krylov.js';
import { luFactor, type LuFactorization } from '../linalg/lu.js';
import type { ConeSolution } from '../scs/scs_solve.js';
import { isSolved } from '../status.js';
import type {
  ConeDerivativeOptions,
  ConeProgramDerivative,
  DataPerturbation,
  LinearSolveReport,
  SolutionPerturbation,
} from './cone_derivative_types.js';
import { resolveDerivativeOptions, type ResolvedDerivativeOptions } from './derivative_options.js';
import { residualMap, type ResidualMap } from './residual_map.js';

/**
 * The derivative of the solution map (A, b, c) -> (x, y, s) of
 *   minimize c'x  s.t.  Ax + s = b,  s in K     (dual: y in K*, A'y + c = 0)
 * at a solution, after Agrawal, Barratt, Boyd, Busseti & Moursi,
 * "Differentiating through a cone program" (J. Appl. Numer. Optim. 2019).
 *
 * With z = (x, y - s, 1), pi = (x, y, 1), D = blockdiag(I, DPi_K*(y - s), 1)
 * and Mhat the (nonsingular) residual-map derivative of `residualMap`:
 *
 * Forward: dQ = [[0, dA', dc], [-dA, 0, db], [-dc', -db', 0]],
 *   Mhat dz = -dQ pi,  then with dz = (du, dv, dw):
 *   dx = du - x dw,  dy = DPi_K*(v) dv - y dw,  ds = DPi_K*(v) dv - dv - s dw.
 * Adjoint: for a loss gradient (gx, gy, gs),
 *   g = (gx, DPi_K*'(gy + gs) - gs, -(x'gx + y'gy + s'gs)),  Mhat' r = g,
 *   r = (ru, rv, rw):  dA = rv x' - y ru' (on A's sparsity, CSC order),
 *   db = rw y - rv,  dc = rw x - ru.
 * (From <g, J d> = -<r, dQ pi>; every sign is checked against finite
 * differences of SCS solves in test/solvers/cone_derivative.)
 *
 * Linear solves: 'dense' factors Mhat once with partial-pivoting LU
 * (O(N^3), N = n + m + 1) and then costs O(N^2) per call, with iterative
 * refinement until the residual reaches `tol`; 'iterative' runs matrix-free
 * GMRES (O(nnz(A) + N) per step). If the LU finds Mhat singular (a degenerate
 * solution), `status` becomes 'singular' and solves return LSQR's minimum-norm
 * least-squares solution. A final relative residual above `acceptResidual`
 * throws `SolverError`.
 *
 * `at` says which points may be differentiated. 'solved' (the default)
 * accepts only a solution whose status is optimal / optimal_inaccurate (its
 * residuals were checked). 'best-effort' also accepts a finite point of any
 * other status (e.g. 'max_iters'): the result is the derivative of the
 * residual-map linearisation at that unchecked point, which is the solution
 * map's derivative only insofar as the point is near a solution; the returned
 * `atUnsolvedPoint` flag records that — the status is never relabelled.
 *
 * Throws `UnsupportedError` when the program has a quadratic term P
 * (quadratic programs are differentiated by the QP solver), `ValueError` for a
 * solution that contains NaN or (with at = 'solved') whose status is not
 * optimal / optimal_inaccurate, `ShapeError` for mismatched sizes.
 */
export function coneProgramDerivative(
  program: ConeProgram,
  solution: ConeSolution,
  options: ConeDerivativeOptions = {},
  at: 'solved' | 'best-effort' = 'solved',
): ConeProgramDerivative {
  if (program.P && program.P.values.some((v) => v !== 0)) {
    throw new UnsupportedError('coneProgramDerivative: programs with a quadratic objective P are not supported; differentiate them with the QP solver');
  }
  validateConeProgram(program);
  const opts = resolveDerivativeOptions(options);
  const { A, b, c, cones } = program;
  const n = A.cols;
  const m = A.rows;
  const { x, y, s } = solution;
  if (x.length !== n || y.length !== m || s.length !== m) {
    throw new ShapeError(`solution has sizes x ${x.length}, y ${y.length}, s ${s.length}; the program needs ${n}, ${m}, ${m}`);
  }
  const atUnsolvedPoint = !isSolved(solution.status);
  if (at !== 'solved' && at !== 'best-effort') throw new ValueError(`coneProgramDerivative: at must be 'solved' or 'best-effort', got '${String(at)}'`);
  if (atUnsolvedPoint && at === 'solved') {
    throw new ValueError(`cannot differentiate at a solution with status '${solution.status}' (${solution.message})`);
  }
  assertFinite(x, 'solution x');
  assertFinite(y, 'solution y');
  assertFinite(s, 'solution s');

  const v = new Float64Array(m);
  for (let i = 0; i < m; i++) v[i] = y[i]! - s[i]!;
  const dpi = coneProjectionDerivative(cones, v, { dual: true });
  const map = residualMap(A, b, c, x, y, dpi);
  const size = map.size;
  const method = opts.method === 'auto' ? (size <= opts.denseLimit ? 'dense' : 'iterative') : opts.method;
  const lu = method === 'dense' ? luFactor(map.toDense(), size, true) : undefined;
  const status: 'ok' | 'singular' = lu?.singular ? 'singular' : 'ok';
  let lastSolve: LinearSolveReport | undefined;

  const solve = (rhs: Float64Array, transpose: boolean): Float64Array => {
    const result = solveLinear(map, lu, rhs, transpose, opts);
    lastSolve = result.report;
    return result.x;
  };

  const adjoint = (g: SolutionPerturbation): DataPerturbation => {
    checkSolutionPerturbation(g, n, m);
    const rhs = new Float64Array(size);
    rhs.set(g.dx, 0);
    const gys = new Float64Array(m);
    for (let i = 0; i < m; i++) gys[i] = g.dy[i]! + g.ds[i]!;
    const dg = dpi.applyTranspose(gys);
    let dw = 0;
    for (let i = 0; i < n; i++) dw -= x[i]! * g.dx[i]!;
    for (let i = 0; i < m; i++) {
      rhs[n + i] = dg[i]! - g.ds[i]!;
      dw -= y[i]! * g.dy[i]! + s[i]! * g.ds[i]!;
    }
    rhs[size - 1] = dw;
    return dataFromAdjoint(solve(rhs, true));
  };

  /** The data perturbation (dA, db, dc) of an adjoint vector r: dA = r_v x' - y r_u' (on A's pattern), db = r_w y - r_v, dc = r_w x - r_u. */
  const dataFromAdjoint = (r: Float64Array): DataPerturbation => {
    const rw = r[size - 1]!;
    const dA = new Float64Array(A.values.length);
    for (let j = 0; j < n; j++) {
      for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) {
        const i = A.rowIndex[k]!;
        dA[k] = r[n + i]! * x[j]! - y[i]! * r[j]!;
      }
    }
    const db = new Float64Array(m);
    for (let i = 0; i < m; i++) db[i] = rw * y[i]! - r[n + i]!;
    const dc = new Float64Array(n);
    for (let j = 0; j < n; j++) dc[j] = rw * x[j]! - r[j]!;
    return { dA, db, dc };
  };

  const forward = (d: DataPerturbation): SolutionPerturbation => {
    checkDataPerturbation(d, A.values.length, n, m);
    // rhs = -dQ pi = -(dA' y + dc, -dA x + db, -dc'x - db'y)
    const rhs = new Float64Array(size);
    let w = 0;
    for (let j = 0; j < n; j++) {
      let acc = d.dc[j]!;
      for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) {
        const i = A.rowIndex[k]!;
        acc += d.dA[k]! * y[i]!;
        rhs[n + i]! += d.dA[k]! * x[j]!;
      }
      rhs[j] = -acc;
      w += d.dc[j]! * x[j]!;
    }
    for (let i = 0; i < m; i++) {
      rhs[n + i]! -= d.db[i]!;
      w += d.db[i]! * y[i]!;
    }
    rhs[size - 1] = w;
    const dz = solve(rhs, false);
    const dw = dz[size - 1]!;
    const dvSeg = dz.subarray(n, n + m);
    const ddv = dpi.apply(dvSeg);
    const dx = new Float64Array(n);
    for (let j = 0; j < n; j++) dx[j] = dz[j]! - x[j]! * dw;
    const dy = new Float64Array(m);
    const ds = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      dy[i] = ddv[i]! - y[i]! * dw;
      ds[i] = ddv[i]! - dvSeg[i]! - s[i]! * dw;
    }
    return { dx, dy, ds };
  };

  const adjointNullDirections = (count: number): { null: DataPerturbation; generic: DataPerturbation }[] => {
    if (status !== 'singular') return [];
    const out: { null: DataPerturbation; generic: DataPerturbation }[] = [];
    const q = new Float64Array(size);
    for (let k = 0; k < count; k++) {
      // n = w - pinv(Mhat') Mhat' w is the component of w in null(Mhat'): r + t n solves Mhat' r = g for every t.
      const w = probeVector(size, k);
      map.applyTranspose(w, q);
      const u = lsqr(map.applyTranspose, map.apply, q, size, { tol: 1e-14, maxIters: Math.max(1000, 40 * size) }).x;
      const nullVec = new Float64Array(size);
      for (let i = 0; i < size; i++) nullVec[i] = w[i]! - u[i]!;
      const scale = norm2(nullVec);
      if (scale === 0) continue;
      for (let i = 0; i < size; i++) nullVec[i]! /= scale;
      out.push({ null: dataFromAdjoint(nullVec), generic: dataFromAdjoint(w) });
    }
    return out;
  };

  return {
    size,
    method,
    status,
    atUnsolvedPoint,
    adjointNullDirections,
    get lastSolve() {
      return lastSolve;
    },
    adjoint,
    forward,
  };
}

/** A fixed unit vector with entries spread over [-1, 1] (deterministic, so a backward pass is reproducible). */
function probeVector(size: number, k: number): Float64Array {
  const w = new Float64Array(size);
  for (let i = 0; i < size; i++) w[i] = Math.sin(12.9898 * (i + 1) + 78.233 * (k + 1));
  const nrm = norm2(w);
  for (let i = 0; i < size; i++) w[i]! /= nrm;
  return w;
}

function norm2(v: Float64Array): number {
  let acc = 0;
  for (let i = 0; i < v.length; i++) acc += v[i]! * v[i]!;
  return Math.sqrt(acc);
}

/** Solves Mhat x = rhs (or Mhat' x = rhs) with the configured method; checks the residual. */
function solveLinear(
  map: ResidualMap,
  lu: LuFactorization | undefined,
  rhs: Float64Array,
  transpose: boolean,
  opts: ResolvedDerivativeOptions,
): { x: Float64Array; report: LinearSolveReport } {
  const size = map.size;
  const op = transpose ? map.applyTranspose : map.apply;
  const opT = transpose ? map.apply : map.applyTranspose;
  const rhsNorm = norm2(rhs);
  if (rhsNorm === 0) return { x: new Float64Array(size), report: { method: lu ? 'dense' : 'iterative', iterations: 0, relativeResidual: 0 } };
  const res = new Float64Array(size);
  const residualOf = (x: Float64Array): number => {
    op(x, res);
    for (let i = 0; i < size; i++) res[i] = rhs[i]! - res[i]!;
    return norm2(res) / rhsNorm;
  };
  let x: Float64Array;
  let report: LinearSolveReport;
  if (lu && !lu.singular) {
    x = transpose ? lu.solveTranspose(rhs) : lu.solve(rhs);
    let rel = residualOf(x);
    let steps = 0;
    // Iterative refinement: x += Mhat^-1 (rhs - Mhat x), reusing the factors.
    while (rel > opts.tol && steps < 3) {
      const corr = transpose ? lu.solveTranspose(res) : lu.solve(res);
      const trial = Float64Array.from(x);
      for (let i = 0; i < size; i++) trial[i]! += corr[i]!;
      const relTrial = residualOf(trial);
      steps++;
      if (!(relTrial < rel)) break;
      x = trial;
      rel = relTrial;
    }
    report = { method: 'dense', iterations: steps, relativeResidual: rel };
  } else if (lu) {
    const out = lsqr(op, opT, rhs, size, { tol: opts.tol, maxIters: opts.maxIters || Math.max(500, 20 * size) });
    x = out.x;
    report = { method: 'least-squares', iterations: out.iterations, relativeResidual: out.relativeResidual };
  } else {
    const maxIters = opts.maxIters || Math.max(500, 20 * size);
    const restart = opts.restart || Math.max(50, Math.floor(5e6 / size));
    const out = gmres(op, rhs, { tol: opts.tol, maxIters, restart: Math.min(restart, size) });
    x = out.x;
    report = { method: 'iterative', iterations: out.iterations, relativeResidual: out.relativeResidual };
  }
  if (!(report.relativeResidual <= opts.acceptResidual)) {
    const status = report.method === 'iterative' ? 'max_iters' : 'singular';
    throw new SolverError(
      `cone-program derivative: the ${report.method} solve with M${transpose ? "'" : ''} stopped at relative residual ` +
        `${report.relativeResidual.toExponential(2)} after ${report.iterations} iterations (acceptResidual ${opts.acceptResidual})`,
      status,
    );
  }
  return { x, report };
}

function checkSolutionPerturbation(g: SolutionPerturbation, n: number, m: number): void {
  if (g.dx.length !== n || g.dy.length !== m || g.ds.length !== m) {
    throw new ShapeError(`adjoint input has sizes dx ${g.dx.length}, dy ${g.dy.length}, ds ${g.ds.length}; expected ${n}, ${m}, ${m}`);
  }
  assertFinite(g.dx, 'adjoint input dx');
  assertFinite(g.dy, 'adjoint input dy');
  assertFinite(g.ds, 'adjoint input ds');
}

function checkDataPerturbation(d: DataPerturbation, nnz: number, n: number, m: number): void {
  if (d.dA.length !== nnz || d.db.length !== m || d.dc.length !== n) {
    throw new ShapeError(`forward input has sizes dA ${d.dA.length}, db ${d.db.length}, dc ${d.dc.length}; expected ${nnz} (nonzeros of A), ${m}, ${n}`);
  }
  assertFinite(d.dA, 'forward input dA');
  assertFinite(d.db, 'forward input db');
  assertFinite(d.dc, 'forward input dc');
}
