import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import { checkNonNegative, checkHiddenUnits, lastDim, subSeed } from '../icnn/icnn_weights.js';
import type { BaseLayerArgs, LayerShape } from '../icnn/layer_types.js';
import { registerLayer } from '../serialization.js';
import { LYAPUNOV_KEYS, LyapunovFunction, type LyapunovFunctionArgs } from './lyapunov_function.js';
import { checkLayerInput, rejectUnknownLayerKeys } from '../options_check.js';
import { deserializeNestedLayer, serializeNestedLayer } from './nested_layer.js';
import { stableProjection } from './stable_projection.js';

/** Activations accepted for the default nominal network fhat. */
export type NominalActivation = 'tanh' | 'relu' | 'softplus' | 'elu' | 'sigmoid';

const NOMINAL_ACTIVATIONS: readonly NominalActivation[] = ['tanh', 'relu', 'softplus', 'elu', 'sigmoid'];

/** Options of the `StableDynamics` layer. */
export interface StableDynamicsArgs extends BaseLayerArgs {
  /**
   * Nominal dynamics fhat: any tfjs layer or model mapping [batch, n] to
   * [batch, n]. Default: a multilayer perceptron (`nominalUnits`,
   * `nominalActivation`, linear output) created when the layer is built.
   */
  nominal?: tf.layers.Layer;
  /** Hidden widths of the default nominal network. Default [64, 64]. */
  nominalUnits?: number[];
  /** Hidden activation of the default nominal network. Default 'tanh'. */
  nominalActivation?: NominalActivation;
  /** Lyapunov function V. Default: a `LyapunovFunction` built from `lyapunovArgs`. */
  lyapunov?: LyapunovFunction;
  /** Options of the default Lyapunov function (see `LyapunovFunctionArgs`). Default {}. */
  lyapunovArgs?: LyapunovFunctionArgs;
  /**
   * Use fhat(x) = net(x) - net(0), so f(0) = 0. Without it, f(0) = net(0) is
   * generally non-zero while grad V(0) = 0: near 0 the projected field keeps
   * the tangential part of net(0) at full speed on ever smaller level sets of V
   * (f is discontinuous at 0), so fixed-step integrators (RK4) overshoot and
   * raise V near rest. Default true.
   */
  centerNominal?: boolean;
  /** Guaranteed exponential decay rate: grad V . f <= -alpha V. Default 0.01. */
  alpha?: number;
  /** Seed for the default sub-networks' initializers. Default: random. */
  seed?: number;
}

/** The parts of one evaluation of the stable dynamics, all batched. */
export interface StableDynamicsParts {
  /** f(x), the projected (stable) dynamics, [batch, n]. */
  readonly f: tf.Tensor2D;
  /** fhat(x), the (centred, see `centerNominal`) nominal dynamics, [batch, n]. */
  readonly nominal: tf.Tensor2D;
  /** V(x), [batch, 1]. */
  readonly value: tf.Tensor2D;
  /** grad V(x), [batch, n]. */
  readonly gradient: tf.Tensor2D;
}

/**
 * Dynamics model that is globally exponentially stable by construction
 * (Manek & Kolter, "Learning Stable Deep Dynamics Models", NeurIPS 2019,
 * eq. 11): given a nominal network fhat and a Lyapunov function V,
 *
 *   f(x) = fhat(x) - grad V(x) relu(grad V(x) . fhat(x) + alpha V(x)) / |grad V(x)|^2
 *
 * with fhat(x) = net(x) - net(0) by default (`centerNominal`, so f(0) = 0).
 * Then dV/dt = grad V . f <= -alpha V along every trajectory of xdot = f(x),
 * for any weights. grad V comes from an explicit reverse sweep through V's
 * network inside the forward pass (`LyapunovFunction.valueAndGradient`), so
 * training differentiates through it (second-order in V); all weights
 * of fhat and V are this layer's weights and train with `model.fit` or
 * `tf.variableGrads`. Maps states [batch, n] to time derivatives [batch, n].
 */
