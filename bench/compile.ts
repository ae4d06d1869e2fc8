/**
 * Compile-time benchmark of the DSL (issue 2): DPP least squares
 *   minimize sumSquares(A x - b),  A an m x n parameter, b an m parameter, m = 2n,
 * for n in {10, 100, 300} (or the sizes given as arguments). Prints one JSON
 * line per size: compile_ms (DCP/DPP analysis + canonicalization + the sparse
 * parameter-to-data maps; median wall-clock time over fresh problems after a
 * warm-up; compile_min_ms the fastest run; compile_cpu_ms the median process
 * CPU time, which is less distorted on a shared, overloaded machine),
 * data_ms (theta -> SCS data by sparse mat-vecs, median after a warm-up), solve_ms (one SCS solve at
 * eps 1e-6) and the objective's relative error against the normal equations.
 * Reference (issue 2): cvxpylayers 1.1 takes 30 ms at n = 100 and 1.33 s at n = 300.
 */
import { Problem, compileProblem, minimize, parameter, problemData, sumSquares, thetaFromParameters, variable } from '../dsl/index.js';
import { initSolvers } from '../solvers/init.js';
import { mulberry32 } from '../examples/common/random.js';

function randn(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
}

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function main(args: string[]): Promise<void> {
  await initSolvers();
  const sizes = args.length > 0 ? args.map(Number) : [10, 100, 300];
  const rand = mulberry32(7);
  for (const n of sizes) {
    const m = 2 * n;
    const Aval = Float64Array.from({ length: m * n }, () => randn(rand));
    const bval = Float64Array.from({ length: m }, () => randn(rand));
    const build = () => {
      const A = parameter([m, n], { name: 'A', value: Aval });
      const b = parameter(m, { name: 'b', value: bval });
      const x = variable(n, 'x');
      return new Problem(minimize(sumSquares(A.matmul(x).sub(b))));
    };
    for (let w = 0; w < 3; w++) compileProblem(build()); // warm-up (JIT)
    const reps = n >= 300 ? 15 : 21;
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let problem = build();
    for (let r = 0; r < reps; r++) {
      problem = build();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      compileProblem(problem);
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpuTimes.push((c.user + c.system) / 1000);
    }
    const compiled = compileProblem(problem);
    const dataTimes: number[] = [];
    for (let r = 0; r < 6; r++) {
      const t1 = performance.now();
      problemData(compiled, thetaFromParameters(compiled));
      dataTimes.push(performance.now() - t1);
    }
    const dataMs = median(dataTimes.slice(1));
    const t2 = performance.now();
    const result = problem.solve({ epsAbs: 1e-6, epsRel: 1e-6 });
    const solveMs = performance.now() - t2;
    const exact = leastSquaresValue(Aval, bval, m, n);
    console.log(
      JSON.stringify({
        bench: 'compile',
        problem: 'dpp_least_squares',
        n,
        m,
        compile_ms: +median(times).toFixed(2),
        compile_min_ms: +Math.min(...times).toFixed(2),
        compile_cpu_ms: +median(cpuTimes).toFixed(2),
        data_ms: +dataMs.toFixed(2),
        solve_ms: +solveMs.toFixed(1),
        status: result.status,
        rel_error: +(Math.abs(result.value - exact) / Math.max(1, exact)).toExponential(2),
        nnz_A: compiled.aPattern.rowIndex.length,
      }),
    );
  }
}
