/**
 * Certified robustness of a feed-forward ReLU network: lower bounds on every
 * class margin f_y(x') − f_j(x') over the ℓ∞ ball ‖x' − x‖∞ ≤ ε (optionally
 * intersected with an input box), from the dual network of the LP
 * relaxation (Wong & Kolter, ICML 2018). A positive bound for every j ≠ y
 * proves that no x' in the region changes the prediction away from y.
 */
import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../solvers/errors.js';
import { checkIntegerInRange } from '../options_check.js';
import { dualBounds, inputRegion } from './dual_network.js';
import { dualBoundsF64, networkToF64 } from './dual_network_f64.js';
import { readReluNetwork, type ReluNetwork } from './relu_network.js';
import { type LabelsLike, ROBUST_OPTION_KEYS, type RobustOptions, checkEpsilon, flattenInput, readLabels, resolveRobustOptions } from './robust_inputs.js';

/** Options of `certify`. */
export interface CertifyOptions extends RobustOptions {
  /** True classes y, [B]. Default: the model's prediction at x (then `certified` means "the prediction cannot change"). */
  readonly labels?: LabelsLike;
  /** Also return each ReLU layer's pre-activation bounds l, u. Default false. */
  readonly returnBounds?: boolean;
  /**
   * 'float64' (default): the dual network in float64 plain JS, one example
   * at a time, from the float32 weights and inputs read exactly.
   * 'float32': the tf ops `robustLoss` trains through, batched (faster on
   * large batches, but rounding can move a bound by ~1e-7 relative).
   */
  readonly precision?: 'float64' | 'float32';
  /** Examples per tf pass with precision 'float32' (memory ∝ batchSize · inputSize · width). Default 64. */
  readonly batchSize?: number;
}

/** Per-layer pre-activation bounds, [B][n] each. */
export interface CertifiedLayerBounds {
  readonly layerName: string;
  readonly lower: number[][];
  readonly upper: number[][];
}

/** The result of `certify`. */
export interface CertifyResult {
  /** The labels y the margins are taken against. */
  readonly labels: Int32Array;
  /** Per example and class (B x classes): a lower bound on the minimum over the region of f_y − f_j (exactly 0 at j = y). */
  readonly marginLower: number[][];
  /** Per example: every margin bound with j ≠ y is > 0. */
  readonly certified: boolean[];
  /** Present when `returnBounds`: the l, u the relaxation used, one entry per ReLU layer. */
  readonly layerBounds?: CertifiedLayerBounds[];
}

const CERTIFY_KEYS = [...ROBUST_OPTION_KEYS, 'labels', 'returnBounds', 'precision', 'batchSize'];

interface RawBounds {
  marginLower: number[][];
  layers: { lower: number[][]; upper: number[][] }[];
}

function predictedLabels(model: tf.LayersModel, x: tf.Tensor): Int32Array {
  return tf.tidy(() => tf.argMax(model.apply(x) as tf.Tensor, -1).dataSync() as Int32Array);
}

function boundsFloat32(network: ReluNetwork, flat: tf.Tensor2D, labels: Int32Array, eps: number, box: readonly [number, number] | null, batchSize: number): RawBounds {
  const batch = flat.shape[0];
  const out: RawBounds = { marginLower: [], layers: [] };
  for (let start = 0; start < batch; start += batchSize) {
    const size = Math.min(batchSize, batch - start);
    // tidy keeps only the returned tensors: [margins, l₁, u₁, l₂, u₂, ...].
    const [margins, ...layerTensors] = tf.tidy(() => {
      const xs = tf.slice(flat, [start, 0], [size, -1]);
      const oneHot = tf.oneHot(tf.tensor1d(labels.subarray(start, start + size), 'int32'), network.outputSize) as tf.Tensor2D;
      const bounds = dualBounds(network, inputRegion(xs, eps, box), oneHot);
      return [bounds.marginLower, ...bounds.layers.flatMap((layer) => [layer.lower, layer.upper])];
    }) as tf.Tensor2D[];
    out.marginLower.push(...margins!.arraySync());
    for (let i = 0; i < layerTensors.length / 2; i++) {
      if (start === 0) out.layers.push({ lower: [], upper: [] });
      out.layers[i]!.lower.push(...layerTensors[2 * i]!.arraySync());
      out.layers[i]!.upper.push(...layerTensors[2 * i + 1]!.arraySync());
    }
    tf.dispose([margins!, ...layerTensors]);
  }
  return out;
}

