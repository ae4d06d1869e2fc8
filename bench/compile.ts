/**
 * Compile-time benchmark of the DSL (`npm run bench -- compile [--repeats N] [--sizes 10,100]`):
 * DCP/DPP analysis + canonicalization + the sparse parameter-to-data maps,
 * for two problem families with the same sizes as bench/peers/compile_cvxpylayers.py:
 *  - `dpp_least_squares` (a QP): minimize sumSquares(A x - b), A an m x n
 *    parameter, b an m parameter, m = 2n, n in {10, 100, 300, 1000};
 *  - `dpp_l1_regularized_norm2` (an SOCP, not a QP): minimize
 *    norm2(A x - b) + 0.1 norm1(x), same shapes, n in {50, 150, 500}
 *    (the largest has a 1000 x 500 parameter matrix).
 * Per size: compile_ms over fresh problems after a warm-up (median,
 * quartiles, min, max; max(--repeats, 15) runs below n = 300, --repeats,
 * default 5, from n = 300), compile_cpu_ms (process CPU time, less distorted
 * on a shared machine), data_ms (theta -> SCS data by sparse mat-vecs) and,
 * for least squares up to n = 300, one SCS solve at eps 1e-6 checked against
 * the normal equations. A last line per family fits compile_ms ~ c n^k
 * (log-log least squares) over the sizes with n >= 100, where fixed
 * overheads no longer dominate, and over all sizes.
 */
import { Problem, compileProblem, minimize, norm1, norm2, parameter, problemData, sumSquares, thetaFromParameters, variable } from '../dsl/index.js';
import { initSolvers } from '../solvers/init.js';
import { benchRandom } from './common/bench_random.js';
import { flagValue, positiveIntFlag } from './common/flags.js';
import { cpuSecondsSince, machineInfo } from './common/machine.js';
import { powerLawFit, summarize } from './common/stats.js';

/** Least-squares optimum by the normal equations (Cholesky), for the accuracy column. */
function leastSquaresValue(A: Float64Array, b: Float64Array, m: number, n: number): number {
  const G = new Float64Array(n * n);
  const r = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const aij = A[i * n + j]!;
      r[j]! += aij * b[i]!;
      for (let k = 0; k <= j; k++) G[j * n + k]! += aij * A[i * n + k]!;
    }
  }
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) G[j * n + j]! -= G[j * n + k]! ** 2;
    G[j * n + j] = Math.sqrt(G[j * n + j]!);
    for (let i = j + 1; i < n; i++) {
      let s = G[i * n + j]!;
      for (let k = 0; k < j; k++) s -= G[i * n + k]! * G[j * n + k]!;
      G[i * n + j] = s / G[j * n + j]!;
    }
  }
  const x = r.slice();
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) x[i]! -= G[i * n + k]! * x[k]!;
    x[i]! /= G[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i]! -= G[k * n + i]! * x[k]!;
    x[i]! /= G[i * n + i]!;
  }
  let v = 0;
  for (let i = 0; i < m; i++) {
    let s = -b[i]!;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * x[j]!;
    v += s * s;
  }
  return v;
}

/** A problem family of the benchmark: the problem for an n and its default sizes. */
interface Family {
  readonly name: string;
  readonly sizes: readonly number[];
  readonly build: (A: Float64Array, b: Float64Array, m: number, n: number) => Problem;
}

export const COMPILE_FAMILIES: readonly Family[] = [
  {
    name: 'dpp_least_squares',
    sizes: [10, 100, 300, 1000],
    build: (Aval, bval, m, n) => {
      const A = parameter([m, n], { name: 'A', value: Aval });
      const b = parameter(m, { name: 'b', value: bval });
      const x = variable(n, 'x');
      return new Problem(minimize(sumSquares(A.matmul(x).sub(b))));
    },
  },
  {
    name: 'dpp_l1_regularized_norm2',
    sizes: [50, 150, 500],
    build: (Aval, bval, m, n) => {
      const A = parameter([m, n], { name: 'A', value: Aval });
      const b = parameter(m, { name: 'b', value: bval });
      const x = variable(n, 'x');
      return new Problem(minimize(norm2(A.matmul(x).sub(b)).add(norm1(x).mul(0.1))));
    },
  },
];

