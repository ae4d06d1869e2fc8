import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../../solvers/errors.js';
import type { ResolvedFixedPointOptions } from '../deq_options.js';
import { describeFailure, type FixedPointStats } from '../fixed_point_monitor.js';
import { solveFixedPoint } from '../solve_fixed_point.js';
import { gradsIsolated } from '../tape_isolation.js';
import type { AugmentedMap, JointLayout } from './augmented_map.js';
import { withSecondOrderGradients } from './second_order_gradients.js';

/**
 * Attaches the gradient of the joint equilibrium to (z*, x*) and returns
 * concat([z*, x*], 1), differentiable with respect to `variables` (the DEQ's
 * weights and any the objective reads).
 *
 * Choice (stated, since the paper trains mostly through the objective's own
 * partial derivatives): exact implicit differentiation of the augmented fixed
 * point s* = T(s*, theta), s = (z, u, x). For an upstream cotangent g on s*
 * (g = (dl/dz*, 0, dl/dx*)), the implicit function theorem gives
 *   dl/dtheta = w' dT/dtheta(s*),  w = (dT/ds)' w + g,
 * solved as a fixed point of vector-Jacobian products of T by `backward`.
 * T already contains first derivatives of f and L, so each product is a
 * second-order (Hessian-vector) product, taken by nesting tfjs gradients
 * (with input-saving rules for tanh/sigmoid/exp/softmax: `withSecondOrderGradients`).
 * At an interior optimum dT/ds restricted to x is I - a H (H the Hessian of
 * the reduced objective), so w converges whenever the forward joint
 * iteration is locally contractive; at active box/ball constraints the
 * projection's derivative zeroes the blocked directions. The result does not
 * depend on the step size a.
 */
export function attachJointGradient(
  map: AugmentedMap,
  sStar: tf.Tensor2D,
  layout: JointLayout,
  variables: readonly tf.Tensor[],
  backward: ResolvedFixedPointOptions,
  onBackwardStats?: (stats: FixedPointStats) => void,
): tf.Tensor2D {
  const { units, inputDim } = layout;
  const batch = sStar.shape[0];
  const selected = (): tf.Tensor2D =>
    tf.tidy(() => tf.concat([tf.slice(sStar, [0, 0], [batch, units]), tf.slice(sStar, [0, 2 * units], [batch, inputDim])], 1) as tf.Tensor2D);
  if (variables.length === 0) return selected();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    save([sStar]);
    return {
      value: selected(),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => jointBackward(map, saved[0] as tf.Tensor2D, dy as tf.Tensor2D, layout, variables, backward, onBackwardStats),
    };
  });
  return op(...(variables as tf.Tensor[])) as tf.Tensor2D;
}

function jointBackward(
  map: AugmentedMap,
  sStar: tf.Tensor2D,
  dy: tf.Tensor2D,
  layout: JointLayout,
  variables: readonly tf.Tensor[],
  options: ResolvedFixedPointOptions,
  onBackwardStats?: (stats: FixedPointStats) => void,
): tf.Tensor[] {
  return withSecondOrderGradients(() => tf.tidy(() => {
    const batch = sStar.shape[0];
    const [dz, dx] = tf.split(dy, [layout.units, layout.inputDim], 1);
    const g = tf.concat([dz!, tf.zeros([batch, layout.units]), dx!], 1) as tf.Tensor2D;
    const vjp = (w: tf.Tensor2D): tf.Tensor2D => {
      const [gs] = gradsIsolated(() => tf.sum(tf.mul(w, map(sStar).image)), [sStar]);
      return tf.add(gs!, g) as tf.Tensor2D;
    };
    const solved = solveFixedPoint(vjp, g, { ...options, throwOnFailure: false });
    onBackwardStats?.(solved.stats);
    // A NaN adjoint would poison every weight: name it instead (a merely unconverged one is reported and used).
    if (solved.stats.status === 'nonfinite' || (options.throwOnFailure && !solved.stats.converged)) {
      throw new SolverError(`joint input optimization backward: ${describeFailure(solved.stats, options)}`, solved.stats.status);
    }
    return gradsIsolated(() => tf.sum(tf.mul(solved.z, map(sStar).image)), variables);
  }));
}
