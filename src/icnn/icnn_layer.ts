import { checkLayerInput, rejectUnknownLayerKeys } from '../options_check.js';
import { ShapeError } from '../../solvers/errors.js';
import * as tf from '@tensorflow/tfjs';
import { registerLayer } from '../serialization.js';
import { checkConvexActivation, type ConvexActivation } from './convex_activation.js';
import { icnnForward } from './icnn_forward.js';
import { checkHiddenUnits, checkPositive, checkPositiveInteger, createIcnnWeights, lastDim, type IcnnLayerWeights } from './icnn_weights.js';
import type { BaseLayerArgs, LayerShape } from './layer_types.js';

/** Options of the `ICNN` layer. */
export interface ICNNArgs extends BaseLayerArgs {
  /** Number of outputs, each convex in the input. Default 1. */
  units?: number;
  /** Widths of the hidden layers z_1..z_L. Default [32, 32]. */
  hiddenUnits?: number[];
  /** Convex non-decreasing hidden activation g. Default 'softplus'. */
  activation?: ConvexActivation;
  /** Width d of the smoothed ReLU, used when `activation` is 'rehu'. Default 1. */
  rehuWidth?: number;
  /** Seed for the weight initializers (reproducible builds). Default: random. */
  seed?: number;
}

/** `ICNNArgs` with defaults filled in and values validated. */
export interface ResolvedICNNArgs {
  readonly units: number;
  readonly hiddenUnits: number[];
  readonly activation: ConvexActivation;
  readonly rehuWidth: number;
  readonly seed: number | undefined;
}

/** Resolves and validates `ICNNArgs`; throws `ValueError` naming a bad option. */
export function resolveIcnnArgs(args: ICNNArgs): ResolvedICNNArgs {
  return {
    units: checkPositiveInteger(args.units ?? 1, 'ICNN units'),
    hiddenUnits: checkHiddenUnits(args.hiddenUnits ?? [32, 32], 'ICNN hiddenUnits'),
    activation: checkConvexActivation(args.activation ?? 'softplus', 'ICNN activation'),
    rehuWidth: checkPositive(args.rehuWidth ?? 1, 'ICNN rehuWidth'),
    seed: args.seed,
  };
}

/**
 * Fully input-convex neural network (Amos, Xu & Kolter, "Input Convex Neural
 * Networks", ICML 2017, eq. 2). Maps [batch, n] to [batch, units]; every
 * output is a convex function of the input for any weights, because the
 * hidden-to-hidden weights are softplus(U) >= 0 of unconstrained U and the
 * activation is convex and non-decreasing; the input feeds every layer through
 * unconstrained passthrough weights. See `icnnForward` for the equations.
 */
export class ICNN extends tf.layers.Layer {
  static readonly className = 'ICNN';
  readonly options: ResolvedICNNArgs;
  private layerWeights: IcnnLayerWeights[] = [];
  private inputDim = 0;

  constructor(args: ICNNArgs = {}) {
    super(args);
    rejectUnknownLayerKeys(args, ['units', 'hiddenUnits', 'activation', 'rehuWidth', 'seed'], 'ICNN argument');
    this.options = resolveIcnnArgs(args);
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    const n = lastDim(shape, `ICNN '${this.name}' input`);
    this.inputDim = n;
    const o = this.options;
    this.layerWeights = createIcnnWeights((name, s, init) => this.addWeight(name, s, 'float32', init), n, o.hiddenUnits, o.units, o.seed);
    this.built = true;
  }

  /** Evaluates the network on x [batch, n] (the layer must be built). */
  evaluate(x: tf.Tensor2D): tf.Tensor2D {
    return icnnForward(this.layerWeights, x, this.options.activation, this.options.rehuWidth);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (Array.isArray(inputs) && inputs.length !== 1) throw new ShapeError(`ICNN '${this.name}' takes one input, got ${inputs.length}`);
      const x = checkLayerInput(Array.isArray(inputs) ? inputs[0] : inputs, `ICNN '${this.name}' input`, this.inputDim);
      return this.evaluate(x);
    });
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    return [shape[0] ?? null, this.options.units];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const o = this.options;
    const config: tf.serialization.ConfigDict = { units: o.units, hiddenUnits: o.hiddenUnits, activation: o.activation, rehuWidth: o.rehuWidth };
    if (o.seed !== undefined) config['seed'] = o.seed;
    return { ...super.getConfig(), ...config };
  }
}

/** Creates an `ICNN` layer (fully input-convex network). */
export function icnn(args: ICNNArgs = {}): ICNN {
  return new ICNN(args);
}

registerLayer(ICNN);
