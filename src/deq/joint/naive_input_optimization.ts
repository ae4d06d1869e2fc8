import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../../solvers/errors.js';
import { STATUS_MESSAGES, type SolverStatus } from '../../../solvers/status.js';
import { ITERATION_CAPS, checkIntegerInRange, rejectUnknownKeys } from '../../options_check.js';
import { deqWithCell } from '../deq_function.js';
import type { DEQLayer } from '../deq_layer.js';
import type { FixedPointStats } from '../fixed_point_monitor.js';
import { evaluateObjective, type InputObjective } from './augmented_map.js';
import { resolveProjection, type InputProjection } from './input_projection.js';
import { checkInputs, layerCell } from './joint_input_optimization.js';
import { positive } from './joint_options.js';
import { overallStatus, type InputOptimizationStatus, type NaiveStats } from './joint_stats.js';
import { withIsolatedTape } from './tape_scope.js';

/** Options of `naiveInputOptimization` (same meaning as in `JointInputOptions`). */
export interface NaiveInputOptions {
  /** Gradient steps (each one full forward + implicit backward DEQ solve). Default 200. */
  maxIterations?: number;
  /** Stop when ||x - Proj(x - a g)|| / a <= tol (1 + ||x||) for every sample. Default 1e-4. */
  tol?: number;
  /** Gradient step a. Default 0.1. */
  stepSize?: number;
  /** Feasible set of x. Default none. */
  projection?: InputProjection;
  /** Start each forward solve from the previous step's equilibrium. Default true (the stronger baseline). */
  warmStart?: boolean;
  /** Throw a `SolverError` when the status is not `optimal`. Default false. */
  throwOnFailure?: boolean;
}

const KEYS = ['maxIterations', 'tol', 'stepSize', 'projection', 'warmStart', 'throwOnFailure'];

/** Output of `naiveInputOptimization` (detached tensors: this is the reference, not a trainable layer). */
export interface NaiveResult {
  readonly x: tf.Tensor2D;
  readonly z: tf.Tensor2D;
  readonly stats: NaiveStats;
}

/**
 * The naive baseline of input optimization through a DEQ: projected gradient
 * descent x <- Proj(x - a dL(z*(x), x)/dx), where every step runs the layer's
 * own forward solve for z*(x) and its implicit backward solve for the
 * gradient (the layer's solver options). Converged when the projected-gradient
 * norm meets `tol` and the forward solve at the returned point converged.
 * Its fixed points are those of `jointInputOptimization`, which makes it the
 * reference for that method and the baseline of its speed-up.
 */
