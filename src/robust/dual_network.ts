/**
 * The dual network of the LP relaxation of a ReLU network over an input box,
 * computed layer by layer with tf ops (so it can be trained through):
 * Wong & Kolter, "Provable defenses against adversarial examples via the
 * convex outer adversarial polytope", ICML 2018, Theorem 1 and Algorithm 1.
 *
 * Notation (ours, equivalent to the paper's). Each unstable ReLU (l < 0 < u)
 * is relaxed to the band between two parallel lines of slope d = u/(u−l):
 *     d·ẑ ≤ z ≤ d·(ẑ − l),   i.e.   z = d·ẑ + s,  s ∈ [0, −u·l/(u−l)],
 * which is the paper's closed-form dual choice α = u/(u−l) (its dual
 * variable ν = d·ν̂ for unstable units). Stable units have d = 1 (l ≥ 0) or
 * d = 0 (u ≤ 0) and no slack. Every pre-activation is then affine in the
 * input x' and the slacks,
 *     ẑ = Λᵀ x' + Σ_j E_jᵀ s_j + c,
 * where Λ is the paper's ν̂₁, E_j its ν_j restricted to I_j, c its Σγ. Its
 * exact minimum over the box x' ∈ [x_c − r, x_c + r] and s_j ∈ [0, g_j] is
 *     Λᵀ x_c + c − |Λ|ᵀ r + Σ_j g_jᵀ min(E_j, 0),
 * which is the paper's J(ν) (for the ℓ∞ ball r = ε; an input box such as
 * [0, 1] pixels only changes x_c and r). Bounds l, u of each layer come from
 * the same forms before its ReLU is relaxed (Algorithm 1), and the class
 * margins f_y − f_j are bounded with the last form multiplied by e_y1ᵀ − I.
 *
 * Dense and conv2d steps are both z ↦ z K + b on the flattened activations;
 * `linear_ops.ts` supplies the products with K (conv2d / conv2dTranspose
 * for a conv), so this file does not depend on the layout.
 *
 * Gradients: everything, including l and u (through d and g), is plain tf
 * ops, so autodiff backpropagates through the bounds as the paper does. The
 * stable/unstable masks are piecewise constant (zero gradient).
 */
import * as tf from '@tensorflow/tfjs';
import { type BatchMatrix, marginColumns, scaleColumns, scaleRows, weightedRowSum } from './batch_matrix.js';
import { type LinearOp, linearOp } from './linear_ops.js';
import type { LinearStep, ReluNetwork } from './relu_network.js';

/** Pre-activation bounds of one ReLU layer: [B, n] each. */
export interface LayerBounds {
  readonly layerName: string;
  readonly lower: tf.Tensor2D;
  readonly upper: tf.Tensor2D;
}

/** The input region per example: the box [center − radius, center + radius], both [B, n0]. */
export interface InputRegion {
  readonly center: tf.Tensor2D;
  readonly radius: tf.Tensor2D;
}

/**
 * ẑ = Λᵀ x' + Σ_j E_jᵀ s_j + c, stored at the box center: `center` = Λᵀ x_c + c.
 * Λ is kept factored as K₁ F (F maps the first pre-activation to this layer;
 * null means F = I), so the [B, inputSize, width] matrix Λ is formed only
 * when a bound needs |Λ| — never for the first layer, and for the margins
 * only with `classes` columns.
 */
interface AffineForm {
  readonly center: tf.Tensor2D;
  readonly inputFactor: BatchMatrix | null;
  readonly slacks: readonly { readonly map: BatchMatrix; readonly gap: tf.Tensor2D }[];
}

/** A relaxed ReLU waiting for the next affine step: slopes d and slack widths g, [B, n]. */
interface Relaxation {
  readonly slope: tf.Tensor2D;
  readonly gap: tf.Tensor2D;
}

/** ℓ∞ ball of radius ε around x, intersected with the box [lo, hi] when given. */
export function inputRegion(x: tf.Tensor2D, epsilon: number, box: readonly [number, number] | null): InputRegion {
  let lo: tf.Tensor2D = tf.sub(x, epsilon);
  let hi: tf.Tensor2D = tf.add(x, epsilon);
  if (box) {
    lo = tf.maximum(lo, box[0]);
    hi = tf.minimum(hi, box[1]);
  }
  return { center: tf.div(tf.add(lo, hi), 2) as tf.Tensor2D, radius: tf.div(tf.sub(hi, lo), 2) as tf.Tensor2D };
}