function boundsFloat64(network: ReluNetwork, flat: tf.Tensor2D, labels: Int32Array, eps: number, box: readonly [number, number] | null): RawBounds {
  const steps = networkToF64(network);
  const [batch, n] = flat.shape;
  const values = flat.dataSync();
  const out: RawBounds = { marginLower: [], layers: [] };
  for (let b = 0; b < batch; b++) {
    const center = new Float64Array(n);
    const radius = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[b * n + i]!;
      const lo = box ? Math.max(v - eps, box[0]) : v - eps;
      const hi = box ? Math.min(v + eps, box[1]) : v + eps;
      center[i] = (lo + hi) / 2;
      radius[i] = (hi - lo) / 2;
    }
    const bounds = dualBoundsF64(steps, center, radius, labels[b]!);
    out.marginLower.push(Array.from(bounds.marginLower));
    bounds.layers.forEach((layer, i) => {
      if (b === 0) out.layers.push({ lower: [], upper: [] });
      out.layers[i]!.lower.push(Array.from(layer.lower));
      out.layers[i]!.upper.push(Array.from(layer.upper));
    });
  }
  return out;
}

/**
 * Bounds the class margins of `model` over the ℓ∞ ball of radius `epsilon`
 * around each example of `x` ([B, ...inputShape], e.g. [B, 28, 28, 1]),
 * intersected with `inputBox` when given.
 *
 * Supported models (see `readReluNetwork`): a chain of `conv2d` layers
 * (channels last, any kernel size and strides, padding 'valid' or 'same',
 * dilation 1, with or without bias, activation 'relu' or 'linear'), then
 * `flatten`, then `dense` layers (activation 'relu' or 'linear'), with
 * `reLU` / `activation('relu')` layers anywhere and linear logits last.
 * A conv layer is the affine map of the flattened image it is; the float64
 * route writes its matrix out, the float32 route applies conv2d and its
 * transpose. Depthwise / separable convs, pooling, dilation and
 * channelsFirst throw `UnsupportedError`.
 *
 * The bound is the closed-form dual objective J of the LP relaxation with
 * the paper's fixed dual choice α = u/(u−l) (Theorem 1, Algorithm 1): it is
 * the exact optimum of the LP in which each unstable ReLU is relaxed to
 * d·ẑ ≤ z ≤ d·(ẑ − l), d = u/(u−l), and is ≤ the optimum of the tighter
 * triangle relaxation (z ≥ 0, z ≥ ẑ, same upper chord). In float64 by
 * default (see `precision`).
 *
 * Throws `UnsupportedError` naming an unsupported layer, `ShapeError` /
 * `ValueError` for a bad x, epsilon, labels or option.
 */
export function certify(model: tf.LayersModel, x: tf.Tensor, epsilon: number, options: CertifyOptions = {}): CertifyResult {
  const { inputBox } = resolveRobustOptions(options, CERTIFY_KEYS, 'certify options');
  const eps = checkEpsilon(epsilon);
  const precision = options.precision ?? 'float64';
  if (precision !== 'float64' && precision !== 'float32') throw new ValueError(`certify options.precision must be 'float64' or 'float32', got ${JSON.stringify(precision)}`);
  const batchSize = checkIntegerInRange(options.batchSize ?? 64, 1, 1 << 20, 'certify options.batchSize');
  const network: ReluNetwork = readReluNetwork(model);
  const flat = flattenInput(x, network.inputShape, inputBox);
  try {
    const labels = options.labels === undefined ? predictedLabels(model, x) : readLabels(options.labels, flat.shape[0], network.outputSize);
    const raw = precision === 'float64' ? boundsFloat64(network, flat, labels, eps, inputBox) : boundsFloat32(network, flat, labels, eps, inputBox, batchSize);
    const certified = raw.marginLower.map((row, b) => row.every((m, j) => j === labels[b] || m > 0));
    if (!options.returnBounds) return { labels, marginLower: raw.marginLower, certified };
    const reluNames = network.steps.filter((step) => step.kind === 'relu').map((step) => step.layerName);
    const layerBounds = raw.layers.map((layer, i) => ({ layerName: reluNames[i]!, ...layer }));
    return { labels, marginLower: raw.marginLower, certified, layerBounds };
  } finally {
    flat.dispose();
  }
}
