import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../solvers/errors.js';

/**
 * Below this value of |grad V|^2 the projection is skipped. grad V vanishes
 * only at the minimizer x = 0 of the strictly convex V, where V = 0 and the
 * correction is 0 anyway; the floor keeps 0/0 out of both the value and the
 * gradient (there the division is by 1 and the result masked to 0, so no NaN
 * reaches the value or the gradient).
 */
export const GRAD_NORM_SQ_FLOOR = 1e-20;

/**
 * The stable projection of Manek & Kolter, "Learning Stable Deep Dynamics
 * Models" (NeurIPS 2019, eq. 11):
 *
 *   f(x) = fhat(x) - grad V(x) relu(grad V(x) . fhat(x) + alpha V(x)) / |grad V(x)|^2
 *
 * so that grad V . f <= -alpha V everywhere (the projection of fhat onto the
 * half-space where V decreases at rate alpha). Shapes: fhat and gradV
 * [batch, n], V [batch, 1]; returns [batch, n]. Differentiable in all inputs;
 * where |grad V|^2 < `GRAD_NORM_SQ_FLOOR` (only at x = 0) f = fhat.
 */
export function stableProjection(fhat: tf.Tensor2D, value: tf.Tensor2D, gradV: tf.Tensor2D, alpha: number): tf.Tensor2D {
  if (!(Number.isFinite(alpha) && alpha >= 0)) throw new ValueError(`stable projection alpha must be a non-negative finite number, got ${alpha}`);
  return tf.tidy(() => {
    const decrease = tf.add(tf.sum(tf.mul(gradV, fhat), 1, true), tf.mul(value, alpha));
    const violation = tf.relu(decrease);
    const normSq = tf.sum(tf.square(gradV), 1, true);
    // 0/1 mask through `step` (whose gradient is zero) rather than a boolean
    // comparison, which has no gradient in tfjs.
    const usable = tf.step(tf.sub(normSq, GRAD_NORM_SQ_FLOOR));
    const safeNormSq = tf.add(tf.mul(normSq, usable), tf.sub(1, usable));
    const scale = tf.mul(tf.div(violation, safeNormSq), usable);
    return tf.sub(fhat, tf.mul(gradV, scale)) as tf.Tensor2D;
  });
}
