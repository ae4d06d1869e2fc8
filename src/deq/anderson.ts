import * as tf from '@tensorflow/tfjs';
import type { ResolvedFixedPointOptions } from './deq_options.js';
import { luFactor } from '../../solvers/linalg/lu.js';
import { FixedPointMonitor, type FixedPointMap, type FixedPointResult } from './fixed_point_monitor.js';

/**
 * Anderson mixing weights for one batch. With the residual history
 * G_i = g(x_i) - x_i (i = 1..n, per sample), solves
 *   min_alpha ||sum_i alpha_i G_i||^2 + lambda ||alpha||^2  s.t.  sum_i alpha_i = 1
 * through the bordered system [[0, 1'], [1, H + lambda I]] [nu; alpha] = [1; 0],
 * H = G G' normalized by its largest diagonal so lambda is scale-free.
 * The (n+1)-square system is solved in float64 by pivoted LU; a singular or
 * non-finite system falls back to alpha = e_n (a plain step), so a degenerate
 * history can slow the iteration but never poison it.
 * `gram` is the row-major [batch, n, n] array of H.
 */
export function andersonWeights(gram: ArrayLike<number>, batch: number, n: number, ridge: number): Float32Array {
  const alpha = new Float32Array(batch * n);
  const size = n + 1;
  const border = new Float64Array(size * size);
  const rhs = new Float64Array(size);
  rhs[0] = 1;
  for (let b = 0; b < batch; b++) {
    const off = b * n * n;
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, gram[off + i * n + i]!);
    let ok = scale > 0 && Number.isFinite(scale);
    if (ok) {
      border.fill(0);
      for (let i = 0; i < n; i++) {
        border[(i + 1) * size] = 1;
        border[i + 1] = 1;
        for (let j = 0; j < n; j++) border[(i + 1) * size + j + 1] = gram[off + i * n + j]! / scale;
        border[(i + 1) * size + i + 1] = border[(i + 1) * size + i + 1]! + ridge;
      }
      for (let i = 0; i < size * size && ok; i++) ok = Number.isFinite(border[i]!);
      const f = ok ? luFactor(border, size) : undefined;
      if (!f || f.singular) ok = false;
      else {
        const sol = f.solve(rhs);
        for (let i = 0; i < n; i++) if (!Number.isFinite(sol[i + 1]!)) ok = false;
        if (ok) for (let i = 0; i < n; i++) alpha[b * n + i] = sol[i + 1]!;
      }
    }
    if (!ok) {
      for (let i = 0; i < n; i++) alpha[b * n + i] = 0;
      alpha[b * n + n - 1] = 1;
    }
  }
  return alpha;
}

/**
 * Anderson acceleration (type II, Walker & Ni 2011; as used for DEQs by Bai,
 * Kolter & Koltun 2019) with memory m, ridge lambda and damping beta:
 *   z_{k+1} = beta sum_i alpha_i g(x_i) + (1 - beta) sum_i alpha_i x_i
 * over the last m iterates, alpha from `andersonWeights`. Holds at most 2m+2
 * tensors whatever the iteration count; returns the lowest-residual iterate.
 */
export function anderson(g: FixedPointMap, z0: tf.Tensor2D, options: ResolvedFixedPointOptions): FixedPointResult {
  const [batch] = z0.shape;
  const monitor = new FixedPointMonitor('anderson', options, batch);
  const beta = options.damping;
  const xs: tf.Tensor2D[] = [];
  const fs: tf.Tensor2D[] = [];
  let z = tf.clone(z0);
  try {
    for (let k = 0; k < options.maxIters; k++) {
      const gz = tf.tidy(() => g(z));
      const stop = monitor.record(z, gz);
      xs.push(z);
      fs.push(gz);
      if (xs.length > options.memory) {
        xs.shift()!.dispose();
        fs.shift()!.dispose();
      }
      if (stop) break;
      const n = xs.length;
      z = tf.tidy(() => {
        const X = tf.stack(xs, 1) as tf.Tensor3D;
        const F = tf.stack(fs, 1) as tf.Tensor3D;
        let a: tf.Tensor3D;
        if (n === 1) a = tf.ones([batch, 1, 1]);
        else {
          const G = tf.sub(F, X);
          const gram = tf.matMul(G, G, false, true);
          const w = andersonWeights(gram.dataSync(), batch, n, options.ridge);
          a = tf.tensor3d(w, [batch, n, 1]);
        }
        const mixF = tf.sum(tf.mul(a, F), 1);
        if (beta === 1) return mixF as tf.Tensor2D;
        return tf.add(tf.mul(mixF, beta), tf.mul(tf.sum(tf.mul(a, X), 1), 1 - beta)) as tf.Tensor2D;
      });
    }
  } finally {
    for (const t of [...xs, ...fs]) t.dispose();
    if (!xs.includes(z)) z.dispose();
  }
  return monitor.finish();
}