/** The case key shared with bench/peers/compile_cvxpylayers.py. */
export const compileCaseKey = (family: string, n: number) => `${family}_n${n}`;

/** Seed of the data of size n (the peers use the same). */
export const compileSeed = (n: number) => 7000 + n;

export async function main(args: string[]): Promise<void> {
  await initSolvers();
  const repeats = positiveIntFlag(args, 'repeats', 5);
  const only = flagValue(args, 'sizes')?.split(',').map(Number);
  const familyName = flagValue(args, 'family');
  for (const family of COMPILE_FAMILIES) {
    if (familyName !== undefined && family.name !== familyName) continue;
    const sizes = only ?? family.sizes;
    const medians: number[] = [];
    const cpuMedians: number[] = [];
    for (const n of sizes) {
      const m = 2 * n;
      const rng = benchRandom(compileSeed(n));
      const Aval = Float64Array.from({ length: m * n }, () => rng.normal());
      const bval = Float64Array.from({ length: m }, () => rng.normal());
      const build = () => family.build(Aval, bval, m, n);
      for (let w = 0; w < (n >= 300 ? 1 : 3); w++) compileProblem(build()); // warm-up (JIT)
      const reps = n >= 300 ? repeats : Math.max(repeats, 15);
      const times: number[] = [];
      const cpuTimes: number[] = [];
      let problem = build();
      for (let r = 0; r < reps; r++) {
        problem = build();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        compileProblem(problem);
        times.push(performance.now() - t0);
        cpuTimes.push(cpuSecondsSince(c0) * 1000);
      }
      const compiled = compileProblem(problem);
      const dataTimes: number[] = [];
      for (let r = 0; r < 4; r++) {
        const t1 = performance.now();
        problemData(compiled, thetaFromParameters(compiled));
        dataTimes.push(performance.now() - t1);
      }
      let check: { solve_ms: number; status: string; rel_error: number } | null = null;
      if (family.name === 'dpp_least_squares' && n <= 300) {
        const t2 = performance.now();
        const result = problem.solve({ epsAbs: 1e-6, epsRel: 1e-6 });
        const exact = leastSquaresValue(Aval, bval, m, n);
        check = { solve_ms: Number((performance.now() - t2).toFixed(1)), status: result.status, rel_error: Number((Math.abs(result.value - exact) / Math.max(1, exact)).toExponential(2)) };
      }
      const summary = summarize(times);
      medians.push(summary.median);
      cpuMedians.push(summarize(cpuTimes).median);
      console.log(JSON.stringify({
        bench: 'compile',
        case: compileCaseKey(family.name, n),
        impl: 'optlayers/dsl',
        problem: family.name,
        n,
        m,
        parameter_entries: m * n + m,
        repeats: reps,
        timings: { compile_ms: summary, compile_cpu_ms: summarize(cpuTimes), data_ms: summarize(dataTimes.slice(1)) },
        check,
        nnz_A: compiled.aPattern.rowIndex.length,
        machine: machineInfo(),
      }));
    }
    if (sizes.length >= 2) {
      const fromHundred = (ys: number[]) => {
        const keep = sizes.map((n, i) => [n, ys[i]!] as const).filter(([n]) => n >= 100);
        return keep.length >= 2 ? powerLawFit(keep.map(([n]) => n), keep.map(([, t]) => t)) : null;
      };
      console.log(JSON.stringify({
        bench: 'compile',
        case: `${family.name}_scaling`,
        kind: 'scaling',
        problem: family.name,
        sizes,
        compile_ms_median: medians,
        compile_cpu_ms_median: cpuMedians,
        exponent_vs_n_all: powerLawFit(sizes, medians),
        exponent_vs_n_from_100: fromHundred(medians),
        cpu_exponent_vs_n_all: powerLawFit(sizes, cpuMedians),
        cpu_exponent_vs_n_from_100: fromHundred(cpuMedians),
        note: 'compile_ms ~ c n^k; the parameter matrix has 2n^2 entries, so k = 2 is linear in the parameter entries',
        machine: machineInfo(),
      }));
    }
  }
}
