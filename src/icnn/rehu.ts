import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../solvers/errors.js';

/**
 * Smoothed ReLU "ReHU" of width `d` (Manek & Kolter 2019, eq. 9):
 *
 *   rehu_d(x) = 0               for x <= 0
 *             = x^2 / (2d)      for 0 < x < d
 *             = x - d/2         for x >= d
 *
 * Convex, non-decreasing, continuously differentiable (derivative
 * clip(x/d, 0, 1)), with rehu(0) = rehu'(0) = 0, which is what makes the
 * Lyapunov function V smooth at the origin. Written as
 * c^2 / (2d) + relu(x - d) with c = relu(x) - relu(x - d) = clip(x, 0, d),
 * using only ops whose tfjs gradients are themselves differentiable
 * (`clipByValue`'s gradient is not), as `StableDynamics` needs second-order
 * gradients.
 */
export function rehu<T extends tf.Tensor>(x: T, d: number): T {
  if (!(Number.isFinite(d) && d > 0)) throw new ValueError(`rehu width d must be a positive finite number, got ${d}`);
  return tf.tidy(() => {
    const over = tf.relu(tf.sub(x, d));
    const clipped = tf.sub(tf.relu(x), over);
    return tf.add(tf.mul(tf.square(clipped), 1 / (2 * d)), over) as T;
  });
}

/**
 * Derivative of `rehu` of width d: clip(x/d, 0, 1), written as
 * (relu(x) - relu(x - d)) / d so that it is itself differentiable in tfjs.
 */
export function rehuDerivative<T extends tf.Tensor>(x: T, d: number): T {
  if (!(Number.isFinite(d) && d > 0)) throw new ValueError(`rehu width d must be a positive finite number, got ${d}`);
  return tf.tidy(() => tf.mul(tf.sub(tf.relu(x), tf.relu(tf.sub(x, d))), 1 / d) as T);
}