export class StableDynamics extends tf.layers.Layer {
  static readonly className = 'StableDynamics';
  readonly alpha: number;
  readonly centerNominal: boolean;
  readonly nominalUnits: number[];
  readonly nominalActivation: NominalActivation;
  readonly seed: number | undefined;
  readonly lyapunov: LyapunovFunction;
  private nominalLayer: tf.layers.Layer | undefined;
  /** A saved nominal network to rebuild inside `build` (see `fromConfig`). */
  private nominalSpec: unknown;
  /** True when the nominal network was built by this layer's `build` (so its weights carry this layer's name scope). */
  private nominalBuiltHere = false;
  private stateDim = 0;

  constructor(args: StableDynamicsArgs = {}) {
    super(args);
    rejectUnknownLayerKeys(args, ['nominal', 'nominalUnits', 'nominalActivation', 'lyapunov', 'lyapunovArgs', 'centerNominal', 'alpha', 'seed', 'nominalSpec', 'nominalBuiltInside'], 'StableDynamics argument');
    if (args.lyapunovArgs !== undefined) rejectUnknownLayerKeys(args.lyapunovArgs, LYAPUNOV_KEYS, 'StableDynamics lyapunovArgs');
    this.alpha = checkNonNegative(args.alpha ?? 0.01, 'StableDynamics alpha');
    if (args.centerNominal !== undefined && typeof args.centerNominal !== 'boolean') throw new ValueError(`StableDynamics centerNominal must be a boolean, got ${String(args.centerNominal)}`);
    this.centerNominal = args.centerNominal ?? true;
    this.nominalUnits = checkHiddenUnits(args.nominalUnits ?? [64, 64], 'StableDynamics nominalUnits');
    const act = args.nominalActivation ?? 'tanh';
    if (!NOMINAL_ACTIVATIONS.includes(act)) throw new ValueError(`StableDynamics nominalActivation must be one of ${NOMINAL_ACTIVATIONS.join(', ')}, got ${String(act)}`);
    this.nominalActivation = act;
    this.seed = args.seed;
    if (args.lyapunov !== undefined && !(args.lyapunov instanceof LyapunovFunction)) {
      throw new ValueError(`StableDynamics lyapunov must be a LyapunovFunction layer`);
    }
    this.lyapunov = args.lyapunov ?? new LyapunovFunction({ seed: subSeed(args.seed, 1), ...args.lyapunovArgs });
    // null counts as "not given" (a config may hold it); anything else that is not a layer would fail at call time with a TypeError.
    if (args.nominal !== undefined && args.nominal !== null && !(args.nominal instanceof tf.layers.Layer)) {
      throw new ValueError(`StableDynamics nominal must be a tfjs layer or model mapping [batch, n] to [batch, n], got ${typeof args.nominal}`);
    }
    this.nominalLayer = args.nominal ?? undefined;
    this.nominalSpec = (args as { nominalSpec?: unknown }).nominalSpec;
  }

  /** The nominal network fhat (created at build time when not given). */
  get nominal(): tf.layers.Layer {
    if (this.nominalLayer === undefined) throw new ValueError(`StableDynamics '${this.name}' is not built yet: its default nominal network is created at build time`);
    return this.nominalLayer;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    const n = lastDim(shape, `StableDynamics '${this.name}' input`);
    this.stateDim = n;
    // A nominal network created (or deserialized) here gets its weights named
    // inside this layer's name scope, as the saved weights were: rebuilding it
    // in fromConfig instead (outside the scope) left the loader with
    // "no target variable" for every nominal weight.
    if (this.nominalLayer === undefined && this.nominalSpec !== undefined) {
      this.nominalLayer = deserializeNestedLayer(this.nominalSpec, 'StableDynamics config.nominal');
      this.nominalBuiltHere = true;
    }
    if (this.nominalLayer === undefined) {
      this.nominalLayer = this.defaultNominal(n);
      this.nominalBuiltHere = true;
    }
    if (!this.nominalLayer.built) this.nominalBuiltHere = true;
    tf.tidy(() => {
      const probe = this.nominal.apply(tf.zeros([1, n])) as tf.Tensor;
      if (probe.rank !== 2 || probe.shape[1] !== n) {
        throw new ShapeError(`StableDynamics '${this.name}': the nominal network must map [batch, ${n}] to [batch, ${n}], got [${probe.shape.join(', ')}]`);
      }
    });
    if (!this.lyapunov.built) {
      this.lyapunov.build([null, n]);
      this.lyapunov.built = true;
    }
    this.built = true;
  }

