import * as tf from '@tensorflow/tfjs';
import { ShapeError, UnsupportedError, ValueError } from '../../solvers/errors.js';
import { MAX_LAYER_WIDTH, assertFiniteRows, checkFloatTensor, checkIntegerInRange, rejectUnknownLayerKeys } from '../options_check.js';
import { registerLayer, restoreEnum } from '../serialization.js';
import type { SampleFailurePolicy } from './sample_policy.js';
import { callUserCell, cellFromLayer, checkedCellOutput, type DeqCell, type DeqCellInput } from './deq_cell.js';
import { deqWithCell } from './deq_function.js';
import { FIXED_POINT_SOLVERS, resolveDeqOptions, type DeqBackwardOptions, type FixedPointOptions, type ResolvedDeqOptions } from './deq_options.js';
import type { FixedPointStats } from './fixed_point_monitor.js';
import {
  jacobianFrobeniusEstimate,
  resolveJacobianRegularization,
  type JacobianRegularizationOptions,
  type ResolvedJacobianRegularization,
} from './jacobian_regularization.js';

/** A tfjs weight initializer (what `tf.initializers.*` return). */
export type DeqInitializer = ReturnType<typeof tf.initializers.zeros>;

/** The base `LayerArgs` of tfjs layers (name, inputShape, trainable, ...). */
export type DeqBaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/**
 * A cell written as a function whose weights the `DEQLayer` creates and owns
 * (so they train with `model.fit` and save with the model; the function
 * itself cannot be serialized).
 */
export interface DeqFunctionCell {
  /** Weights to create in `build`; `shape` may depend on the input width and units. */
  readonly weights: ReadonlyArray<{
    /** The weight's name (unique within the cell). */
    name: string;
    /** The weight's shape as a function of the input width and the number of units. */
    shape: (inputDim: number, units: number) => number[];
    /** Its initializer (default Glorot uniform). */
    initializer?: DeqInitializer;
  }>;
  /** f(z, x) with the weight values in declaration order. */
  apply(z: tf.Tensor2D, x: tf.Tensor2D, weights: readonly tf.Tensor[]): tf.Tensor2D;
}

/** Constructor arguments of `DEQLayer`. */
export interface DEQLayerArgs extends DeqBaseLayerArgs {
  /** Width of the equilibrium state z (the layer's output width). */
  units: number;
  /**
   * The cell f(z, x): a tfjs layer or model (fed concat([z, x], -1) or [z, x],
   * see `cellInput`) or a `DeqFunctionCell`. Default: a dense tanh layer,
   * f(z, x) = tanh([z, x] K + b), with a variance-scaling init (scale 0.25) so
   * that f starts contractive.
   */
  cell?: tf.layers.Layer | DeqFunctionCell;
  /** How a layer cell receives (z, x). Default `'concat'`. */
  cellInput?: DeqCellInput;
  /** Forward solver options (default Anderson, m = 5, 50 iterations, relTol 1e-4). */
  forward?: FixedPointOptions;
  /** Backward mode and options (default implicit). */
  backward?: DeqBackwardOptions;
  /** Hutchinson Jacobian penalty added to the model's losses during training. Default none. */
  jacobianRegularization?: JacobianRegularizationOptions;
  /** What a sample whose solve goes non-finite does (see `SampleFailurePolicy`); default 'throw'. Per-sample statuses are in `lastStats.statuses`. */
  onSolverFailure?: SampleFailurePolicy;
}

const OWN_KEYS = ['units', 'cell', 'cellInput', 'forward', 'backward', 'jacobianRegularization', 'onSolverFailure'];

/**
 * Deep equilibrium layer (Bai, Kolter & Koltun 2019): maps x [batch, features]
 * to z* [batch, units] with z* = f(z*, x), solved without a tape and
 * differentiated implicitly (or by phantom / Jacobian-free gradients; see
 * `deq`). The cell's weights are this layer's weights. Statistics of the last
 * call are in `lastStats` (forward) and `lastBackwardStats` (implicit backward).
 */
export class DEQLayer extends tf.layers.Layer {
  static className = 'DEQLayer';
  readonly units: number;
  readonly cellInput: DeqCellInput;
  private readonly options: ResolvedDeqOptions;
  private readonly rawForward: FixedPointOptions;
  private readonly rawBackward: DeqBackwardOptions;
  private readonly jacobian: ResolvedJacobianRegularization | undefined;
  private readonly cellLayer: tf.layers.Layer | undefined;
  private readonly functionCell: DeqFunctionCell | undefined;
  private functionWeights: tf.LayerVariable[] = [];
  private deqCell: DeqCell | undefined;
  private stash: { x: tf.Tensor2D; z: tf.Tensor2D } | undefined;
  private inputDim: number | undefined;
  private jacobianCalls = 0;
  /** Forward statistics of the last call. */
  lastStats: FixedPointStats | undefined;
  /** Statistics of the last implicit backward solve. */
  lastBackwardStats: FixedPointStats | undefined;
  /** Value of the last evaluated Jacobian penalty (before weighting), for logging. */
  lastJacobianEstimate: number | undefined;

