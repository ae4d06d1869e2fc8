import * as tf from '@tensorflow/tfjs';
import { ShapeError, SolverError, ValueError } from '../../../solvers/errors.js';
import { assertFiniteRows, checkFloatTensor } from '../../options_check.js';
import { DEQLayer } from '../deq_layer.js';
import type { DeqCell } from '../deq_cell.js';
import type { FixedPointStats } from '../fixed_point_monitor.js';
import { augmentedMap, type InputObjective, type JointLayout } from './augmented_map.js';
import { resolveProjection } from './input_projection.js';
import { attachJointGradient } from './joint_gradient.js';
import { resolveJointOptions, type JointInputOptions } from './joint_options.js';
import { solveJoint } from './joint_solver.js';
import type { JointStats } from './joint_stats.js';
import { withIsolatedTape } from './tape_scope.js';

/** Output of `jointInputOptimization`. */
export interface JointResult {
  /** The optimized input x* [batch, inputDim] (feasible for the projection). Differentiable in the weights. */
  readonly x: tf.Tensor2D;
  /** The equilibrium z* = f(z*, x*) [batch, units]. Differentiable in the weights. */
  readonly z: tf.Tensor2D;
  /** The adjoint u* = (I - df/dz)^-T dL/dz at (z*, x*) [batch, units] (detached). */
  readonly adjoint: tf.Tensor2D;
  readonly stats: JointStats;
}

/** Options of one call, plus a hook for the backward pass's statistics. */
export interface JointCallOptions extends JointInputOptions {
  /** Receives the statistics of the adjoint solve of the augmented fixed point when a gradient flows back. */
  onBackwardStats?: (stats: FixedPointStats) => void;
}

/** The checked DEQ cell of a layer (built for inputs of width `inputDim` if it was not yet). */
export function layerCell(layer: unknown, inputDim: number, what: string): DeqCell {
  if (!(layer instanceof DEQLayer)) throw new ValueError(`${what}: deqLayer must be a DEQLayer, got ${layer === null ? 'null' : typeof layer}`);
  if (!layer.built) layer.build([null, inputDim]);
  const eq = layer.equilibrium;
  if (!eq) throw new ValueError(`${what}: DEQLayer '${layer.name}' has no cell after build`);
  return eq.cell;
}

/** Checks x0 (float32 [batch, dim], finite) and the objective (a function). */
export function checkInputs(objective: unknown, x0: unknown, what: string): tf.Tensor2D {
  if (typeof objective !== 'function') throw new ValueError(`${what}: objective must be a function (z, x) => tf.Tensor of shape [batch], got ${typeof objective}`);
  const x = checkFloatTensor(x0, `${what}: x0`);
  if (x.rank !== 2) throw new ShapeError(`${what}: x0 must be [batch, inputDim], got shape [${x.shape.join(', ')}]`);
  assertFiniteRows(x, `${what}: x0`);
  return x as tf.Tensor2D;
}

/**
 * Joint inference and input optimization (JIIO; Gurumurthy, Bai, Manchester &
 * Kolter, NeurIPS 2021): finds x* in the projection's set C that is a
 * stationary point of
 *   min_{x in C}  sum_i L_i(z*(x_i), x_i),   z* = f(z*, x) the DEQ equilibrium,
 * by solving the DEQ fixed point, its adjoint and the projected gradient step
 * on x as one Anderson-accelerated fixed point of the augmented map
 * (`augmentedMap`) on the stacked state (z, u, x), instead of a full forward
 * and backward DEQ solve per gradient step (`naiveInputOptimization`).
 *
 * Returns x*, z* (both differentiable with respect to the DEQ's weights and
 * `options.variables`, by implicit differentiation of the augmented fixed
 * point: `attachJointGradient`), the adjoint and statistics (block residuals,
 * objective and time traces, status). A status other than `optimal` is
 * reported, never hidden; `throwOnFailure` turns it into a `SolverError`.
 * Defaults: 200 iterations, tol 1e-4, step 0.1, no projection, Anderson m = 5.
 * Rows are independent (per-sample mixing), so the batch is a set of separate
 * problems solved together.
 */
export function jointInputOptimization(deqLayer: DEQLayer, objective: InputObjective, x0: tf.Tensor2D, options: JointCallOptions = {}): JointResult {
  const what = 'jointInputOptimization';
  const { onBackwardStats, ...rest } = options;
  const o = resolveJointOptions(rest);
  const x = checkInputs(objective, x0, what);
  const [batch, inputDim] = x.shape;
  const cell = layerCell(deqLayer, inputDim, what);
  const layout: JointLayout = { units: deqLayer.units, inputDim };
  const projection = resolveProjection(rest.projection, batch, inputDim, `${what} projection`);
  if (rest.z0 !== undefined) {
    checkFloatTensor(rest.z0, `${what}: z0`);
    if (rest.z0.rank !== 2 || rest.z0.shape[0] !== batch || rest.z0.shape[1] !== layout.units) {
      throw new ShapeError(`${what}: z0 must be [${batch}, ${layout.units}], got [${rest.z0.shape.join(', ')}]`);
    }
  }
  const extra = rest.variables ?? [];
  extra.forEach((v, i) => {
    if (!(v instanceof tf.Variable)) throw new ValueError(`${what}: variables[${i}] must be a tf.Variable`);
  });
  const variables = [...cell.variables(), ...extra.filter((v) => v.trainable)];
  const map = augmentedMap(cell, objective, projection, o.stepSize, layout);
  const start = performance.now();
  const solved = withIsolatedTape(() => {
    const s0 = tf.tidy(() => tf.concat([rest.z0 ?? tf.zeros([batch, layout.units]), tf.zeros([batch, layout.units]), x], 1) as tf.Tensor2D);
    try {
      return solveJoint(map, s0, layout, projection, o, start);
    } finally {
      s0.dispose();
    }
  });
  if (o.throwOnFailure && solved.stats.status !== 'optimal') {
    solved.state.dispose();
    throw new SolverError(solved.stats.message, solved.stats.status, solved.stats.statuses.findIndex((s) => s !== 'optimal'));
  }
  const out = attachJointGradient(map, solved.state, layout, variables, o.backward, onBackwardStats);
  const result: JointResult = {
    z: tf.slice(out, [0, 0], [batch, layout.units]),
    x: tf.slice(out, [0, layout.units], [batch, inputDim]),
    adjoint: tf.slice(solved.state, [0, layout.units], [batch, layout.units]),
    stats: solved.stats,
  };
  out.dispose();
  solved.state.dispose();
  return result;
}