  private defaultNominal(n: number): tf.Sequential {
    const layers = this.nominalUnits.map((units, i) =>
      tf.layers.dense({
        units,
        activation: this.nominalActivation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: subSeed(this.seed, 10 + i) }),
        ...(i === 0 ? { inputShape: [n] } : {}),
      }),
    );
    layers.push(tf.layers.dense({ units: n, kernelInitializer: tf.initializers.glorotUniform({ seed: subSeed(this.seed, 9) }) }));
    return tf.sequential({ layers });
  }

  override get trainableWeights(): tf.LayerVariable[] {
    if (!this.trainable) return [];
    return [...(this.nominalLayer?.trainableWeights ?? []), ...(this.lyapunov?.trainableWeights ?? [])];
  }

  override get nonTrainableWeights(): tf.LayerVariable[] {
    const subs = [this.nominalLayer, this.lyapunov].filter((l): l is tf.layers.Layer => l !== undefined);
    return subs.flatMap((l) => (this.trainable ? l.nonTrainableWeights : l.weights));
  }

  /** f(x), fhat(x), V(x) and grad V(x) for states x [batch, n] (the layer must be built). */
  evaluateParts(x: tf.Tensor2D): StableDynamicsParts {
    if (x.rank !== 2 || x.shape[1] !== this.stateDim) {
      throw new ShapeError(`StableDynamics '${this.name}' expects states of shape [batch, ${this.stateDim}], got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const nominal = this.nominalField(x);
      const { value, gradient } = this.lyapunov.valueAndGradient(x);
      const f = stableProjection(nominal, value, gradient, this.alpha);
      return { f, nominal, value, gradient };
    });
  }

  /** fhat(x) = net(x) [- net(0)], one network call on [0; x] when centred. */
  private nominalField(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      if (!this.centerNominal) return this.nominal.apply(x) as tf.Tensor2D;
      const both = this.nominal.apply(tf.concat([tf.zeros([1, this.stateDim]), x], 0)) as tf.Tensor2D;
      const [atZero, atX] = tf.split(both, [1, x.shape[0]], 0);
      return tf.sub(atX!, atZero!) as tf.Tensor2D;
    });
  }

  /** f(x) for states x [batch, n] (the layer must be built). */
  evaluate(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.evaluateParts(x).f);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (Array.isArray(inputs) && inputs.length !== 1) throw new ShapeError(`StableDynamics '${this.name}' takes one input, got ${inputs.length}`);
    const x = checkLayerInput(Array.isArray(inputs) ? inputs[0] : inputs, `StableDynamics '${this.name}' input`, this.stateDim);
    return tf.tidy(() => this.evaluate(x));
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    return [shape[0] ?? null, shape[1] ?? null];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      alpha: this.alpha,
      centerNominal: this.centerNominal,
      nominalUnits: this.nominalUnits,
      nominalActivation: this.nominalActivation,
      lyapunov: serializeNestedLayer(this.lyapunov) as unknown as tf.serialization.ConfigDict,
    };
    if (this.nominalLayer !== undefined) {
      config['nominal'] = serializeNestedLayer(this.nominalLayer) as unknown as tf.serialization.ConfigDict;
      config['nominalBuiltInside'] = this.nominalBuiltHere;
    }
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }

  /** Rebuilds the layer, deserializing the nested nominal network and Lyapunov function. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { nominalBuiltInside, ...rest } = config;
    const args: Record<string, unknown> = { ...rest };
    if (config['nominal'] !== undefined) {
      delete args['nominal'];
      // Rebuilt where it was first built, so its weight names match the saved ones.
      if (nominalBuiltInside === true) args['nominalSpec'] = config['nominal'];
      else args['nominal'] = deserializeNestedLayer(config['nominal'], 'StableDynamics config.nominal');
    }
    args['lyapunov'] = deserializeNestedLayer(config['lyapunov'], 'StableDynamics config.lyapunov');
    return new cls(args);
  }
}

/** Creates a `StableDynamics` layer (Lyapunov-stable learned dynamics). */
export function stableDynamics(args: StableDynamicsArgs = {}): StableDynamics {
  return new StableDynamics(args);
}

registerLayer(StableDynamics);
