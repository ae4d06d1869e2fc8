import { checkLayerInput, rejectUnknownLayerKeys } from '../options_check.js';
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import { checkConvexActivation, type ConvexActivation } from '../icnn/convex_activation.js';
import { icnnForward } from '../icnn/icnn_forward.js';
import { icnnValueAndInputGradient } from '../icnn/icnn_input_gradient.js';
import { checkHiddenUnits, checkPositive, createIcnnWeights, lastDim, type IcnnLayerWeights } from '../icnn/icnn_weights.js';
import type { BaseLayerArgs, LayerShape } from '../icnn/layer_types.js';
import { rehu, rehuDerivative } from '../icnn/rehu.js';
import { registerLayer } from '../serialization.js';

/** Options of the `LyapunovFunction` layer. */
export interface LyapunovFunctionArgs extends BaseLayerArgs {
  /** Hidden widths of the input-convex network g. Default [64, 64]. */
  hiddenUnits?: number[];
  /** Convex non-decreasing activation inside g. Default 'softplus'. */
  activation?: ConvexActivation;
  /** Width d of the smoothed ReLU sigma applied to g(x) - g(0) (also used by a 'rehu' activation). Default 0.1. */
  rehuWidth?: number;
  /** Weight eps > 0 of the quadratic term eps |x|^2 that makes V strictly positive away from 0. Default 1e-2. */
  eps?: number;
  /**
   * How g is centred at the origin before the smoothed ReLU:
   * - 'value' (the paper's eq. 10): u(x) = g(x) - g(0). Where the tangent
   *   slope grad g(0) is non-zero, u < 0 on about half of every small ball
   *   around 0, so there V = eps |x|^2 only and the learned part of V is flat.
   * - 'tangent': u(x) = g(x) - g(0) - grad g(0) . x, the Bregman divergence
   *   of g at 0, which is convex and >= 0 everywhere, so the learned part
   *   shapes V in every direction (near 0, V ~ x' (Hess g(0) / 2) x + eps |x|^2
   *   once u exceeds the ReHU width d).
   * Both give a convex V with V(0) = 0, grad V(0) = 0. Default 'value'.
   */
  centering?: LyapunovCentering;
  /** Seed for the weight initializers. Default: random. */
  seed?: number;
}

/** How the convex network g is centred at 0 inside V (see `LyapunovFunctionArgs.centering`). */
export type LyapunovCentering = 'value' | 'tangent';

/** `LyapunovFunctionArgs` with defaults filled in and values validated. */
export interface ResolvedLyapunovFunctionArgs {
  readonly hiddenUnits: number[];
  readonly activation: ConvexActivation;
  readonly rehuWidth: number;
  readonly eps: number;
  readonly centering: LyapunovCentering;
  readonly seed: number | undefined;
}

/** The keys of `LyapunovFunctionArgs` besides tfjs's own. */
export const LYAPUNOV_KEYS: readonly string[] = ['hiddenUnits', 'activation', 'rehuWidth', 'eps', 'centering', 'seed'];

/** Resolves and validates `LyapunovFunctionArgs`; throws `ValueError` naming a bad option. */
export function resolveLyapunovFunctionArgs(args: LyapunovFunctionArgs): ResolvedLyapunovFunctionArgs {
  return {
    hiddenUnits: checkHiddenUnits(args.hiddenUnits ?? [64, 64], 'LyapunovFunction hiddenUnits'),
    activation: checkConvexActivation(args.activation ?? 'softplus', 'LyapunovFunction activation'),
    rehuWidth: checkPositive(args.rehuWidth ?? 0.1, 'LyapunovFunction rehuWidth'),
    eps: checkPositive(args.eps ?? 1e-2, 'LyapunovFunction eps'),
    centering: checkCentering(args.centering ?? 'value'),
    seed: args.seed,
  };
}

function checkCentering(value: unknown): LyapunovCentering {
  if (value !== 'value' && value !== 'tangent') throw new ValueError(`LyapunovFunction centering must be 'value' or 'tangent', got ${String(value)}`);
  return value;
}

/** The batch [0; x]: the origin as an extra first row. */
function withOrigin(x: tf.Tensor2D): tf.Tensor2D {
  return tf.concat([tf.zeros([1, x.shape[1]]), x], 0);
}

/** u(x) = g(x) - g(0), minus grad g(0) . x when `slope` = grad g(0) [1, n] is given. */
function centred(x: tf.Tensor2D, g: tf.Tensor2D, origin: tf.Tensor2D, slope: tf.Tensor2D | undefined): tf.Tensor2D {
  const u = tf.sub(g, origin) as tf.Tensor2D;
  return slope === undefined ? u : (tf.sub(u, tf.matMul(x, slope, false, true)) as tf.Tensor2D);
}

/** V(x) and its gradient with respect to x, both batched. */
export interface LyapunovValueAndGradient {
  /** V(x), shape [batch, 1]. */
  readonly value: tf.Tensor2D;
  /** grad_x V(x), shape [batch, n]. */
  readonly gradient: tf.Tensor2D;
}

/**
 * Learned Lyapunov function of Manek & Kolter, "Learning Stable Deep Dynamics
 * Models" (NeurIPS 2019, eq. 10):
 *
 *   V(x) = sigma_d(u(x)) + eps |x|^2,   u(x) = g(x) - g(0)  [- grad g(0) . x]
 *
 * with g a fully input-convex network (`icnnForward`), sigma_d the smoothed
 * ReLU `rehu` and the bracketed term present with `centering: 'tangent'`. For any weights V is convex, V(0) = 0, V(x) >= eps |x|^2 > 0
 * for x != 0 and V is continuously differentiable with grad V(0) = 0, so its
 * only critical point is the origin. Maps [batch, n] to [batch, 1].
 */
