import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../solvers/errors.js';
import { rehu, rehuDerivative } from './rehu.js';

/**
 * Activations that are convex and non-decreasing, the two properties an
 * input-convex network needs of its hidden nonlinearity (Amos, Xu & Kolter
 * 2017, Prop. 1): a convex non-decreasing function of a convex function is
 * convex.
 * - `softplus`: log(1 + e^x) (smooth; the default).
 * - `relu`: max(x, 0).
 * - `rehu`: smoothed ReLU of width `rehuWidth` (see `rehu`).
 * - `elu`: x for x > 0, e^x - 1 otherwise (derivative e^x <= 1, increasing).
 */
export type ConvexActivation = 'softplus' | 'relu' | 'rehu' | 'elu';

/** Every accepted `ConvexActivation`, for validation and error messages. */
export const CONVEX_ACTIVATIONS: readonly ConvexActivation[] = ['softplus', 'relu', 'rehu', 'elu'];

/** Throws a `ValueError` naming `what` unless `name` is a `ConvexActivation`. */
export function checkConvexActivation(name: unknown, what: string): ConvexActivation {
  if (typeof name !== 'string' || !(CONVEX_ACTIVATIONS as readonly string[]).includes(name)) {
    throw new ValueError(`${what} must be one of ${CONVEX_ACTIVATIONS.join(', ')} (convex and non-decreasing), got ${String(name)}`);
  }
  return name as ConvexActivation;
}

/** Applies the convex activation `name`; `rehuWidth` is used only by `rehu`. */
export function applyConvexActivation(x: tf.Tensor2D, name: ConvexActivation, rehuWidth: number): tf.Tensor2D {
  switch (name) {
    case 'softplus':
      return tf.softplus(x);
    case 'relu':
      return tf.relu(x);
    case 'rehu':
      return rehu(x, rehuWidth);
    case 'elu':
      return tf.elu(x);
  }
}

/**
 * Derivative of the convex activation `name`, written with ops whose own
 * tfjs gradients exist (so a loss of it can be differentiated again, as
 * `StableDynamics` training needs):
 * - softplus' = sigmoid;  relu' = step (0 at 0);  elu' = exp(-relu(-x));
 * - rehu_d' = clip(x/d, 0, 1) = (relu(x) - relu(x - d)) / d.
 */
export function convexActivationDerivative(x: tf.Tensor2D, name: ConvexActivation, rehuWidth: number): tf.Tensor2D {
  return tf.tidy(() => {
    switch (name) {
      case 'softplus':
        return tf.sigmoid(x);
      case 'relu':
        return tf.step(x);
      case 'rehu':
        return rehuDerivative(x, rehuWidth);
      case 'elu':
        return tf.exp(tf.neg(tf.relu(tf.neg(x)))) as tf.Tensor2D;
    }
  });
}
