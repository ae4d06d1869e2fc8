import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import type { FixedPointStats } from '../deq/fixed_point_monitor.js';
import { solveFixedPoint } from '../deq/solve_fixed_point.js';
import { applySamplePolicy, zeroRows } from '../deq/sample_policy.js';
import { assertFiniteRows, checkFloatTensor } from '../options_check.js';
import { gradsIsolated } from '../deq/tape_isolation.js';
import { monDeqOperator, monotoneW } from './mondeq_operator.js';
import { checkMonotonicity, resolveMonDeqOptions, type MonDeqOptions } from './mondeq_options.js';
import {
  backwardForwardBackwardMap,
  backwardPeacemanRachfordMap,
  forwardBackwardMap,
  peacemanRachfordMap,
} from './mondeq_splitting.js';

/** Weights of a fully connected monDEQ: z = relu(W(A, B) z + U' x + b). */
export interface MonDeqWeights {
  /** Input injection U, shape [inputDim, units] (row convention: s = x U + b). */
  readonly U: tf.Tensor2D;
  /** Bias b, shape [units]. */
  readonly b: tf.Tensor1D;
  /** A of W = (1 - m) I - A'A + B - B', shape [k, units] (k = units usually). */
  readonly A: tf.Tensor2D;
  /** B, shape [units, units]. */
  readonly B: tf.Tensor2D;
}

/** Output of `monDeq`. */
export interface MonDeqResult {
  readonly z: tf.Tensor2D;
  /** Statistics of the splitting iteration (residual of the splitting map per sample). */
  readonly stats: FixedPointStats;
  /** Step size alpha used and L = ||I - W||_2. */
  readonly alpha: number;
  readonly lipschitz: number;
}

/**
 * Monotone operator equilibrium network, fully connected (Winston & Kolter
 * 2020): z* = relu(W z* + U x + b) with W = (1 - m) I - A'A + B - B', which
 * has a unique solution for every A, B (I - W is m-strongly monotone), found
 * by forward-backward or Peaceman-Rachford splitting. Differentiable in x, U,
 * b, A and B: the backward pass solves q = D (W' q + dl/dz*) by the same
 * splitting on the transposed operator (reusing the forward resolvent), then
 * backpropagates q through one evaluation of W z* + U x + b.
 */
export function monDeq(
  x: tf.Tensor2D,
  weights: MonDeqWeights,
  m: number,
  options: MonDeqOptions = {},
  onBackwardStats?: (stats: FixedPointStats) => void,
): MonDeqResult {
  checkMonotonicity(m);
  const o = resolveMonDeqOptions(options);
  checkFloatTensor(x, 'monDeq: x');
  if (weights === null || typeof weights !== 'object') throw new ValueError('monDeq: weights must be {U, b, A, B}');
  for (const k of ['U', 'b', 'A', 'B'] as const) checkFloatTensor(weights[k], `monDeq: weights.${k}`);
  const { U, b, A, B } = weights;
  const units = B.shape[0];
  if (x.rank !== 2 || U.shape[0] !== x.shape[1] || U.shape[1] !== units || b.shape[0] !== units || A.shape[1] !== units || B.shape[1] !== units) {
    throw new ShapeError(
      `monDeq: shapes do not agree: x [${x.shape}], U [${U.shape}] (want [${x.shape[1]}, ${units}]), b [${b.shape}], A [${A.shape}] (want [k, ${units}]), B [${B.shape}] (want [${units}, ${units}])`,
    );
  }
  assertFiniteRows(x, 'monDeq: x');
  let stats: FixedPointStats | undefined;
  let alpha = 0;
  let lipschitz = 0;
  let rejected: Uint8Array = new Uint8Array(0);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xIn, Uin, bIn, Ain, Bin] = args as tf.Tensor[];
    const W = monotoneW(Ain as tf.Tensor2D, Bin as tf.Tensor2D, m);
    const s = tf.add(tf.matMul(xIn as tf.Tensor2D, Uin as tf.Tensor2D), bIn!) as tf.Tensor2D;
    const operator = monDeqOperator(W, m, o.splitting, o.alpha);
    alpha = operator.alpha;
    lipschitz = operator.lipschitz;
    const start = tf.zeros([xIn!.shape[0]!, units]) as tf.Tensor2D;
    let z: tf.Tensor2D;
    const r = o.splitting === 'forward_backward'
      ? solveFixedPoint(forwardBackwardMap(W, s, alpha), start, o.forward)
      : solveFixedPoint(peacemanRachfordMap(operator.resolvent!, s, alpha), start, o.forward);
    // Per-sample failure stays per sample: only diverged rows get the policy.
    const decided = applySamplePolicy(r.z, r.stats, o.onSolverFailure, 'monDeq');
    rejected = decided.rejected;
    stats = decided.stats;
    if (o.splitting === 'forward_backward') z = decided.z;
    else {
      z = tf.relu(decided.z) as tf.Tensor2D;
      decided.z.dispose();
    }
    save(operator.resolvent ? [xIn!, z, operator.resolvent] : [xIn!, z]);
    const stepUsed = alpha;
    return {
      value: z,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xS, zS, V] = saved as tf.Tensor2D[];
          const Wb = monotoneW(A, B, m);
          const pre = tf.add(tf.add(tf.matMul(zS!, Wb, false, true), tf.matMul(xS!, U)), b);
          const D = tf.cast(tf.greater(pre, 0), 'float32') as tf.Tensor2D;
          const g = (rejected.some((v) => v === 1) ? zeroRows(dy as tf.Tensor2D, rejected) : dy) as tf.Tensor2D;
          // A sample whose backward splitting went non-finite gets the policy like the
          // forward ('throw' names it; otherwise its gradient row is zero: a non-finite
          // adjoint has no best effort to keep).
          const backwardPolicy = o.onSolverFailure === 'best-effort' ? 'zero-gradient' : o.onSolverFailure;
          let q: tf.Tensor2D;
          if (o.splitting === 'forward_backward') {
            const r = solveFixedPoint(backwardForwardBackwardMap(Wb, D, g, stepUsed), tf.mul(D, g) as tf.Tensor2D, o.backward);
            const decided = applySamplePolicy(r.z, r.stats, backwardPolicy, 'monDeq backward');
            onBackwardStats?.(decided.stats);
            q = decided.z;
          } else {
            const r = solveFixedPoint(backwardPeacemanRachfordMap(V!, D, g, stepUsed), g, o.backward);
            const decided = applySamplePolicy(r.z, r.stats, backwardPolicy, 'monDeq backward');
            onBackwardStats?.(decided.stats);
            q = tf.mul(D, decided.z) as tf.Tensor2D;
          }
          return gradsIsolated(
            () => tf.sum(tf.mul(q, tf.add(tf.add(tf.matMul(zS!, monotoneW(A, B, m), false, true), tf.matMul(xS!, U)), b))),
            [xS!, U, b, A, B],
          );
        }),
    };
  });
  const z = op(x, U, b, A, B) as tf.Tensor2D;
  if (stats === undefined) throw new ValueError('monDeq: forward solve did not run');
  return { z, stats, alpha, lipschitz };
}
