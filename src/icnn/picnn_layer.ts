import { checkLayerInput, rejectUnknownLayerKeys } from '../options_check.js';
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../solvers/errors.js';
import { registerLayer } from '../serialization.js';
import { checkConvexActivation, type ConvexActivation } from './convex_activation.js';
import { checkHiddenUnits, checkPositive, checkPositiveInteger, lastDim } from './icnn_weights.js';
import type { BaseLayerArgs, LayerShape } from './layer_types.js';
import { checkConditionActivation, createPicnnWeights, picnnForward, type ConditionActivation, type PicnnLayerWeights } from './picnn_forward.js';

/** Options of the `PICNN` layer. */
export interface PICNNArgs extends BaseLayerArgs {
  /** Number of outputs, each convex in the first input x. Default 1. */
  units?: number;
  /** Widths of the hidden layers (shared by the convex z path and the conditioning u path). Default [32, 32]. */
  hiddenUnits?: number[];
  /** Convex non-decreasing activation g of the z path. Default 'softplus'. */
  activation?: ConvexActivation;
  /** Activation of the conditioning path (unconstrained). Default 'tanh'. */
  conditionActivation?: ConditionActivation;
  /** Width d of the smoothed ReLU, used when `activation` is 'rehu'. Default 1. */
  rehuWidth?: number;
  /** Seed for the weight initializers. Default: random. */
  seed?: number;
}

/** `PICNNArgs` with defaults filled in and values validated. */
export interface ResolvedPICNNArgs {
  readonly units: number;
  readonly hiddenUnits: number[];
  readonly activation: ConvexActivation;
  readonly conditionActivation: ConditionActivation;
  readonly rehuWidth: number;
  readonly seed: number | undefined;
}

/** Resolves and validates `PICNNArgs`; throws `ValueError` naming a bad option. */
export function resolvePicnnArgs(args: PICNNArgs): ResolvedPICNNArgs {
  return {
    units: checkPositiveInteger(args.units ?? 1, 'PICNN units'),
    hiddenUnits: checkHiddenUnits(args.hiddenUnits ?? [32, 32], 'PICNN hiddenUnits'),
    activation: checkConvexActivation(args.activation ?? 'softplus', 'PICNN activation'),
    conditionActivation: checkConditionActivation(args.conditionActivation ?? 'tanh', 'PICNN conditionActivation'),
    rehuWidth: checkPositive(args.rehuWidth ?? 1, 'PICNN rehuWidth'),
    seed: args.seed,
  };
}

function twoShapes(inputShape: LayerShape | LayerShape[], name: string): [LayerShape, LayerShape] {
  if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) {
    throw new ShapeError(`PICNN '${name}' takes two inputs [x, y] (convex input and condition), got shape ${JSON.stringify(inputShape)}`);
  }
  return [inputShape[0] as LayerShape, inputShape[1] as LayerShape];
}

/**
 * Partially input-convex neural network (Amos, Xu & Kolter, "Input Convex
 * Neural Networks", ICML 2017, eq. 3). Called on [x, y] with x [batch, n] and
 * y [batch, c], returns [batch, units] outputs that are convex in x for every
 * fixed y and any weights (non-negative z-path kernels softplus(U), gates
 * [.]_+ >= 0 that depend on y only). See `picnnForward` for the equations.
 */
export class PICNN extends tf.layers.Layer {
  static readonly className = 'PICNN';
  readonly options: ResolvedPICNNArgs;
  private layerWeights: PicnnLayerWeights[] = [];
  private widths: [number, number] = [0, 0];

  constructor(args: PICNNArgs = {}) {
    super(args);
    rejectUnknownLayerKeys(args, ['units', 'hiddenUnits', 'activation', 'conditionActivation', 'rehuWidth', 'seed'], 'PICNN argument');
    this.options = resolvePicnnArgs(args);
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const [xs, ys] = twoShapes(inputShape, this.name);
    const n = lastDim(xs, `PICNN '${this.name}' input x`);
    const c = lastDim(ys, `PICNN '${this.name}' condition y`);
    this.widths = [n, c];
    const o = this.options;
    this.layerWeights = createPicnnWeights((name, s, init) => this.addWeight(name, s, 'float32', init), n, c, o.hiddenUnits, o.units, o.seed);
    this.built = true;
  }

  /** Evaluates the network at (x [batch, n], y [batch, c]) (the layer must be built). */
  evaluate(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    const o = this.options;
    if (x.shape[0] !== y.shape[0]) throw new ShapeError(`PICNN '${this.name}': x has batch ${x.shape[0]} but y has batch ${y.shape[0]}`);
    return picnnForward(this.layerWeights, x, y, o.activation, o.conditionActivation, o.rehuWidth);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new ShapeError(`PICNN '${this.name}' must be called on [x, y]`);
      }
      const x = checkLayerInput(inputs[0], `PICNN '${this.name}' input x`, this.widths[0]);
      const y = checkLayerInput(inputs[1], `PICNN '${this.name}' condition y`, this.widths[1]);
      if (x.shape[0] !== y.shape[0]) throw new ShapeError(`PICNN '${this.name}': x and y must have the same batch size, got ${x.shape[0]} and ${y.shape[0]}`);
      return this.evaluate(x, y);
    });
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [xs] = twoShapes(inputShape, this.name);
    return [xs[0] ?? null, this.options.units];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const o = this.options;
    const config: tf.serialization.ConfigDict = {
      units: o.units,
      hiddenUnits: o.hiddenUnits,
      activation: o.activation,
      conditionActivation: o.conditionActivation,
      rehuWidth: o.rehuWidth,
    };
    if (o.seed !== undefined) config['seed'] = o.seed;
    return { ...super.getConfig(), ...config };
  }
}

/** Creates a `PICNN` layer (partially input-convex network, convex in its first input). */
export function picnn(args: PICNNArgs = {}): PICNN {
  return new PICNN(args);
}

registerLayer(PICNN);