  constructor(args: DEQLayerArgs) {
    super(args);
    rejectUnknownLayerKeys(args, OWN_KEYS, 'DEQLayer argument');
    checkIntegerInRange(args.units, 1, MAX_LAYER_WIDTH, 'DEQLayer: units');
    this.units = args.units;
    this.cellInput = args.cellInput ?? 'concat';
    if (this.cellInput !== 'concat' && this.cellInput !== 'list') throw new ValueError(`DEQLayer: cellInput must be 'concat' or 'list', got '${String(this.cellInput)}'`);
    this.rawForward = args.forward ?? {};
    this.rawBackward = args.backward ?? {};
    this.options = resolveDeqOptions({ forward: this.rawForward, backward: this.rawBackward, onSolverFailure: args.onSolverFailure });
    if (args.cell !== undefined && !(args.cell instanceof tf.layers.Layer) && !(typeof args.cell === 'object' && args.cell !== null && typeof (args.cell as DeqFunctionCell).apply === 'function' && Array.isArray((args.cell as DeqFunctionCell).weights))) {
      throw new ValueError('DEQLayer: cell must be a tfjs layer/model or a DeqFunctionCell {weights, apply}');
    }
    this.jacobian = args.jacobianRegularization ? resolveJacobianRegularization(args.jacobianRegularization) : undefined;
    const cell =
      args.cell ??
      tf.layers.dense({
        units: args.units,
        activation: 'tanh',
        kernelInitializer: tf.initializers.varianceScaling({ scale: 0.25, mode: 'fanAvg', distribution: 'uniform' }),
      });
    if (cell instanceof tf.layers.Layer) this.cellLayer = cell;
    else this.functionCell = cell;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length !== 2 || shape[1] == null) throw new ShapeError(`DEQLayer '${this.name}': input must be [batch, features], got [${shape.join(', ')}]`);
    const inputDim = shape[1];
    this.inputDim = inputDim;
    if (this.cellLayer) {
      const layer = this.cellLayer;
      tf.tidy(() => {
        const z = tf.zeros([1, this.units]) as tf.Tensor2D;
        const x = tf.zeros([1, inputDim]) as tf.Tensor2D;
        // tfjs rejects a cell that does not take this input with its own (untyped) error: name the mismatch instead.
        callUserCell(() => layer.apply(this.cellInput === 'concat' ? tf.concat([z, x], 1) : [z, x]) as unknown as tf.Tensor2D, z, x);
      });
      this.deqCell = cellFromLayer(layer, this.cellInput);
    } else {
      const fc = this.functionCell!;
      this.functionWeights = fc.weights.map((w) =>
        this.addWeight(w.name, w.shape(inputDim, this.units), 'float32', w.initializer ?? tf.initializers.glorotUniform({})),
      );
      this.deqCell = {
        apply: (z, x) => checkedCellOutput(callUserCell(() => fc.apply(z, x, this.functionWeights.map((v) => v.read())), z, x), z),
        variables: () => this.functionWeights.filter((v) => v.trainable).map((v) => v.read()),
      };
    }
    if (this.jacobian && this.jacobian.weight > 0) this.addLoss(() => this.jacobianLoss());
    this.built = true;
  }

  /**
   * The built cell f(z, x) and the resolved solver options, for code that runs
   * its own equilibrium on this layer (src/deq/joint); undefined before `build`.
   */
  get equilibrium(): { readonly cell: DeqCell; readonly options: ResolvedDeqOptions } | undefined {
    return this.deqCell ? { cell: this.deqCell, options: this.options } : undefined;
  }

  override get trainableWeights(): tf.LayerVariable[] {
    if (!this.trainable) return [];
    return [...(this.cellLayer?.trainableWeights ?? []), ...super.trainableWeights];
  }

  override set trainableWeights(weights: tf.LayerVariable[]) {
    super.trainableWeights = weights;
  }

  override get nonTrainableWeights(): tf.LayerVariable[] {
    const cellWeights = this.cellLayer ? (this.trainable ? this.cellLayer.nonTrainableWeights : this.cellLayer.weights) : [];
    return [...cellWeights, ...super.nonTrainableWeights];
  }

  override set nonTrainableWeights(weights: tf.LayerVariable[]) {
    super.nonTrainableWeights = weights;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (Array.isArray(inputs) && inputs.length !== 1) throw new ShapeError(`DEQLayer '${this.name}' takes one input, got ${inputs.length}`);
      const x = checkFloatTensor(Array.isArray(inputs) ? inputs[0] : inputs, `DEQLayer '${this.name}' input`) as tf.Tensor2D;
      if (x.rank !== 2) throw new ShapeError(`DEQLayer '${this.name}': input must be [batch, features], got [${x.shape.join(', ')}]`);
      if (this.inputDim !== undefined && x.shape[1] !== this.inputDim) {
        throw new ShapeError(`DEQLayer '${this.name}' was built for inputs of width ${this.inputDim}, got [${x.shape.join(', ')}]`);
      }
      // NaN/Inf input is the caller's data, not a numerical failure: name the row at once.
      assertFiniteRows(x, `DEQLayer '${this.name}' input`);
      const result = deqWithCell(this.deqCell!, x, this.options, this.units, undefined, (s) => (this.lastBackwardStats = s));
      this.lastStats = result.stats;
      this.stash = { x, z: result.z };
      return result.z;
    });
  }

  /**
   * The weighted Jacobian penalty gamma ||J_f(z*)||_F^2 / dim at the last call's
   * equilibrium (z* detached), evaluated every `frequency`-th time it is asked
   * for and 0 otherwise. Registered as a layer loss, so `model.fit` adds it.
   */
  jacobianLoss(): tf.Scalar {
    const j = this.jacobian;
    const stash = this.stash;
    if (!j || j.weight === 0 || !stash || stash.x.isDisposed || stash.z.isDisposed) return tf.scalar(0);
    if (this.jacobianCalls++ % j.frequency !== 0) return tf.scalar(0);
    return tf.tidy(() => {
      const zDetached = tf.tensor2d(stash.z.dataSync() as Float32Array, stash.z.shape);
      const estimate = jacobianFrobeniusEstimate(this.deqCell!, zDetached, stash.x, j.samples);
      this.lastJacobianEstimate = estimate.dataSync()[0];
      return tf.mul(estimate, j.weight) as tf.Scalar;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    if (!this.cellLayer) {
      throw new UnsupportedError(`DEQLayer '${this.name}': a function cell cannot be serialized; use a tfjs layer or model as the cell`);
    }
    const config: tf.serialization.ConfigDict = {
      units: this.units,
      cellInput: this.cellInput,
      cell: { className: this.cellLayer.getClassName(), config: this.cellLayer.getConfig() },
      forward: { ...this.rawForward } as tf.serialization.ConfigDict,
      backward: JSON.parse(JSON.stringify(this.rawBackward)) as tf.serialization.ConfigDict,
      onSolverFailure: this.options.onSolverFailure,
    };
    if (this.jacobian) config['jacobianRegularization'] = { ...this.jacobian };
    return { ...super.getConfig(), ...config };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const cellSpec = config['cell'] as { className: string; config: tf.serialization.ConfigDict } | undefined;
    const args: Record<string, unknown> = { ...config };
    // tfjs camelCases string values on load ('fixed_point' -> 'fixedPoint').
    args['forward'] = restoreSolverName(config['forward']);
    const backward = config['backward'];
    if (backward !== null && typeof backward === 'object' && !Array.isArray(backward)) {
      args['backward'] = { ...backward, solver: restoreSolverName((backward as Record<string, unknown>)['solver']) };
      if ((backward as Record<string, unknown>)['solver'] === undefined) delete (args['backward'] as Record<string, unknown>)['solver'];
    }
    if (cellSpec) {
      const entry = tf.serialization.SerializationMap.getMap().classNameMap[cellSpec.className];
      if (!entry) throw new ValueError(`DEQLayer.fromConfig: unknown cell class '${cellSpec.className}' (is it registered?)`);
      const [ctor, fromConfig] = entry;
      args['cell'] = fromConfig(ctor, cellSpec.config);
    }
    return new cls(args);
  }
}
registerLayer(DEQLayer);

/** A fixed-point options object from a loaded config with its solver name restored to snake_case. */
export function restoreSolverName(options: unknown): unknown {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return options;
  const o = options as Record<string, unknown>;
  return o['solver'] === undefined ? o : { ...o, solver: restoreEnum(o['solver'], FIXED_POINT_SOLVERS) };
}

/** Creates a `DEQLayer` (see `DEQLayerArgs`). */
export function deqLayer(args: DEQLayerArgs): DEQLayer {
  return new DEQLayer(args);
}