function formBounds(form: AffineForm, inputMap: BatchMatrix, radius: tf.Tensor2D): { lower: tf.Tensor2D; upper: tf.Tensor2D } {
  const spread = weightedRowSum(radius, tf.abs(inputMap) as BatchMatrix);
  let lower: tf.Tensor2D = tf.sub(form.center, spread);
  let upper: tf.Tensor2D = tf.add(form.center, spread);
  for (const { map, gap } of form.slacks) {
    lower = tf.add(lower, weightedRowSum(gap, tf.minimum(map, 0) as BatchMatrix));
    upper = tf.add(upper, weightedRowSum(gap, tf.maximum(map, 0) as BatchMatrix));
  }
  return { lower, upper };
}

/**
 * The parallel-line relaxation of ReLU on [l, u] (see the file comment).
 * Masks are built with tf.step (zero gradient) and arithmetic rather than
 * comparisons and tf.where: tfjs has no gradient for logical ops, and the
 * masks are piecewise constant anyway.
 */
function relaxRelu(lower: tf.Tensor2D, upper: tf.Tensor2D): Relaxation {
  const negativeLower = tf.step(tf.neg(lower)); // 1 where l < 0
  const unstable = tf.mul(negativeLower, tf.step(upper)); // 1 where l < 0 < u
  const active = tf.sub(1, negativeLower); // 1 where l ≥ 0
  // u − l on unstable units, 1 elsewhere: a safe denominator whose gradient is finite everywhere.
  const width = tf.add(tf.mul(unstable, tf.sub(upper, lower)), tf.sub(1, unstable));
  const chordSlope = tf.div(upper, width);
  const slope = tf.add(active, tf.mul(unstable, chordSlope)) as tf.Tensor2D;
  const gap = tf.neg(tf.mul(unstable, tf.mul(chordSlope, lower))) as tf.Tensor2D;
  return { slope, gap };
}

function applyAffine(form: AffineForm, op: LinearOp, relaxed: Relaxation | null): AffineForm {
  const through = (m: BatchMatrix): BatchMatrix => op.right(relaxed ? scaleColumns(m, relaxed.slope) : m);
  const center = op.affine(relaxed ? tf.mul(form.center, relaxed.slope) : form.center);
  const slacks = form.slacks.map(({ map, gap }) => ({ map: through(map), gap }));
  // z = d·ẑ + s: the new slack s enters the next pre-activation with coefficient K.
  if (relaxed) slacks.push({ map: op.matrix(), gap: relaxed.gap });
  const identityThrough = relaxed ? scaleRows(op.matrix(), relaxed.slope) : op.matrix();
  return { center, inputFactor: form.inputFactor ? through(form.inputFactor) : identityThrough, slacks };
}

/** Lower bounds on the margins f_y(x') − f_j(x') over the region, [B, classes] (0 at j = y), and each ReLU layer's l, u. */
export interface DualBounds {
  readonly marginLower: tf.Tensor2D;
  readonly layers: readonly LayerBounds[];
}

/**
 * Runs the dual network (Algorithm 1) for the batch: `region` from
 * `inputRegion` on the flattened input, `oneHot` the labels y, [B, classes].
 * Call inside `tf.tidy`; every intermediate is an ordinary tf tensor.
 */
export function dualBounds(network: ReluNetwork, region: InputRegion, oneHot: tf.Tensor2D): DualBounds {
  const first = linearOp(network.steps[0] as LinearStep);
  let form: AffineForm = { center: first.affine(region.center), inputFactor: null, slacks: [] };
  const inputMapOf = (factor: BatchMatrix | null): BatchMatrix => (factor ? first.left(factor) : first.matrix());
  let relaxed: Relaxation | null = null;
  const layers: LayerBounds[] = [];
  for (const step of network.steps.slice(1)) {
    if (step.kind === 'relu') {
      const { lower, upper } = formBounds(form, inputMapOf(form.inputFactor), region.radius);
      layers.push({ layerName: step.layerName, lower, upper });
      relaxed = relaxRelu(lower, upper);
    } else {
      form = applyAffine(form, linearOp(step), relaxed);
      relaxed = null;
    }
  }
  const margins: AffineForm = {
    center: tf.sub(tf.sum(tf.mul(form.center, oneHot), 1, true), form.center) as tf.Tensor2D,
    inputFactor: form.inputFactor ? marginColumns(form.inputFactor, oneHot) : null,
    slacks: form.slacks.map(({ map, gap }) => ({ map: marginColumns(map, oneHot), gap })),
  };
  // K₁ F (e_y1ᵀ − I): the margin columns are taken on the small factor before K₁ multiplies it.
  const marginInputMap = margins.inputFactor ? inputMapOf(margins.inputFactor) : marginColumns(first.matrix(), oneHot);
  return { marginLower: formBounds(margins, marginInputMap, region.radius).lower, layers };
}
