import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../../solvers/errors.js';
import type { FixedPointStats } from '../../deq/fixed_point_monitor.js';
import { assertFiniteRows, checkFloatTensor } from '../../options_check.js';
import { resolveMonDeqOptions, type MonDeqOptions } from '../mondeq_options.js';
import { checkIbpMonotonicity, ibpMonotoneW } from './ibp_parameterization.js';
import { intervalOperator } from './interval_operator.js';
import { monotoneEquilibrium } from './monotone_equilibrium.js';

/** Weights of a fully connected IBP-MonDEQ: z = relu(W(M) z + U' x + b), W(M) from `ibpMonotoneW`. */
export interface IbpMonDeqWeights {
  /** Input injection U, shape [inputDim, units] (row convention: s = x U + b). */
  readonly U: tf.Tensor2D;
  /** Bias b, shape [units]. */
  readonly b: tf.Tensor1D;
  /** Unconstrained M of W = D^{-1/2} M D^{-1/2}, shape [units, units] (column convention z -> W z). */
  readonly M: tf.Tensor2D;
}

/** Point equilibrium of `ibpMonDeq`. */
export interface IbpMonDeqResult {
  readonly z: tf.Tensor2D;
  readonly stats: FixedPointStats;
  /** Step size used and ||I - W||_2 (estimate). */
  readonly alpha: number;
  readonly lipschitz: number;
}

/** Interval equilibrium of `ibpMonDeqBounds`. */
export interface IbpMonDeqBounds {
  /** Elementwise lower and upper bounds [batch, units] on z*(x) over the input box. */
  readonly zLo: tf.Tensor2D;
  readonly zHi: tf.Tensor2D;
  /** The interval of the injection s = x U + b over the box (what the interval system was solved with). */
  readonly sLo: tf.Tensor2D;
  readonly sHi: tf.Tensor2D;
  /** Statistics of the splitting on the 2 * units interval system. */
  readonly stats: FixedPointStats;
  readonly alpha: number;
  /** ||I - W_I||_2 (estimate). */
  readonly lipschitz: number;
}

function checkWeights(weights: IbpMonDeqWeights, inputDim: number, what: string): number {
  if (weights === null || typeof weights !== 'object') throw new ValueError(`${what}: weights must be {U, b, M}`);
  for (const k of ['U', 'b', 'M'] as const) checkFloatTensor(weights[k], `${what}: weights.${k}`);
  const { U, b, M } = weights;
  const units = M.shape[0];
  if (U.rank !== 2 || b.rank !== 1 || M.rank !== 2 || U.shape[0] !== inputDim || U.shape[1] !== units || b.shape[0] !== units || M.shape[1] !== units) {
    throw new ShapeError(
      `${what}: shapes do not agree: inputs of width ${inputDim}, U [${U.shape}] (want [${inputDim}, ${units}]), b [${b.shape}] (want [${units}]), M [${M.shape}] (want square)`,
    );
  }
  return units;
}

function checkInput(x: unknown, what: string): tf.Tensor2D {
  const t = checkFloatTensor(x, what) as tf.Tensor2D;
  if (t.rank !== 2) throw new ShapeError(`${what} must be [batch, features], got [${t.shape.join(', ')}]`);
  assertFiniteRows(t, what);
  return t;
}

/**
 * IBP-MonDEQ forward pass (Wei & Kolter 2022): the unique z* = relu(W z* + U'x + b)
 * with W = D^{-1/2} M D^{-1/2}, by the monDEQ splitting named in `options`
 * (default Peaceman-Rachford), differentiable in x, U, b and M by implicit
 * differentiation. m in (0, 1): I - W is m-strongly monotone.
 */
