import type * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../solvers/errors.js';
import { anderson } from './anderson.js';
import { broyden } from './broyden.js';
import { resolveFixedPointOptions, type FixedPointOptions } from './deq_options.js';
import { fixedPointIteration } from './fixed_point_iteration.js';
import type { FixedPointMap, FixedPointResult } from './fixed_point_monitor.js';

/**
 * Finds z with z = g(z) for a batch z0 of shape [batch, dim] with the solver
 * named in `options.solver` ('fixed_point' | 'anderson' | 'broyden'; default
 * Anderson), stopping per sample on the absolute or relative residual and
 * returning the lowest-residual iterate with statistics. The caller owns the
 * returned tensor. This function records no gradient when run inside the
 * forward pass of `deq` (tfjs keeps the tape off inside custom gradients);
 * called under `tf.grad` directly it would record every iteration, so use
 * `deq` to differentiate.
 */
export function solveFixedPoint(g: FixedPointMap, z0: tf.Tensor2D, options: FixedPointOptions = {}): FixedPointResult {
  if (z0.rank !== 2) throw new ShapeError(`solveFixedPoint: z0 must be [batch, dim], got shape [${z0.shape.join(', ')}]`);
  const o = resolveFixedPointOptions(options);
  switch (o.solver) {
    case 'fixed_point':
      return fixedPointIteration(g, z0, o);
    case 'anderson':
      return anderson(g, z0, o);
    case 'broyden':
      return broyden(g, z0, o);
  }
}
