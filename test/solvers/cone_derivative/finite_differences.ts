/**
 * Finite differences of the (polished) SCS solution map (A, b, c) -> (x, y, s)
 * along a data direction, for checking `coneProgramDerivative`.
 */
import type { DataPerturbation, SolutionPerturbation } from '../../../solvers/cone_derivative/index.js';
import type { ConeProgram } from '../../../solvers/cone_program.js';
import { solveScs, type ConeSolution, type ScsOptions } from '../../../solvers/scs/index.js';
import { polish } from './polish.js';
import { SeededRandom } from './random_programs.js';

/** Tight SCS settings for derivative checks (no Anderson acceleration in this build: many iterations). */
export const TIGHT: ScsOptions = { epsAbs: 1e-10, epsRel: 1e-10, maxIters: 20_000, scale: 1 };

export function perturbed(p: ConeProgram, d: DataPerturbation, t: number): ConeProgram {
  return {
    ...p,
    A: { ...p.A, values: p.A.values.map((v, k) => v + t * d.dA[k]!) },
    b: p.b.map((v, i) => v + t * d.db[i]!),
    c: p.c.map((v, j) => v + t * d.dc[j]!),
  };
}

/**
 * SCS at 1e-10 (20000 iterations, then 300000 more if needed), then Newton
 * polishing to machine precision; throws if the KKT residual stays above 1e-12.
 */
export function solveTight(p: ConeProgram, warm?: ConeSolution): ConeSolution {
  let start = warm;
  for (const maxIters of [20_000, 300_000]) {
    const sol = solveScs(p, { ...TIGHT, maxIters }, start);
    if (sol.status !== 'optimal' && sol.status !== 'optimal_inaccurate' && sol.status !== 'max_iters') {
      throw new Error(`finite-difference solve failed: ${sol.message}`);
    }
    const polished = polish(p, sol, 8);
    if (polished.residual <= 1e-12) return { ...polished.solution, status: 'optimal' };
    start = sol;
  }
  throw new Error('finite-difference solve: Newton polishing did not reach a KKT residual of 1e-12');
}

/** (sol(p + h d) - sol(p - h d)) / (2h). */
export function centralDifference(p: ConeProgram, base: ConeSolution, d: DataPerturbation, h: number): SolutionPerturbation {
  const plus = solveTight(perturbed(p, d, h), base);
  const minus = solveTight(perturbed(p, d, -h), base);
  const diff = (a: Float64Array, b: Float64Array) => a.map((v, i) => (v - b[i]!) / (2 * h));
  return { dx: diff(plus.x, minus.x), dy: diff(plus.y, minus.y), ds: diff(plus.s, minus.s) };
}

/**
 * Richardson-extrapolated central differences, (4 D(h/2) - D(h)) / 3, with
 * truncation error O(h^4): near-degenerate instances have large third
 * derivatives that plain central differences at a rounding-safe h would show.
 */
export function finiteDifference(p: ConeProgram, base: ConeSolution, d: DataPerturbation, h: number): SolutionPerturbation {
  const coarse = centralDifference(p, base, d, h);
  const fine = centralDifference(p, base, d, h / 2);
  const mix = (f: Float64Array, c: Float64Array) => f.map((v, i) => (4 * v - c[i]!) / 3);
  return { dx: mix(fine.dx, coarse.dx), dy: mix(fine.dy, coarse.dy), ds: mix(fine.ds, coarse.ds) };
}

export function randomDataDirection(p: ConeProgram, rng: SeededRandom): DataPerturbation {
  return { dA: rng.normals(p.A.values.length), db: rng.normals(p.b.length), dc: rng.normals(p.c.length) };
}

export function randomSolutionDirection(p: ConeProgram, rng: SeededRandom): SolutionPerturbation {
  return { dx: rng.normals(p.c.length), dy: rng.normals(p.b.length), ds: rng.normals(p.b.length) };
}

export function dotSolution(a: SolutionPerturbation, b: SolutionPerturbation): number {
  let acc = 0;
  for (const k of ['dx', 'dy', 'ds'] as const) for (let i = 0; i < a[k].length; i++) acc += a[k][i]! * b[k][i]!;
  return acc;
}

export function dotData(a: DataPerturbation, b: DataPerturbation): number {
  let acc = 0;
  for (const k of ['dA', 'db', 'dc'] as const) for (let i = 0; i < a[k].length; i++) acc += a[k][i]! * b[k][i]!;
  return acc;
}

/** max_i |a_i - b_i| / max(1, max_i |b_i|) over the concatenated (x, y, s). */
export function relativeError(a: SolutionPerturbation, b: SolutionPerturbation): number {
  let err = 0;
  let scale = 1;
  for (const k of ['dx', 'dy', 'ds'] as const) {
    for (let i = 0; i < a[k].length; i++) {
      err = Math.max(err, Math.abs(a[k][i]! - b[k][i]!));
      scale = Math.max(scale, Math.abs(b[k][i]!));
    }
  }
  return err / scale;
}
