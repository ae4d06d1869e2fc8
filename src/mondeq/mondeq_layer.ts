import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import type { FixedPointStats } from '../deq/fixed_point_monitor.js';
import { registerLayer } from '../serialization.js';
import { monDeqArgsFromConfig, monDeqConfig, monDeqInputWidth, monDeqRawOptions } from './mondeq_config.js';
import { monDeq } from './mondeq_function.js';
import { MONDEQ_OPTION_KEYS, checkMonotonicity, type MonDeqOptions } from './mondeq_options.js';
import { MAX_LAYER_WIDTH, checkFloatTensor, checkIntegerInRange, rejectUnknownLayerKeys } from '../options_check.js';

/** Base tfjs `LayerArgs` (name, inputShape, trainable, ...). */
export type MonDeqBaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Constructor arguments of `MonDEQLayer`. */
export interface MonDEQLayerArgs extends MonDeqBaseLayerArgs, MonDeqOptions {
  /** Width of the equilibrium z (the output width). */
  units: number;
  /** Monotonicity m in (0, 1]: I - W is m-strongly monotone. Default 0.1. */
  monotonicity?: number;
}

/**
 * Fully connected monotone operator equilibrium layer (Winston & Kolter 2020):
 * x [batch, features] -> z* [batch, units] with z* = relu(W z* + U' x + b),
 * W = (1 - m) I - A'A + B - B'. The equilibrium exists, is unique and the
 * splitting converges for every value of the weights. Weights: U (glorot),
 * b (zeros), A and B (uniform, variance 1/(3 units) as in the paper's linear
 * layers). Statistics of the last call: `lastStats`, `lastBackwardStats`.
 */
export class MonDEQLayer extends tf.layers.Layer {
  static className = 'MonDEQLayer';
  readonly units: number;
  readonly monotonicity: number;
  private readonly rawOptions: MonDeqOptions;
  private weightsU: tf.LayerVariable | undefined;
  private weightsB: tf.LayerVariable | undefined;
  private weightsA: tf.LayerVariable | undefined;
  private weightsBias: tf.LayerVariable | undefined;
  private inputDim: number | undefined;
  /** Forward statistics of the last call. */
  lastStats: FixedPointStats | undefined;
  /** Statistics of the last backward splitting. */
  lastBackwardStats: FixedPointStats | undefined;
  /** Step size and ||I - W||_2 of the last call. */
  lastAlpha: number | undefined;
  lastLipschitz: number | undefined;

  constructor(args: MonDEQLayerArgs) {
    super(args);
    rejectUnknownLayerKeys(args, ['units', 'monotonicity', ...MONDEQ_OPTION_KEYS], 'MonDEQLayer argument');
    checkIntegerInRange(args.units, 1, MAX_LAYER_WIDTH, 'MonDEQLayer: units');
    this.units = args.units;
    this.monotonicity = checkMonotonicity(args.monotonicity ?? 0.1);
    this.rawOptions = monDeqRawOptions(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const width = monDeqInputWidth(inputShape, `MonDEQLayer '${this.name}'`);
    const n = this.units;
    this.inputDim = width;
    const ab = tf.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform' });
    this.weightsU = this.addWeight('U', [width, n], 'float32', tf.initializers.glorotUniform({}));
    this.weightsBias = this.addWeight('b', [n], 'float32', tf.initializers.zeros());
    this.weightsA = this.addWeight('A', [n, n], 'float32', ab);
    this.weightsB = this.addWeight('B', [n, n], 'float32', ab);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (Array.isArray(inputs) && inputs.length !== 1) throw new ShapeError(`MonDEQLayer '${this.name}' takes one input, got ${inputs.length}`);
      const x = checkFloatTensor(Array.isArray(inputs) ? inputs[0] : inputs, `MonDEQLayer '${this.name}' input`) as tf.Tensor2D;
      if (x.rank !== 2) throw new ShapeError(`MonDEQLayer '${this.name}': input must be [batch, features], got [${x.shape.join(', ')}]`);
      if (this.inputDim !== undefined && x.shape[1] !== this.inputDim) {
        throw new ShapeError(`MonDEQLayer '${this.name}' was built for inputs of width ${this.inputDim}, got [${x.shape.join(', ')}]`);
      }
      const result = monDeq(
        x,
        {
          U: this.weightsU!.read() as tf.Tensor2D,
          b: this.weightsBias!.read() as tf.Tensor1D,
          A: this.weightsA!.read() as tf.Tensor2D,
          B: this.weightsB!.read() as tf.Tensor2D,
        },
        this.monotonicity,
        this.rawOptions,
        (s) => (this.lastBackwardStats = s),
      );
      this.lastStats = result.stats;
      this.lastAlpha = result.alpha;
      this.lastLipschitz = result.lipschitz;
      return result.z;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...monDeqConfig(this.units, this.monotonicity, this.rawOptions) };
  }

  /** Rebuilds the layer from a saved config, undoing tfjs's camelCasing of enumerated values ('peaceman_rachford'). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(monDeqArgsFromConfig(config));
  }
}
registerLayer(MonDEQLayer);

/** Creates a `MonDEQLayer` (see `MonDEQLayerArgs`). */
export function monDeqLayer(args: MonDEQLayerArgs): MonDEQLayer {
  return new MonDEQLayer(args);
}
