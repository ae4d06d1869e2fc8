import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../solvers/errors.js';
import type { DeqCell } from './deq_cell.js';
import { gradsIsolated } from './tape_isolation.js';

/** Options of the Hutchinson Jacobian penalty. */
export interface JacobianRegularizationOptions {
  /** Weight gamma of the auxiliary loss gamma ||J_f(z*)||_F^2 / dim. Required, >= 0. */
  weight: number;
  /** Evaluate the penalty on every `frequency`-th training step (0 on the others). Default 1. */
  frequency?: number;
  /** Number of Hutchinson probe vectors per evaluation. Default 1. */
  samples?: number;
}

/** Resolved `JacobianRegularizationOptions`. */
export type ResolvedJacobianRegularization = Required<JacobianRegularizationOptions>;

/** Validates and fills in `JacobianRegularizationOptions`. */
export function resolveJacobianRegularization(o: JacobianRegularizationOptions): ResolvedJacobianRegularization {
  const r = { frequency: 1, samples: 1, ...o };
  if (!Number.isFinite(r.weight) || r.weight < 0) throw new ValueError(`jacobianRegularization.weight must be >= 0, got ${r.weight}`);
  if (!Number.isInteger(r.frequency) || r.frequency < 1) throw new ValueError(`jacobianRegularization.frequency must be a positive integer, got ${r.frequency}`);
  if (!Number.isInteger(r.samples) || r.samples < 1) throw new ValueError(`jacobianRegularization.samples must be a positive integer, got ${r.samples}`);
  return r;
}

/**
 * Hutchinson estimate of ||J_f(z*)||_F^2 / dim, averaged over the batch
 * (Bai, Koltun & Kolter 2021, "Stabilizing Equilibrium Models by Jacobian
 * Regularization", eq. 6): with probes eps ~ N(0, I),
 *   ||J||_F^2 = E ||eps' J||^2,
 * where eps' J is one vector-Jacobian product of f at z*. z* is treated as a
 * constant (pass a detached tensor); the result is differentiable in x and in
 * the cell's weights (second-order tape), so it can be added to a loss.
 */
export function jacobianFrobeniusEstimate(cell: DeqCell, z: tf.Tensor2D, x: tf.Tensor2D, samples = 1, seed?: number): tf.Scalar {
  return tf.tidy(() => {
    const [batch, dim] = z.shape;
    let total: tf.Scalar = tf.scalar(0);
    for (let s = 0; s < samples; s++) {
      const eps = tf.randomNormal([batch, dim], 0, 1, 'float32', seed === undefined ? undefined : seed + s);
      const [vjp] = gradsIsolated(() => tf.sum(tf.mul(eps, cell.apply(z, x))), [z]);
      total = tf.add(total, tf.sum(tf.square(vjp!)));
    }
    return tf.div(total, samples * batch * dim) as tf.Scalar;
  });
}
