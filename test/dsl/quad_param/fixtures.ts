import { Problem, constant, dot, matmul, maximize, minimize, multiply, parameter, quadForm, sum, sumSquares, variable } from '../../../dsl/index.js';
import { mulberry32 } from '../random_affine.js';

/** Dense row-major Gaussian matrix (Box-Muller on a seeded uniform stream). */
export function gaussian(rows: number, cols: number, seed: number): number[][] {
  const u = mulberry32(seed);
  const g = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return Array.from({ length: rows }, () => Array.from({ length: cols }, g));
}

/** Solves the dense system M z = r by Gaussian elimination with partial pivoting (float64 reference). */
export function solveDense(M: number[][], r: number[]): number[] {
  const n = r.length;
  const a = M.map((row, i) => [...row, r[i]!]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i]![k]!) > Math.abs(a[p]![k]!)) p = i;
    [a[k], a[p]] = [a[p]!, a[k]!];
    for (let i = k + 1; i < n; i++) {
      const f = a[i]![k]! / a[k]![k]!;
      for (let j = k; j <= n; j++) a[i]![j]! -= f * a[k]![j]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= a[i]![j]! * z[j]!;
    z[i] = s / a[i]![i]!;
  }
  return z;
}

/** A symmetric positive definite matrix B B' + shift I. */
export function spd(n: number, seed: number, shift: number): number[][] {
  const B = gaussian(n, n, seed);
  return B.map((bi, i) => B.map((bj, j) => bi.reduce((s, v, k) => s + v * bj[k]!, 0) + (i === j ? shift : 0)));
}

/**
 * Ridge regression: minimize |A x - b|^2 + lam |x|^2 (lam a nonneg parameter,
 * b a parameter), unconstrained, with the closed form x = (A'A + lam I)^-1 A'b.
 */
export function ridge(seed: number) {
  const A = gaussian(6, 3, seed);
  const x = variable(3, { name: 'x' });
  const b = parameter(6, { name: 'b' });
  const lam = parameter([], { name: 'lam', nonneg: true });
  const problem = new Problem(minimize(sumSquares(matmul(A, x).sub(b)).add(multiply(lam, sumSquares(x)))), []);
  const closedForm = (lamValue: number, bValue: readonly number[]): number[] => {
    const M = [0, 1, 2].map((i) => [0, 1, 2].map((j) => A.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? lamValue : 0)));
    const r = [0, 1, 2].map((i) => A.reduce((s, row, k) => s + row[i]! * bValue[k]!, 0));
    return solveDense(M, r);
  };
  return { A, x, b, lam, problem, closedForm };
}

/**
 * Mean-variance portfolio: maximize mu'x - gamma x'Sigma x s.t. sum(x) == 1,
 * with optional long-only bounds. Without bounds the KKT system
 * [2 gamma Sigma, 1; 1', 0] [x; nu] = [mu; 1] gives the closed form.
 */
export function portfolio(seed: number, longOnly: boolean) {
  const n = 4;
  const Sigma = spd(n, seed, 0.5);
  const x = variable(n, { name: 'x' });
  const mu = parameter(n, { name: 'mu' });
  const gamma = parameter([], { name: 'gamma', nonneg: true });
  const constraints = [sum(x).eq(1), ...(longOnly ? [x.ge(0)] : [])];
  const problem = new Problem(maximize(dot(mu, x).sub(multiply(gamma, quadForm(x, constant(Sigma))))), constraints);
  const closedForm = (gammaValue: number, muValue: readonly number[]): number[] => {
    const K = Sigma.map((row, i) => [...row.map((v) => 2 * gammaValue * v), 1]);
    K.push([...new Array<number>(n).fill(1), 0]);
    return solveDense(K, [...muValue, 1]).slice(0, n);
  };
  return { Sigma, x, mu, gamma, problem, closedForm, constraints };
}
