import * as tf from '@tensorflow/tfjs';
import type { ShapedRef } from '../../dsl/compiled_problem.js';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import { Problem } from '../../dsl/index.js';
import { rejectUnknownLayerKeys } from '../options_check.js';
import { readName, registerLayer, storeName, type StoredName } from '../serialization.js';
import { ConvexTensorMap } from './convex_tensor_map.js';
import type { ConvexLayerOptions } from './convex_options.js';
import { problemRefs, type ConvexProblem } from './problem_access.js';
import { registeredProblem } from './problem_registry.js';
import type { ConvexBackwardStats, ConvexCallStats } from './solution_map.js';
import { readNames, readWeightParameters, serializeInitializer, toInitializer, type StoredWeightParameter, type WeightInitializer } from './weight_parameters.js';

export type { StoredWeightParameter, WeightInitializer } from './weight_parameters.js';

import type { BaseLayerArgs, LayerShape } from '../icnn/layer_types.js';

/** Arguments of `ConvexProgramLayer`. */
export interface ConvexProgramLayerArgs extends BaseLayerArgs {
  /**
   * The problem: the name it was registered under with `registerProblem`
   * (needed for serialization), or the DSL problem itself (then `getConfig` throws).
   */
  problem: string | ConvexProblem | StoredName;
  /** Names of the parameters fed as layer inputs, in input order; each input carries a leading batch dimension. */
  inputParameters: (string | StoredName)[];
  /**
   * Names of the parameters held as trainable weights (shared by the batch),
   * with their initializers (default 'zeros'). Together with
   * `inputParameters` they must cover every parameter exactly once.
   */
  weightParameters?: Record<string, WeightInitializer> | StoredWeightParameter[];
  /** Names of the variables the layer outputs (one output per name). */
  outputVariables: (string | StoredName)[];
  /** Solver options (tolerance, route, failure policy, ...); must be JSON-serializable to save the layer. */
  solverOptions?: ConvexLayerOptions;
}

const OWN_KEYS = ['problem', 'inputParameters', 'weightParameters', 'outputVariables', 'solverOptions'];

/**
 * The `tf.layers.Layer` form of a convex optimization layer (Agrawal et al.,
 * "Differentiable Convex Optimization Layers", 2019): some problem parameters
 * are trainable weights (shared by the batch, gradients summed), the rest are
 * layer inputs with a leading batch dimension; the outputs are the optimal
 * values of the chosen variables, [batch, ...variable shape]. Serializable
 * when the problem is given by a name registered with `registerProblem`.
 * Works in `tf.sequential`, `tf.model` and `model.fit`.
 *
 * `ConvexLayer` now does the same (`parameters` as inputs, `weightParameters`,
 * `variables`, duals, solver options at the top level) and also works as a
 * function; this class stays so existing code and saved models keep working.
 */
export class ConvexProgramLayer extends tf.layers.Layer {
  static readonly className = 'ConvexProgramLayer';
  /** The wrapped tensor-level map (its `lastStats` reports the latest solve). */
  readonly convex: ConvexTensorMap;
  private readonly problemName: string | undefined;
  private readonly inputNames: string[];
  private readonly weightInits: Record<string, WeightInitializer>;
  private readonly outputNames: string[];
  private readonly solverOptions: ConvexLayerOptions;
  private readonly refs: Map<string, ShapedRef>;
  private readonly outputRefs: ShapedRef[];
  private paramWeights: tf.LayerVariable[] = [];

