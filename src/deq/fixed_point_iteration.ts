import * as tf from '@tensorflow/tfjs';
import type { ResolvedFixedPointOptions } from './deq_options.js';
import { FixedPointMonitor, type FixedPointMap, type FixedPointResult } from './fixed_point_monitor.js';

/**
 * Plain (relaxed) fixed-point iteration z_{k+1} = (1 - beta) z_k + beta g(z_k)
 * with beta = `options.damping` (default 1: Picard iteration). Converges
 * linearly at the contraction factor of g. Returns the lowest-residual iterate
 * per sample; holds O(1) tensors whatever the iteration count.
 */
export function fixedPointIteration(g: FixedPointMap, z0: tf.Tensor2D, options: ResolvedFixedPointOptions): FixedPointResult {
  const monitor = new FixedPointMonitor('fixed_point', options, z0.shape[0]);
  const beta = options.damping;
  let z = tf.clone(z0);
  for (let k = 0; k < options.maxIters; k++) {
    const gz = tf.tidy(() => g(z));
    const stop = monitor.record(z, gz);
    const next = beta === 1 ? gz : tf.tidy(() => tf.add(tf.mul(z, 1 - beta), tf.mul(gz, beta)) as tf.Tensor2D);
    if (next !== gz) gz.dispose();
    z.dispose();
    z = next;
    if (stop) break;
  }
  z.dispose();
  return monitor.finish();
}
