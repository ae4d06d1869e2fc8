import * as tf from '@tensorflow/tfjs';
/**
 * The weight of the interval system. IBP applied to z = relu(W z + s) with
 * s in [s_lo, s_hi] gives (W+ = max(W, 0), W- = min(W, 0))
 *   z_lo = relu(W+ z_lo + W- z_hi + s_lo),   z_hi = relu(W- z_lo + W+ z_hi + s_hi),
 * one monDEQ-shaped equilibrium v = relu(W_I v + s_I) on v = [z_lo; z_hi] with
 *   W_I = [[W+, W-], [W-, W+]].
 * With T = [[I, I], [I, -I]] / sqrt(2) (orthogonal), T W_I T = blockdiag(W, |W|),
 * so I - W_I is m-strongly monotone exactly when I - W and I - |W| are: the
 * IBP-MonDEQ parametrization makes the interval fixed point exist, be unique,
 * and the monDEQ splittings on W_I converge (Wei & Kolter 2022, section 4).
 * Column convention (v -> W_I v), like `monotoneW`. Differentiable in W.
 */
export function intervalOperator(W: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const plus = tf.relu(W);
    const minus = tf.neg(tf.relu(tf.neg(W)));
    return tf.concat([tf.concat([plus, minus], 1), tf.concat([minus, plus], 1)], 0) as tf.Tensor2D;
  });
}

/**
 * A guaranteed upper bound on the largest eigenvalue of sym(|W|) = (|W| + |W|') / 2
 * for row-major float64 W. sym(|W|) is non-negative, so by the Collatz-Wielandt
 * formula lambda_max <= max_i (S v)_i / v_i for every positive v; v is the
 * power iterate from the all-ones vector (floored to stay positive), which
 * makes the bound tight. 1 - this bounds the strong-monotonicity margin of
 * I - |W| from below; the IBP-MonDEQ parametrization keeps it >= m.
 */
export function absSymmetricTopEigenvalueBound64(W: Float64Array, n: number, iters = 300): number {
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = (Math.abs(W[i * n + j]!) + Math.abs(W[j * n + i]!)) / 2;
  const apply = (v: Float64Array): Float64Array => {
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += S[i * n + j]! * v[j]!;
      u[i] = acc;
    }
    return u;
  };
  let v = new Float64Array(n).fill(1);
  for (let it = 0; it < iters; it++) {
    const u = apply(v);
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, u[i]!);
    if (max === 0) return 0;
    // Floor keeps v positive (a reducible S can send entries to 0).
    v = u.map((x) => Math.max(x / max, 1e-6));
  }
  const u = apply(v);
  let bound = 0;
  for (let i = 0; i < n; i++) bound = Math.max(bound, u[i]! / v[i]!);
  return bound;
}

/** Guaranteed upper bound on ||A||_2 of a row-major n x n matrix: min(||A||_F, sqrt(||A||_1 ||A||_inf)). */
export function spectralNormBound64(A: Float64Array, n: number): number {
  let fro = 0;
  const colSums = new Float64Array(n);
  let rowMax = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) {
      const a = Math.abs(A[i * n + j]!);
      fro += a * a;
      row += a;
      colSums[j]! += a;
    }
    rowMax = Math.max(rowMax, row);
  }
  let colMax = 0;
  for (let j = 0; j < n; j++) colMax = Math.max(colMax, colSums[j]!);
  return Math.min(Math.sqrt(fro), Math.sqrt(rowMax * colMax));
}

/**
 * Upper bound on L = ||I - W_I||_2 = max(||I - W||_2, ||I - |W|||_2) (the
 * orthogonal block diagonalization above), by `spectralNormBound64` so that a
 * certificate built on it stays valid: a power-iteration estimate can be low.
 */
export function intervalLipschitzBound64(W: Float64Array, n: number): number {
  const iMinusW = new Float64Array(n * n);
  const iMinusAbs = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const e = i === j ? 1 : 0;
      iMinusW[i * n + j] = e - W[i * n + j]!;
      iMinusAbs[i * n + j] = e - Math.abs(W[i * n + j]!);
    }
  }
  return Math.max(spectralNormBound64(iMinusW, n), spectralNormBound64(iMinusAbs, n));
}