  constructor(args: ConvexProgramLayerArgs) {
    super(args);
    rejectUnknownLayerKeys(args, OWN_KEYS, 'ConvexProgramLayer argument');
    if (args.problem instanceof Problem) {
      this.problemName = undefined;
    } else {
      this.problemName = readName(args.problem, 'ConvexProgramLayer problem (a registered name or a Problem)');
    }
    const problem = this.problemName === undefined ? (args.problem as ConvexProblem) : registeredProblem(this.problemName);
    this.inputNames = readNames(args.inputParameters, 'ConvexProgramLayer inputParameters');
    this.weightInits = readWeightParameters(args.weightParameters, 'ConvexProgramLayer');
    this.outputNames = readNames(args.outputVariables, 'ConvexProgramLayer outputVariables');
    if (args.solverOptions !== undefined && (typeof args.solverOptions !== 'object' || args.solverOptions === null)) {
      throw new ValueError('ConvexProgramLayer solverOptions must be an object');
    }
    this.solverOptions = { ...(args.solverOptions ?? {}) };
    if (this.inputNames.length === 0) throw new ValueError('ConvexProgramLayer needs at least one entry in inputParameters');
    if (this.outputNames.length === 0) throw new ValueError('ConvexProgramLayer needs at least one entry in outputVariables');
    const { parameters, variables } = problemRefs(problem);
    this.refs = new Map(parameters.map((p) => [p.name, p]));
    const lookup = (name: string, kind: 'parameter' | 'variable'): ShapedRef => {
      const found = (kind === 'parameter' ? parameters : variables).filter((r) => r.name === name);
      if (found.length === 0) throw new ValueError(`ConvexProgramLayer: the problem has no ${kind} named '${name}'`);
      if (found.length > 1) throw new ValueError(`ConvexProgramLayer: the problem has ${found.length} ${kind}s named '${name}'; give them distinct names`);
      return found[0]!;
    };
    const ordered = [...this.inputNames, ...Object.keys(this.weightInits)].map((n) => lookup(n, 'parameter'));
    this.outputRefs = this.outputNames.map((n) => lookup(n, 'variable'));
    this.convex = new ConvexTensorMap(problem, { ...this.solverOptions, parameters: ordered, variables: this.outputRefs });
  }

  /** Per batch element statuses, messages, iterations, route and policy of the latest call (see `ConvexTensorMap.lastStats`). */
  get lastStats(): ConvexCallStats | undefined {
    return this.convex.lastStats;
  }

  /** Per batch element outcome of the latest backward pass (see `ConvexTensorMap.lastBackwardStats`). */
  get lastBackwardStats(): ConvexBackwardStats | undefined {
    return this.convex.lastBackwardStats;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as LayerShape[];
    if (shapes.length !== this.inputNames.length) {
      throw new ShapeError(`ConvexProgramLayer '${this.name}' expects ${this.inputNames.length} inputs (${this.inputNames.join(', ')}), got ${shapes.length}`);
    }
    shapes.forEach((s, i) => {
      const want = this.refs.get(this.inputNames[i]!)!.shape;
      const got = s.slice(1);
      if (got.length !== want.length || got.some((d, k) => d !== null && d !== want[k])) {
        throw new ShapeError(`ConvexProgramLayer input '${this.inputNames[i]}' must be [batch, ${want.join(', ')}], got [${s.join(', ')}]`);
      }
    });
    this.paramWeights = Object.entries(this.weightInits).map(([name, init]) =>
      this.addWeight(name, [...this.refs.get(name)!.shape], 'float32', toInitializer(init, `weight parameter '${name}'`)),
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const xs = Array.isArray(inputs) ? inputs : [inputs];
      const out = this.convex.apply([...xs, ...this.paramWeights.map((w) => w.read())]);
      return out.length === 1 ? out[0]! : out;
    });
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as LayerShape;
    const shapes = this.outputRefs.map((r) => [first[0] ?? null, ...r.shape]);
    return shapes.length === 1 ? shapes[0]! : shapes;
  }

  override getConfig(): tf.serialization.ConfigDict {
    if (this.problemName === undefined) {
      throw new ValueError(`ConvexProgramLayer '${this.name}' was built from a problem object; register it with registerProblem(name, factory) and pass the name to serialize the layer`);
    }
    // Names go in {name} wrappers: tfjs re-cases every other string and key on save/load (see `StoredName`).
    const weights = Object.entries(this.weightInits).map(([name, init]) => ({ name, initializer: serializeInitializer(init) }));
    return {
      ...super.getConfig(),
      problem: storeName(this.problemName) as unknown as tf.serialization.ConfigDict,
      inputParameters: this.inputNames.map(storeName) as unknown as tf.serialization.ConfigDict[],
      weightParameters: weights as unknown as tf.serialization.ConfigDict[],
      outputVariables: this.outputNames.map(storeName) as unknown as tf.serialization.ConfigDict[],
      solverOptions: this.solverOptions as tf.serialization.ConfigDict,
    };
  }
}

/** Creates a `ConvexProgramLayer` (see there). */
export function convexProgramLayer(args: ConvexProgramLayerArgs): ConvexProgramLayer {
  return new ConvexProgramLayer(args);
}

registerLayer(ConvexProgramLayer);
