import * as tf from '@tensorflow/tfjs';
import { luFactor } from '../../solvers/linalg/lu.js';
import { SolverError } from '../../solvers/errors.js';

/**
 * The monotone parametrization of Winston & Kolter (2020), eq. 7:
 *   W = (1 - m) I - A'A + B - B',
 * so that I - W = m I + A'A - (B - B') has symmetric part >= m I (strongly
 * monotone) for every A, B. Differentiable in A and B.
 */
export function monotoneW(A: tf.Tensor2D, B: tf.Tensor2D, m: number): tf.Tensor2D {
  return tf.tidy(() => {
    const n = A.shape[1];
    const ata = tf.matMul(A, A, true, false);
    return tf.add(tf.sub(tf.mul(tf.eye(n), 1 - m), ata), tf.sub(B, tf.transpose(B))) as tf.Tensor2D;
  });
}

/**
 * Float64 data of one forward pass, computed once from W and reused by the
 * backward pass: L = ||I - W||_2 (for the forward-backward step bound) and,
 * for Peaceman-Rachford, the resolvent V = (I + alpha (I - W))^{-1} as a
 * float32 tensor (tfjs has no solve, so it is inverted here by pivoted LU).
 */
export interface MonDeqOperator {
  readonly n: number;
  /** Spectral norm of I - W (power iteration on (I - W)'(I - W), float64). */
  readonly lipschitz: number;
  /** Step size in use. */
  readonly alpha: number;
  /** (I + alpha (I - W))^{-1}, row-major column convention (Peaceman-Rachford only). */
  readonly resolvent: tf.Tensor2D | undefined;
  /** Releases the operator's tensors (the cached resolvent). */
  dispose(): void;
}

/** Spectral norm of a row-major n x n matrix M by power iteration on M'M (float64). */
export function spectralNorm64(M: Float64Array, n: number, iters = 100): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let sigma = 0;
  for (let it = 0; it < iters; it++) {
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += M[i * n + j]! * v[j]!;
      u[i] = s;
    }
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[j]! += M[i * n + j]! * u[i]!;
    let norm = 0;
    for (let j = 0; j < n; j++) norm += w[j]! * w[j]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    const next = Math.sqrt(norm);
    v = w.map((x) => x / norm);
    if (Math.abs(next - sigma) <= 1e-12 * next) return next;
    sigma = next;
  }
  return sigma;
}

/** Builds the float64 operator data for W (row-major, column convention z -> W z). */
export function monDeqOperator(W: tf.Tensor2D, m: number, splitting: 'forward_backward' | 'peaceman_rachford', alpha?: number): MonDeqOperator {
  const n = W.shape[0];
  const w = W.dataSync();
  const iMinusW = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) iMinusW[i * n + j] = (i === j ? 1 : 0) - w[i * n + j]!;
  const lipschitz = spectralNorm64(iMinusW, n);
  // Peaceman-Rachford converges for any alpha > 0, but its rate depends on alpha
  // relative to the operator's scale; alpha = 1 / max(1, sqrt(L)) follows the
  // 1/sqrt(m L)-type optimal step of Giselsson & Boyd (2017) and measured best
  // on random monDEQs over L in [1, 5000]. Forward-backward needs alpha < 2m/L^2.
  const step = alpha ?? (splitting === 'peaceman_rachford' ? 1 / Math.max(1, Math.sqrt(lipschitz)) : m / Math.max(lipschitz * lipschitz, 1e-12));
  let resolvent: tf.Tensor2D | undefined;
  if (splitting === 'peaceman_rachford') {
    const M = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) M[i] = step * iMinusW[i]!;
    for (let i = 0; i < n; i++) M[i * n + i]! += 1;
    const f = luFactor(M, n, true);
    // I + alpha (I - W) has symmetric part >= (1 + alpha m) I, so it cannot be singular unless W is not finite.
    if (f.singular) throw new SolverError('monDEQ: I + alpha (I - W) is numerically singular (non-finite weights?)', 'singular');
    // The resolvent is applied as a matmul on tensors, so form the inverse once: column j solves M x = e_j.
    const inverse = new Float32Array(n * n);
    const e = new Float64Array(n);
    const column = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      e.fill(0);
      e[j] = 1;
      f.solve(e, column);
      for (let i = 0; i < n; i++) inverse[i * n + j] = column[i]!;
    }
    resolvent = tf.tensor2d(inverse, [n, n]);
  }
  return { n, lipschitz, alpha: step, resolvent, dispose: () => resolvent?.dispose() };
}