export class LyapunovFunction extends tf.layers.Layer {
  static readonly className = 'LyapunovFunction';
  readonly options: ResolvedLyapunovFunctionArgs;
  private layerWeights: IcnnLayerWeights[] = [];
  private inputDim = 0;

  constructor(args: LyapunovFunctionArgs = {}) {
    super(args);
    rejectUnknownLayerKeys(args, LYAPUNOV_KEYS, 'LyapunovFunction argument');
    this.options = resolveLyapunovFunctionArgs(args);
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    this.inputDim = lastDim(shape, `LyapunovFunction '${this.name}' input`);
    const o = this.options;
    this.layerWeights = createIcnnWeights((name, s, init) => this.addWeight(name, s, 'float32', init), this.inputDim, o.hiddenUnits, 1, o.seed);
    this.built = true;
  }

  /** V(x) for x [batch, n], shape [batch, 1] (the layer must be built). */
  evaluate(x: tf.Tensor2D): tf.Tensor2D {
    this.checkInput(x);
    const o = this.options;
    return tf.tidy(() => {
      let g: tf.Tensor2D;
      let origin: tf.Tensor2D;
      let slope: tf.Tensor2D | undefined;
      if (o.centering === 'tangent') {
        const atOrigin = icnnValueAndInputGradient(this.layerWeights, tf.zeros([1, this.inputDim]), o.activation, o.rehuWidth);
        [g, origin, slope] = [icnnForward(this.layerWeights, x, o.activation, o.rehuWidth), atOrigin.value, atOrigin.gradient];
      } else {
        // One network pass over [0; x] gives g(0) and g(x).
        const both = icnnForward(this.layerWeights, withOrigin(x), o.activation, o.rehuWidth);
        [origin, g] = tf.split(both, [1, x.shape[0]], 0) as [tf.Tensor2D, tf.Tensor2D];
      }
      const u = centred(x, g, origin, slope);
      return tf.add(rehu(u, o.rehuWidth), tf.mul(tf.sum(tf.square(x), 1, true), o.eps)) as tf.Tensor2D;
    });
  }

  /**
   * V(x) and grad_x V(x) in one pass, with grad V = sigma_d'(u) grad u + 2 eps x
   * and grad u from the network's explicit reverse sweep
   * (`icnnValueAndInputGradient`) over the batch [0; x], which yields g(0)
   * and grad g(0) too. Both results are ordinary differentiable expressions
   * of x and the weights, so a loss of the gradient (the stable projection)
   * trains with first-order tape gradients, and evaluating it (rollouts)
   * records no tape.
   */
  valueAndGradient(x: tf.Tensor2D): LyapunovValueAndGradient {
    this.checkInput(x);
    const o = this.options;
    return tf.tidy(() => {
      const both = icnnValueAndInputGradient(this.layerWeights, withOrigin(x), o.activation, o.rehuWidth);
      const [origin, g] = tf.split(both.value, [1, x.shape[0]], 0) as [tf.Tensor2D, tf.Tensor2D];
      const [slope, gradG] = tf.split(both.gradient, [1, x.shape[0]], 0) as [tf.Tensor2D, tf.Tensor2D];
      const tangent = o.centering === 'tangent';
      const u = centred(x, g, origin, tangent ? slope : undefined);
      const gradU = tangent ? tf.sub(gradG, slope) : gradG;
      const value = tf.add(rehu(u, o.rehuWidth), tf.mul(tf.sum(tf.square(x), 1, true), o.eps)) as tf.Tensor2D;
      const gradient = tf.add(tf.mul(rehuDerivative(u, o.rehuWidth), gradU), tf.mul(x, 2 * o.eps)) as tf.Tensor2D;
      return { value, gradient };
    });
  }

  private checkInput(x: tf.Tensor2D): void {
    if (x.rank !== 2 || x.shape[1] !== this.inputDim) {
      throw new ShapeError(`LyapunovFunction '${this.name}' expects x of shape [batch, ${this.inputDim}], got [${x.shape.join(', ')}]`);
    }
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (Array.isArray(inputs) && inputs.length !== 1) throw new ShapeError(`LyapunovFunction '${this.name}' takes one input, got ${inputs.length}`);
    const x = checkLayerInput(Array.isArray(inputs) ? inputs[0] : inputs, `LyapunovFunction '${this.name}' input`, this.inputDim);
    return tf.tidy(() => this.evaluate(x));
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    return [shape[0] ?? null, 1];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const o = this.options;
    const config: tf.serialization.ConfigDict = { hiddenUnits: o.hiddenUnits, activation: o.activation, rehuWidth: o.rehuWidth, eps: o.eps, centering: o.centering };
    if (o.seed !== undefined) config['seed'] = o.seed;
    return { ...super.getConfig(), ...config };
  }
}

/** Creates a `LyapunovFunction` layer V(x) = rehu(g(x) - g(0)) + eps |x|^2. */
export function lyapunovFunction(args: LyapunovFunctionArgs = {}): LyapunovFunction {
  return new LyapunovFunction(args);
}

registerLayer(LyapunovFunction);
