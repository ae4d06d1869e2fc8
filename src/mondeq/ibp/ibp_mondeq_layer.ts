import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../../solvers/errors.js';
import type { FixedPointStats } from '../../deq/fixed_point_monitor.js';
import { registerLayer } from '../../serialization.js';
import { monDeqArgsFromConfig, monDeqConfig, monDeqInputWidth, monDeqRawOptions } from '../mondeq_config.js';
import { MAX_LAYER_WIDTH, checkFloatTensor, checkIntegerInRange, rejectUnknownLayerKeys } from '../../options_check.js';
import { MONDEQ_OPTION_KEYS, type MonDeqOptions } from '../mondeq_options.js';
import type { MonDeqBaseLayerArgs } from '../mondeq_layer.js';
import { checkIbpMonotonicity } from './ibp_parameterization.js';
import { ibpMonDeq, ibpMonDeqBounds, type IbpMonDeqBounds, type IbpMonDeqWeights } from './ibp_mondeq_function.js';

/** Constructor arguments of `IbpMonDEQLayer`. */
export interface IbpMonDEQLayerArgs extends MonDeqBaseLayerArgs, MonDeqOptions {
  /** Width of the equilibrium z (the output width). */
  units: number;
  /** Monotonicity m in (0, 1): I - W and I - |W| are m-strongly monotone. Default 0.5 (as in Wei & Kolter's reference layer). */
  monotonicity?: number;
}

/**
 * Fully connected IBP-MonDEQ layer (Wei & Kolter, ICLR 2022):
 * x [batch, features] -> z* [batch, units] with z* = relu(W z* + U'x + b),
 * W = D^{-1/2} M D^{-1/2} (`ibpMonotoneW`). The equilibrium and the interval
 * equilibrium of `bounds` exist, are unique and the splitting converges for
 * every value of the weights. Weights: U (glorot), b (zeros), M (uniform,
 * fan-in scaled; its scale is normalized away by D). `call` returns the point
 * equilibrium; `bounds(xLo, xHi)` the interval one, both differentiable.
 */
export class IbpMonDEQLayer extends tf.layers.Layer {
  static className = 'IbpMonDEQLayer';
  readonly units: number;
  readonly monotonicity: number;
  private readonly rawOptions: MonDeqOptions;
  private weightU: tf.LayerVariable | undefined;
  private weightBias: tf.LayerVariable | undefined;
  private weightM: tf.LayerVariable | undefined;
  private inputDim: number | undefined;
  /** Forward statistics of the last `call` or `bounds`. */
  lastStats: FixedPointStats | undefined;
  /** Statistics of the last backward splitting. */
  lastBackwardStats: FixedPointStats | undefined;

  constructor(args: IbpMonDEQLayerArgs) {
    super(args);
    rejectUnknownLayerKeys(args, ['units', 'monotonicity', ...MONDEQ_OPTION_KEYS], 'IbpMonDEQLayer argument');
    checkIntegerInRange(args.units, 1, MAX_LAYER_WIDTH, 'IbpMonDEQLayer: units');
    this.units = args.units;
    this.monotonicity = checkIbpMonotonicity(args.monotonicity ?? 0.5);
    this.rawOptions = monDeqRawOptions(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const width = monDeqInputWidth(inputShape, `IbpMonDEQLayer '${this.name}'`);
    const n = this.units;
    this.inputDim = width;
    this.weightU = this.addWeight('U', [width, n], 'float32', tf.initializers.glorotUniform({}));
    this.weightBias = this.addWeight('b', [n], 'float32', tf.initializers.zeros());
    this.weightM = this.addWeight('M', [n, n], 'float32', tf.initializers.varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'uniform' }));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, this.units];
  }

  /** The current weights as tensors (the variables themselves: differentiable under `tf.variableGrads`). */
  weightTensors(): IbpMonDeqWeights {
    if (!this.built) throw new ShapeError(`IbpMonDEQLayer '${this.name}' is not built yet (call it on an input or build it first)`);
    return { U: this.weightU!.read() as tf.Tensor2D, b: this.weightBias!.read() as tf.Tensor1D, M: this.weightM!.read() as tf.Tensor2D };
  }

  private checkWidth(x: tf.Tensor, what: string): tf.Tensor2D {
    const t = checkFloatTensor(x, `IbpMonDEQLayer '${this.name}' ${what}`) as tf.Tensor2D;
    if (t.rank !== 2) throw new ShapeError(`IbpMonDEQLayer '${this.name}': ${what} must be [batch, features], got [${t.shape.join(', ')}]`);
    if (this.inputDim !== undefined && t.shape[1] !== this.inputDim) {
      throw new ShapeError(`IbpMonDEQLayer '${this.name}' was built for inputs of width ${this.inputDim}, got ${what} [${t.shape.join(', ')}]`);
    }
    return t;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (Array.isArray(inputs) && inputs.length !== 1) throw new ShapeError(`IbpMonDEQLayer '${this.name}' takes one input, got ${inputs.length}`);
      const x = this.checkWidth(Array.isArray(inputs) ? inputs[0]! : inputs, 'input');
      const r = ibpMonDeq(x, this.weightTensors(), this.monotonicity, this.rawOptions, (s) => (this.lastBackwardStats = s));
      this.lastStats = r.stats;
      return r.z;
    });
  }

  /**
   * Interval equilibrium [z_lo, z_hi] containing z*(x) for every x in the box
   * [xLo, xHi] (see `ibpMonDeqBounds`). Builds the layer on first use. The
   * caller owns the returned tensors.
   */
  bounds(xLo: tf.Tensor2D, xHi: tf.Tensor2D): IbpMonDeqBounds {
    const lo = this.checkWidth(xLo, 'xLo');
    this.checkWidth(xHi, 'xHi');
    if (!this.built) this.build(lo.shape);
    const r = ibpMonDeqBounds(lo, xHi, this.weightTensors(), this.monotonicity, this.rawOptions, (s) => (this.lastBackwardStats = s));
    this.lastStats = r.stats;
    return r;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...monDeqConfig(this.units, this.monotonicity, this.rawOptions) };
  }

  /** Rebuilds the layer from a saved config, undoing tfjs's camelCasing of enumerated values. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(monDeqArgsFromConfig(config));
  }
}
registerLayer(IbpMonDEQLayer);

/** Creates an `IbpMonDEQLayer` (see `IbpMonDEQLayerArgs`). */
export function ibpMonDeqLayer(args: IbpMonDEQLayerArgs): IbpMonDEQLayer {
  return new IbpMonDEQLayer(args);
}
