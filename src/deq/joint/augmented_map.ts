import * as tf from '@tensorflow/tfjs';
import { OptlayersError, ShapeError, ValueError } from '../../../solvers/errors.js';
import type { DeqCell } from '../deq_cell.js';
import type { ResolvedProjection } from './input_projection.js';
import { valueAndVjp } from './tape_scope.js';

/** An objective of the input optimization: L(z, x) -> one scalar per example, shape [batch]. */
export type InputObjective = (z: tf.Tensor2D, x: tf.Tensor2D) => tf.Tensor;

/** Widths of the stacked joint state s = [z | u | x] (u, the adjoint, has the width of z). */
export interface JointLayout {
  readonly units: number;
  readonly inputDim: number;
}

/** One evaluation of the augmented map: T(s), and L(z, x) per example at s. */
export interface AugmentedEvaluation {
  readonly image: tf.Tensor2D;
  readonly objective: tf.Tensor1D;
}

/** The augmented map s -> T(s); pure tfjs, twice differentiable when f and L are. */
export type AugmentedMap = (s: tf.Tensor2D) => AugmentedEvaluation;

/** Splits a stacked state [z | u | x] into its blocks. */
export function splitState(s: tf.Tensor2D, layout: JointLayout): { z: tf.Tensor2D; u: tf.Tensor2D; x: tf.Tensor2D } {
  const [z, u, x] = tf.split(s, [layout.units, layout.units, layout.inputDim], 1) as tf.Tensor2D[];
  return { z: z!, u: u!, x: x! };
}

/** Calls the user's objective and checks that it gave one float per example. */
export function evaluateObjective(objective: InputObjective, z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
  let out: unknown;
  try {
    out = objective(z, x);
  } catch (err) {
    // A tfjs error here is almost always a shape mismatch between L and (z, x): name both shapes.
    if (err instanceof OptlayersError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new ShapeError(`input objective L(z, x) failed on z of shape [${z.shape.join(', ')}] and x of shape [${x.shape.join(', ')}]: ${message}`);
  }
  if (!(out instanceof tf.Tensor)) throw new ValueError(`input objective L(z, x) must return a tf.Tensor of shape [${z.shape[0]}], got ${typeof out}`);
  if (out.dtype !== 'float32') throw new ValueError(`input objective L(z, x) must return float32 values, got ${out.dtype}`);
  if (out.rank !== 1 || out.shape[0] !== z.shape[0]) {
    throw new ShapeError(`input objective L(z, x) must return one value per example, shape [${z.shape[0]}], got [${out.shape.join(', ')}]`);
  }
  return out as tf.Tensor1D;
}

/**
 * The augmented map of joint inference and input optimization (Gurumurthy,
 * Bai, Manchester & Kolter 2021, eq. 11), on the stacked state s = (z, u, x):
 *   z+ = f(z, x)                                  (the DEQ's own map)
 *   u+ = (df/dz)' u + dL/dz                       (adjoint fixed point u = (I - df/dz)^-T dL/dz)
 *   x+ = Proj(x - a (dL/dx + (df/dx)' u))         (projected gradient step on the input)
 * At a fixed point z = z*(x), u is its exact adjoint, so dL/dx + (df/dx)' u is
 * the total derivative d L(z*(x), x) / dx and x is a stationary point of the
 * projected problem min_{x in C} L(z*(x), x).
 * The u- and x-blocks come from one vector-Jacobian product of [f(z, x), L(z, x)]
 * with cotangent [u, 1], so an evaluation costs one forward and one backward
 * pass of the cell, the same as one step of the naive method's inner solves.
 */
export function augmentedMap(cell: DeqCell, objective: InputObjective, projection: ResolvedProjection, stepSize: number, layout: JointLayout): AugmentedMap {
  return (s) => {
    const { z, u, x } = splitState(s, layout);
    const batch = s.shape[0];
    const cotangent = tf.concat([u, tf.ones([batch, 1])], 1);
    const { value, grads } = valueAndVjp(
      () => tf.concat([cell.apply(z, x), tf.reshape(evaluateObjective(objective, z, x), [batch, 1])], 1),
      [z, x],
      cotangent,
    );
    const fz = tf.slice(value, [0, 0], [batch, layout.units]);
    const lossValues = tf.reshape(tf.slice(value, [0, layout.units], [batch, 1]), [batch]) as tf.Tensor1D;
    const xNext = projection.project(tf.sub(x, tf.mul(grads[1]!, stepSize)) as tf.Tensor2D);
    return { image: tf.concat([fz, grads[0]!, xNext], 1) as tf.Tensor2D, objective: lossValues };
  };
}
