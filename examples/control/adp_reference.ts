/**
 * Float64 reference evaluation of the ADP policies, independent of the convex
 * layer: each policy is a ball-constrained QP
 *   u* = argmin 1/2 u'Hu + g'u  s.t.  |u|_2 <= 1   (H symmetric PSD),
 * solved exactly through its optimality conditions (the trust-region
 * subproblem, Nocedal & Wright, "Numerical Optimization", theorem 4.1):
 * u = -(H + lambda I)^{-1} g with lambda >= 0, |u| <= 1 and
 * lambda (1 - |u|) = 0. |u(lambda)| decreases in lambda and
 * |u(|g|)| <= 1, so lambda is found by bisection on [0, |g|].
 * Used to check the layer's gradients by finite differences and to evaluate
 * held-out costs on many rollouts cheaply.
 */
import { OptlayersError } from 'optlayers/solvers';

/** A float64 policy x -> u. */
export type ReferencePolicy = (x: Float64Array) => Float64Array;

/** Solves (H + lambda I) u = -g for symmetric positive definite H + lambda I (Cholesky); undefined if it is not. */
function shiftedSolve(H: Float64Array, m: number, lambda: number, g: Float64Array): Float64Array | undefined {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i * m + j]! + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) s -= L[i * m + k]! * L[j * m + k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        L[i * m + i] = Math.sqrt(s);
      } else {
        L[i * m + j] = s / L[j * m + j]!;
      }
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = -g[i]!;
    for (let k = 0; k < i; k++) s -= L[i * m + k]! * y[k]!;
    y[i] = s / L[i * m + i]!;
  }
  const u = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < m; k++) s -= L[k * m + i]! * u[k]!;
    u[i] = s / L[i * m + i]!;
  }
  return u;
}

const norm = (v: Float64Array): number => Math.hypot(...v);

/** The minimizer of 1/2 u'Hu + g'u over the unit ball, and the multiplier lambda of |u| <= 1. */
export function solveBallQp(H: Float64Array, g: Float64Array, m: number): { u: Float64Array; lambda: number } {
  const free = shiftedSolve(H, m, 0, g);
  if (free !== undefined && norm(free) <= 1) return { u: free, lambda: 0 };
  const gNorm = norm(g);
  if (gNorm === 0) throw new OptlayersError('solveBallQp: H is singular and g = 0 (the minimizer is not unique)');
  let lo = 0;
  let hi = gNorm;
  for (let it = 0; it < 200 && hi - lo > 1e-16 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    const u = shiftedSolve(H, m, mid, g);
    if (u === undefined || norm(u) > 1) lo = mid;
    else hi = mid;
  }
  const u = shiftedSolve(H, m, hi, g);
  if (u === undefined) throw new OptlayersError('solveBallQp: H + lambda I is not positive definite at the bracket end (H is not PSD)');
  return { u, lambda: hi };
}

/**
 * Average stage cost (1 / (T batch)) sum_t sum_b |x_t|^2 + |u_t|^2 of rollouts
 * x_{t+1} = A x_t + B u_t + w_t under `policy`; x0 is batch x n row-major,
 * noise is T x batch x n (the layout of `sampleRollouts`).
 */
export function referenceRolloutCost(policy: ReferencePolicy, A: Float64Array, B: Float64Array, n: number, m: number, x0: ArrayLike<number>, noise: ArrayLike<number>, batch: number, T: number): number {
  let total = 0;
  for (let b = 0; b < batch; b++) {
    let x = Float64Array.from({ length: n }, (_, i) => x0[b * n + i]!);
    for (let t = 0; t < T; t++) {
      const u = policy(x);
      for (const v of x) total += v * v;
      for (const v of u) total += v * v;
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = noise[(t * batch + b) * n + i]!;
        for (let j = 0; j < n; j++) s += A[i * n + j]! * x[j]!;
        for (let j = 0; j < m; j++) s += B[i * m + j]! * u[j]!;
        next[i] = s;
      }
      x = next;
    }
  }
  return total / (T * batch);
}