export function naiveInputOptimization(deqLayer: DEQLayer, objective: InputObjective, x0: tf.Tensor2D, options: NaiveInputOptions = {}): NaiveResult {
  const what = 'naiveInputOptimization';
  rejectUnknownKeys(options, KEYS, `${what} option`);
  const maxIterations = checkIntegerInRange(options.maxIterations ?? 200, 1, ITERATION_CAPS.fixedPoint, `${what} option maxIterations`);
  const tol = positive(options.tol ?? 1e-4, `${what} option tol`);
  const stepSize = positive(options.stepSize ?? 0.1, `${what} option stepSize`);
  const warmStart = options.warmStart ?? true;
  const x0checked = checkInputs(objective, x0, what);
  const [batch, inputDim] = x0checked.shape;
  const cell = layerCell(deqLayer, inputDim, what);
  const solverOptions = deqLayer.equilibrium!.options;
  const projection = resolveProjection(options.projection, batch, inputDim, `${what} projection`);
  const start = performance.now();
  const objectiveTrace: number[] = [];
  const timeTraceMs: number[] = [];
  let forwardIterations = 0;
  let backwardIterations = 0;
  let lastForward: FixedPointStats | undefined;

  return withIsolatedTape(() => {
    let x = tf.tidy(() => tf.clone(projection.project(x0checked)));
    // The last point whose objective and gradient were evaluated finite: what is returned.
    let xEval: tf.Tensor2D | undefined;
    let z: tf.Tensor2D | undefined;
    let measured: { gmap: Float64Array; objective: Float64Array; converged: boolean[]; nonfinite: boolean[] } | undefined;
    let iterations = 0;
    let stoppedNonfinite = false;
    for (let k = 0; k < maxIterations; k++) {
      let zNew: tf.Tensor2D | undefined;
      let stats: FixedPointStats | undefined;
      const step = tf.tidy(() => {
        const { value, grads } = tf.engine().gradients(
          () => {
            const r = deqWithCell(cell, x, solverOptions, deqLayer.units, warmStart ? z : undefined, (s) => (backwardIterations += s.iterations));
            stats = r.stats;
            zNew = tf.keep(tf.clone(r.z));
            return evaluateObjective(objective, r.z, x);
          },
          [x],
        );
        const g = grads[0]!;
        const xNext = projection.project(tf.sub(x, tf.mul(g, stepSize)) as tf.Tensor2D);
        const gmap = tf.div(tf.norm(tf.sub(x, xNext), 'euclidean', 1), stepSize);
        return { xNext, packed: tf.stack([gmap, tf.norm(x, 'euclidean', 1), value as tf.Tensor1D]) };
      });
      iterations++;
      forwardIterations += stats!.iterations;
      lastForward = stats;
      const d = step.packed.dataSync();
      step.packed.dispose();
      const m = { gmap: new Float64Array(batch), objective: new Float64Array(batch), converged: [] as boolean[], nonfinite: [] as boolean[] };
      for (let i = 0; i < batch; i++) {
        m.gmap[i] = d[i]!;
        m.objective[i] = d[2 * batch + i]!;
        const finite = Number.isFinite(d[i]!) && Number.isFinite(d[batch + i]!) && Number.isFinite(d[2 * batch + i]!);
        m.nonfinite.push(!finite);
        m.converged.push(finite && d[i]! <= tol * (1 + d[batch + i]!) && stats!.statuses[i] === 'optimal');
      }
      if (m.nonfinite.some(Boolean)) {
        tf.dispose([step.xNext, zNew!]);
        if (xEval !== undefined && x !== xEval) x.dispose();
        stoppedNonfinite = true;
        measured = measured ? { ...measured, nonfinite: m.nonfinite } : m;
        break;
      }
      objectiveTrace.push(m.objective.reduce((a, b) => a + b, 0) / batch);
      timeTraceMs.push(performance.now() - start);
      measured = m;
      z?.dispose();
      z = zNew!;
      if (xEval !== undefined && xEval !== x) xEval.dispose();
      xEval = x;
      if (m.converged.every(Boolean) || k === maxIterations - 1) {
        step.xNext.dispose();
        break;
      }
      x = step.xNext;
    }
    const statuses: InputOptimizationStatus[] = [];
    for (let i = 0; i < batch; i++) {
      statuses.push(!measured || measured.nonfinite[i] ? 'nonfinite' : measured.converged[i] ? 'optimal' : 'max_iters');
    }
    const status = overallStatus(statuses);
    const nan = new Float64Array(batch).fill(NaN);
    const forwardStatuses: SolverStatus[] = lastForward ? [...lastForward.statuses] : statuses.map(() => 'nonfinite' as const);
    const message =
      `naive input optimization: ${STATUS_MESSAGES[status]} (${status}) after ${iterations} gradient steps ` +
      `(${forwardIterations} forward and ${backwardIterations} backward solver iterations)` +
      (stoppedNonfinite ? '; stopped at the first NaN/Inf, returning the last finite iterate' : '');
    const stats: NaiveStats = {
      status,
      statuses,
      iterations,
      objective: measured?.objective ?? nan,
      objectiveTrace,
      timeTraceMs,
      wallTimeMs: performance.now() - start,
      message,
      gradientMapNorm: measured?.gmap ?? nan,
      forwardStatuses,
      forwardIterations,
      backwardIterations,
      lastForward,
    };
    const zOut = z ?? tf.zeros([batch, deqLayer.units]);
    const xOut = xEval ?? x;
    if (options.throwOnFailure && status !== 'optimal') {
      tf.dispose([xOut, zOut]);
      throw new SolverError(message, status, statuses.findIndex((s) => s !== 'optimal'));
    }
    return { x: xOut, z: zOut as tf.Tensor2D, stats };
  });
}