export function ibpMonDeq(x: tf.Tensor2D, weights: IbpMonDeqWeights, m: number, options: MonDeqOptions = {}, onBackwardStats?: (stats: FixedPointStats) => void): IbpMonDeqResult {
  checkIbpMonotonicity(m);
  const o = resolveMonDeqOptions(options);
  const xs = checkInput(x, 'ibpMonDeq: x');
  checkWeights(weights, xs.shape[1], 'ibpMonDeq');
  const s = tf.tidy(() => tf.add(tf.matMul(xs, weights.U), weights.b) as tf.Tensor2D);
  try {
    const r = monotoneEquilibrium(s, weights.M, (M) => ibpMonotoneW(M, m), m, o, 'ibpMonDeq', onBackwardStats);
    return { z: r.v, stats: r.stats, alpha: r.alpha, lipschitz: r.lipschitz };
  } finally {
    s.dispose();
  }
}

/**
 * Interval bound propagation through the infinitely deep weight-tied network
 * z_{k+1} = relu(W z_k + U'x + b) for every x in the box [xLo, xHi]
 * (Wei & Kolter 2022): the injection interval is exact for a linear map,
 * s_mid = x_mid U + b, s_rad = x_rad |U|; then [z_lo, z_hi] is the unique
 * solution of the interval system (see `intervalOperator`), found by the same
 * monDEQ splitting on 2 * units coordinates. Every equilibrium z*(x) with x in
 * the box lies in [z_lo, z_hi]: with e = (z_lo - z*)_+, f = (z* - z_hi)_+, the
 * 1-Lipschitz, monotone relu gives [e; f] <= P [e; f] on its support with
 * P = [[W+, |W-|], [|W-|, W+]], and P ~ blockdiag(|W|, W) has symmetric part
 * <= (1 - m) I, so |[e; f]|^2 <= (1 - m) |[e; f]|^2 forces e = f = 0. The
 * returned bounds are the solver's iterate (accurate to its residual): use
 * `certifyIntervalEquilibrium` for bounds widened by a rigorous error bound.
 * Differentiable in xLo, xHi, U, b and M (implicitly), for IBP training.
 */
export function ibpMonDeqBounds(
  xLo: tf.Tensor2D,
  xHi: tf.Tensor2D,
  weights: IbpMonDeqWeights,
  m: number,
  options: MonDeqOptions = {},
  onBackwardStats?: (stats: FixedPointStats) => void,
): IbpMonDeqBounds {
  checkIbpMonotonicity(m);
  const o = resolveMonDeqOptions(options);
  const lo = checkInput(xLo, 'ibpMonDeqBounds: xLo');
  const hi = checkInput(xHi, 'ibpMonDeqBounds: xHi');
  if (lo.shape[0] !== hi.shape[0] || lo.shape[1] !== hi.shape[1]) throw new ShapeError(`ibpMonDeqBounds: xLo [${lo.shape}] and xHi [${hi.shape}] must have the same shape`);
  const inverted = tf.tidy(() => tf.any(tf.greater(lo, hi)).dataSync()[0]);
  if (inverted) {
    const gap = tf.tidy(() => tf.argMax(tf.max(tf.sub(lo, hi), 1)).dataSync()[0]!);
    throw new ValueError(`ibpMonDeqBounds: xLo > xHi somewhere in batch row ${gap} (an input box needs xLo <= xHi)`);
  }
  const units = checkWeights(weights, lo.shape[1], 'ibpMonDeqBounds');
  const sBox = tf.tidy(() => {
    const mid = tf.div(tf.add(lo, hi), 2);
    const rad = tf.div(tf.sub(hi, lo), 2);
    const sMid = tf.add(tf.matMul(mid, weights.U), weights.b);
    const sRad = tf.matMul(rad, tf.abs(weights.U));
    return tf.concat([tf.sub(sMid, sRad), tf.add(sMid, sRad)], 1) as tf.Tensor2D;
  });
  try {
    const r = monotoneEquilibrium(sBox, weights.M, (M) => intervalOperator(ibpMonotoneW(M, m)), m, o, 'ibpMonDeqBounds', onBackwardStats);
    const [zLo, zHi] = tf.split(r.v, [units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
    const [sLo, sHi] = tf.split(sBox, [units, units], 1) as [tf.Tensor2D, tf.Tensor2D];
    r.v.dispose();
    return { zLo, zHi, sLo, sHi, stats: r.stats, alpha: r.alpha, lipschitz: r.lipschitz };
  } finally {
    sBox.dispose();
  }
}
