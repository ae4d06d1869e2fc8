import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../../solvers/errors.js';

/**
 * Added to the scaling d so that an all-zero row and column of M does not
 * divide by zero; a larger d only shrinks |W|, so the guarantee below holds.
 */
export const IBP_SCALING_FLOOR = 1e-8;

/** Validates the IBP-MonDEQ monotonicity m: it must lie in (0, 1) (m = 1 would force W = 0 through d / (1 - m)). */
export function checkIbpMonotonicity(m: unknown): number {
  if (typeof m !== 'number' || !(m > 0 && m < 1)) throw new ValueError(`IBP-MonDEQ monotonicity m must be in (0, 1), got ${String(m)}`);
  return m;
}

/**
 * The IBP-MonDEQ parametrization of Wei & Kolter (ICLR 2022):
 *   W = D^{-1/2} M D^{-1/2},  d_i = (sum_j |M_ij| + sum_j |M_ji|) / (2 (1 - m)) (+ floor),
 * for an unconstrained square M. Why it works: S = (|M| + |M|') / 2 is
 * non-negative and symmetric with row sums r_i = (1 - m) d_i, so
 * D^{-1/2} S D^{-1/2} is similar to D^{-1} S, whose row sums are all <= 1 - m;
 * its largest eigenvalue is therefore <= 1 - m (Perron-Frobenius). That
 * matrix is sym(|W|), so I - |W| is m-strongly monotone, and since
 * x'Wx <= |x|'|W||x| so is I - W. Both are needed by the interval system
 * (see `intervalOperator`). Differentiable in M (|.| has subgradient 0 at 0).
 */
export function ibpMonotoneW(M: tf.Tensor2D, m: number): tf.Tensor2D {
  checkIbpMonotonicity(m);
  return tf.tidy(() => {
    const absM = tf.abs(M);
    const d = tf.add(tf.div(tf.add(tf.sum(absM, 1), tf.sum(absM, 0)), 2 * (1 - m)), IBP_SCALING_FLOOR);
    const invSqrt = tf.rsqrt(d);
    // Row scaling by d_i^{-1/2} and column scaling by d_j^{-1/2}.
    return tf.mul(tf.mul(M, tf.reshape(invSqrt, [-1, 1])), tf.reshape(invSqrt, [1, -1])) as tf.Tensor2D;
  });
}

/** Float64 version of `ibpMonotoneW` on a row-major n x n array (the model certification checks against). */
export function ibpMonotoneW64(M: ArrayLike<number>, n: number, m: number): Float64Array {
  checkIbpMonotonicity(m);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = Math.abs(M[i * n + j]!);
      d[i]! += a;
      d[j]! += a;
    }
  }
  for (let i = 0; i < n; i++) d[i] = d[i]! / (2 * (1 - m)) + IBP_SCALING_FLOOR;
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) W[i * n + j] = M[i * n + j]! / Math.sqrt(d[i]! * d[j]!);
  return W;
}
