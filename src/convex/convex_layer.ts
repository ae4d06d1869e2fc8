import * as tf from '@tensorflow/tfjs';
import type { ShapedRef } from '../../dsl/compiled_problem.js';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import type { BaseLayerArgs, LayerShape } from '../icnn/layer_types.js';
import { checkFloatTensor, rejectUnknownLayerKeys } from '../options_check.js';
import { readName, registerLayer, storeName, type StoredName } from '../serialization.js';
import { CONVEX_OPTION_KEYS, type ConvexLayerOptions } from './convex_options.js';
import { ConvexTensorMap } from './convex_tensor_map.js';
import { problemRefs, type ConvexProblem } from './problem_access.js';
import { registeredProblem } from './problem_registry.js';
import type { ConvexBackwardStats, ConvexCallStats, ConvexSolutionMap } from './solution_map.js';
import { readWeightParameters, serializeInitializer, toInitializer, type StoredWeightParameter, type WeightInitializer } from './weight_parameters.js';

type Kwargs = Parameters<tf.layers.Layer['apply']>[1];
/** What `ConvexLayer.apply` takes: concrete tensors (function form) or symbolic ones (building a model). */
export type ConvexLayerInput = tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];

/** A parameter or variable of the problem: the DSL object, or its `name` (names are what a saved layer stores). */
export type ProblemRef = ShapedRef | string | StoredName;

/** A constraint whose dual the layer returns: the constraint object, or its index in `problem.constraints` (what a saved layer stores). */
export type DualRef = ShapedRef | number;

/** What a `ConvexLayer` maps and how it solves (everything but the problem). */
export interface ConvexLayerConfig extends ConvexLayerOptions {
  /**
   * The parameters fed as inputs, in input order. Together with
   * `weightParameters` they must cover every parameter of the problem once.
   * An input shaped like its parameter is shared by the batch; one with an
   * extra leading dimension gives one value per batch element.
   */
  parameters: readonly ProblemRef[];
  /**
   * Parameters held as trainable weights (shared by the batch, gradients
   * summed), by name, with their initializers (e.g. 'zeros', or
   * `{className: 'Constant', config: {value: 1}}`). Default none.
   */
  weightParameters?: Record<string, WeightInitializer> | StoredWeightParameter[];
  /** Variables whose optimal values are returned, in this order. */
  variables: readonly ProblemRef[];
  /** Constraints whose optimal duals are returned after the variables (forces the SCS route under 'auto'). Default none. */
  duals?: readonly DualRef[];
}

/** Arguments of the one-object form `new ConvexLayer({problem, parameters, variables, ...})` (the form tfjs deserialization uses). */
export interface ConvexLayerArgs extends BaseLayerArgs, ConvexLayerConfig {
  /**
   * The problem, or the name it was registered under with `registerProblem`
   * (needed to save the layer: `getConfig` stores only the name).
   */
  problem: ConvexProblem | string | StoredName;
}

const OWN_KEYS = ['problem', 'parameters', 'weightParameters', 'variables', 'duals', ...CONVEX_OPTION_KEYS];

const USAGE =
  'use new ConvexLayer(problem, {parameters, variables, ...options}) or new ConvexLayer({problem, parameters, variables, ...options}), ' +
  'with problem a DSL Problem or a name registered with registerProblem';

function isSymbolic(x: unknown): boolean {
  return x instanceof tf.SymbolicTensor;
}

function toArgs(problemOrArgs: ConvexProblem | ConvexLayerArgs, config: (ConvexLayerConfig & BaseLayerArgs) | undefined): ConvexLayerArgs {
  if (config !== undefined) {
    if (config === null || typeof config !== 'object') throw new ValueError(`ConvexLayer: the second argument must be an object; ${USAGE}`);
    if ('problem' in config) throw new ValueError(`ConvexLayer: the problem is given twice (first argument and config.problem); ${USAGE}`);
    return { ...config, problem: problemOrArgs as ConvexProblem };
  }
  if (problemOrArgs === null || typeof problemOrArgs !== 'object' || !('problem' in problemOrArgs)) {
    throw new ValueError(`ConvexLayer: missing the configuration ({parameters, variables}); ${USAGE}`);
  }
  return problemOrArgs;
}

function refName(ref: ProblemRef, what: string): string | undefined {
  if (typeof ref === 'string') return ref;
  if (ref !== null && typeof ref === 'object' && !('id' in ref)) return readName(ref, what);
  return undefined;
}

/**
 * A differentiable convex optimization layer (Agrawal, Amos, Barratt, Boyd,
 * Diamond, Kolter, "Differentiable Convex Optimization Layers", NeurIPS
 * 2019), as a `tf.layers.Layer`: given parameter values theta it returns the
 * solution of the DPP problem
 *   x*(theta) = argmin f(x; theta)  s.t.  constraints(x; theta)
 * for the requested variables (then constraint duals), and back-propagates
 * dl/dtheta through the solution map (`ConvexSolutionMap`, float64 inside,
 * float32 tensors outside).
 *
 * Two uses of the same object:
 * - **layer**: `model.add(new ConvexLayer(...))`, `layer.apply(symbolic)` in
 *   `tf.model`, `model.fit`; inputs are the `parameters` with a leading batch
 *   dimension, `weightParameters` are trainable weights. Serializable
 *   (`model.save`, `tf.loadLayersModel`) when the problem is a registered
 *   name and parameters/variables are named.
 * - **function**: `layer.apply([tensor, ...])` on concrete tensors returns
 *   an array with one tensor per output (even for one output, unlike other
 *   tfjs layers; `const [xStar] = layer.apply([a])`). A tensor shaped like
 *   its parameter is shared by the batch. Gradients flow through
 *   `tf.customGrad`, so `tf.grad`, `tf.variableGrads` and optimizers work.
 *
 * ```ts
 * const x = variable(n, 'x'); const a = parameter(n, 'a');
 * const problem = new Problem(minimize(sumSquares(x.sub(a))), [x.ge(0)]);
 * const layer = new ConvexLayer(problem, { parameters: [a], variables: [x] });
 * const [xStar] = layer.apply([aTensor]);              // function form
 * model.add(new ConvexLayer(problem, { parameters: [a], variables: [x] })); // layer form
 * ```
 *
 * Throws `DppError` (naming the sub-expression) when the problem is not DPP,
 * `ValueError` naming a missing, extra or repeated parameter, an unknown key
 * or a bad option (see `resolveConvexOptions`).
 */
export class ConvexLayer extends tf.layers.Layer {
  static readonly className = 'ConvexLayer';
  /** The tensor-level map (solve + custom gradient) the layer runs. */
  readonly engine: ConvexTensorMap;
  private readonly problem: ConvexProblem;
  private readonly problemName: string | undefined;
  private readonly inputRefs: readonly ShapedRef[];
  private readonly weightInits: Record<string, WeightInitializer>;
  private readonly weightRefs: readonly ShapedRef[];
  private readonly outputRefs: readonly ShapedRef[];
  private readonly dualRefs: readonly ShapedRef[];
  private readonly options: ConvexLayerOptions;
  private paramWeights: tf.LayerVariable[];

  constructor(args: ConvexLayerArgs);
  constructor(problem: ConvexProblem, config: ConvexLayerConfig & BaseLayerArgs);
  constructor(problemOrArgs: ConvexProblem | ConvexLayerArgs, config?: ConvexLayerConfig & BaseLayerArgs) {
    const args = toArgs(problemOrArgs, config);
    super(args);
    rejectUnknownLayerKeys(args, OWN_KEYS, 'ConvexLayer argument');
    this.paramWeights = [];
    const given = args.problem;
    if (typeof given === 'string' || (given !== null && typeof given === 'object' && !('objective' in given))) {
      this.problemName = readName(given, 'ConvexLayer problem (a Problem or a registered name)');
      this.problem = registeredProblem(this.problemName);
    } else {
      this.problemName = undefined;
      this.problem = given;
    }
    if (!Array.isArray(args.parameters)) throw new ValueError(`ConvexLayer 'parameters' must be an array of parameters (or names); ${USAGE}`);
    if (!Array.isArray(args.variables)) throw new ValueError(`ConvexLayer 'variables' must be an array of variables (or names); ${USAGE}`);
    const duals = args.duals ?? [];
    if (!Array.isArray(duals)) throw new ValueError('ConvexLayer duals must be an array of constraints (or constraint indices)');
    const named = [...args.parameters, ...args.variables].some((r) => refName(r as ProblemRef, 'ConvexLayer name') !== undefined);
    this.weightInits = readWeightParameters(args.weightParameters, 'ConvexLayer');
    const refs = named || Object.keys(this.weightInits).length > 0 ? problemRefs(this.problem) : undefined;
    const lookup = (r: ProblemRef, kind: 'parameter' | 'variable', what: string): ShapedRef => {
      const name = refName(r, what);
      if (name === undefined) return r as ShapedRef;
      const found = (kind === 'parameter' ? refs!.parameters : refs!.variables).filter((x) => x.name === name);
      if (found.length === 0) throw new ValueError(`ConvexLayer ${what}: the problem has no ${kind} named '${name}'`);
      if (found.length > 1) throw new ValueError(`ConvexLayer ${what}: the problem has ${found.length} ${kind}s named '${name}'; give them distinct names`);
      return found[0]!;
    };
    this.inputRefs = args.parameters.map((r, i) => lookup(r as ProblemRef, 'parameter', `parameters[${i}]`));
    this.weightRefs = Object.keys(this.weightInits).map((name) => lookup(name, 'parameter', `weightParameters.${name}`));
    this.outputRefs = args.variables.map((r, i) => lookup(r as ProblemRef, 'variable', `variables[${i}]`));
    this.dualRefs = duals.map((d, i) => {
      if (typeof d !== 'number') return d;
      const c = this.problem.constraints[d];
      if (!Number.isInteger(d) || c === undefined) {
        throw new ValueError(`ConvexLayer duals[${i}] = ${d} is not an index of the problem's ${this.problem.constraints.length} constraints`);
      }
      return c;
    });
    const options: Record<string, unknown> = {};
    for (const key of CONVEX_OPTION_KEYS) if ((args as unknown as Record<string, unknown>)[key] !== undefined) options[key] = (args as unknown as Record<string, unknown>)[key];
    this.options = options as ConvexLayerOptions;
    this.engine = new ConvexTensorMap(this.problem, {
      ...this.options,
      parameters: [...this.inputRefs, ...this.weightRefs],
      variables: this.outputRefs,
      duals: this.dualRefs,
    });
  }

  /** The float64 solution map the layer wraps. */
  get solutionMap(): ConvexSolutionMap {
    return this.engine.solutionMap;
  }

  /** Statistics of the most recent call: per batch element status, message, iterations, route and the policy applied. */
  get lastStats(): ConvexCallStats | undefined {
    return this.engine.lastStats;
  }

  /** Statistics of the most recent backward pass: per batch element outcome of the checked derivative and the policy applied. */
  get lastBackwardStats(): ConvexBackwardStats | undefined {
    return this.engine.lastBackwardStats;
  }

  /** Which engine solves this layer's problem: 'qp' (interior point) or 'scs'. */
  get route(): 'scs' | 'qp' {
    return this.engine.route;
  }

  /** Output shapes for a batch size (undefined: unbatched). */
  outputShapes(batch?: number): number[][] {
    return this.engine.outputShapes(batch);
  }

  /** Number of entries of each output (per batch element). */
  outputSizes(): number[] {
    return this.engine.outputSizes();
  }

  /**
   * On symbolic tensors (building a `tf.model`): the usual layer `apply`. On
   * concrete tensors: the function form, one output tensor per variable then
   * dual, always as an array.
   */
  override apply(inputs: tf.Tensor | readonly tf.Tensor[]): tf.Tensor[];
  override apply(inputs: tf.SymbolicTensor | tf.SymbolicTensor[], kwargs?: Kwargs): tf.SymbolicTensor | tf.SymbolicTensor[];
  override apply(inputs: ConvexLayerInput, kwargs?: Kwargs): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];
  override apply(inputs: ConvexLayerInput | readonly tf.Tensor[], kwargs?: Kwargs): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[] {
    const list = (Array.isArray(inputs) ? inputs : [inputs]) as unknown[];
    if (list.some(isSymbolic)) {
      if (!list.every(isSymbolic)) throw new ValueError(`ConvexLayer '${this.name}': mix of symbolic and concrete inputs; pass all inputs the same way`);
      return super.apply(inputs as tf.SymbolicTensor[], kwargs);
    }
    if (list.length !== this.inputRefs.length) {
      throw new ShapeError(`ConvexLayer expects ${this.inputRefs.length} parameter tensors (${this.inputRefs.map((r) => r.name).join(', ')}), got ${list.length}`);
    }
    const tensors = list.map((t, i) => checkFloatTensor(t, `ConvexLayer parameter '${this.inputRefs[i]!.name}'`));
    if (!this.built) this.build(tensors.map((t) => t.shape));
    return this.engine.apply([...tensors, ...this.paramWeights.map((w) => w.read())]);
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shapes = this.inputShapes(inputShape);
    shapes.forEach((s, i) => this.isBatched(s, i));
    this.paramWeights = this.weightRefs.map((ref) =>
      this.addWeight(ref.name, [...ref.shape], 'float32', toInitializer(this.weightInits[ref.name]!, `ConvexLayer weight parameter '${ref.name}'`)),
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const xs = Array.isArray(inputs) ? inputs : [inputs];
      const out = this.engine.apply([...xs, ...this.paramWeights.map((w) => w.read())]);
      return out.length === 1 ? out[0]! : out;
    });
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const shapes = this.inputShapes(inputShape);
    const batchedIndex = shapes.findIndex((s, i) => this.isBatched(s, i));
    const lead: LayerShape = batchedIndex < 0 ? [] : [shapes[batchedIndex]![0] ?? null];
    const out = [...this.outputRefs, ...this.dualRefs].map((r) => [...lead, ...r.shape]);
    return out.length === 1 ? out[0]! : out;
  }

  override getConfig(): tf.serialization.ConfigDict {
    if (this.problemName === undefined) {
      throw new ValueError(
        `ConvexLayer '${this.name}' was built from a problem object; register it with registerProblem(name, factory) and pass the name as the problem to save the layer`,
      );
    }
    const fresh = problemRefs(this.problem);
    const nameOf = (r: ShapedRef, list: readonly ShapedRef[], what: string): StoredName => {
      if (list.filter((x) => x.name === r.name).length !== 1) {
        throw new ValueError(`ConvexLayer '${this.name}': ${what} '${r.name}' has no unique name in the problem; give it a distinct name to save the layer`);
      }
      return storeName(r.name);
    };
    const duals = this.dualRefs.map((c) => {
      const index = this.problem.constraints.findIndex((k) => k.id === c.id);
      if (index < 0) throw new ValueError(`ConvexLayer '${this.name}': dual constraint '${c.name}' is not in problem.constraints`);
      return index;
    });
    // Names go in {name} wrappers: tfjs re-cases every other string and key on save/load (see `StoredName`).
    const weights = this.weightRefs.map((r) => ({ name: r.name, initializer: serializeInitializer(this.weightInits[r.name]!) }));
    return {
      ...super.getConfig(),
      problem: storeName(this.problemName) as unknown as tf.serialization.ConfigDict,
      parameters: this.inputRefs.map((r) => nameOf(r, fresh.parameters, 'parameter')) as unknown as tf.serialization.ConfigDict[],
      weightParameters: weights as unknown as tf.serialization.ConfigDict[],
      variables: this.outputRefs.map((r) => nameOf(r, fresh.variables, 'variable')) as unknown as tf.serialization.ConfigDict[],
      duals,
      ...(this.options as tf.serialization.ConfigDict),
    };
  }

  private inputShapes(inputShape: LayerShape | LayerShape[]): LayerShape[] {
    const many = inputShape.length > 0 && Array.isArray(inputShape[0]);
    const shapes = (many ? inputShape : [inputShape]) as LayerShape[];
    if (shapes.length !== this.inputRefs.length) {
      throw new ShapeError(
        `ConvexLayer '${this.name}' expects ${this.inputRefs.length} input(s) (parameters ${this.inputRefs.map((r) => r.name).join(', ')}), got ${shapes.length}`,
      );
    }
    return shapes;
  }

  /** Whether input i carries a leading batch dimension; ShapeError unless it is [...shape] or [batch, ...shape]. */
  private isBatched(s: LayerShape, i: number): boolean {
    const ref = this.inputRefs[i]!;
    const want = ref.shape;
    const fits = (dims: LayerShape) => dims.length === want.length && dims.every((d, k) => d === null || d === want[k]);
    if (s.length === want.length + 1 && fits(s.slice(1))) return true;
    if (fits(s)) return false;
    throw new ShapeError(
      `ConvexLayer input '${ref.name}' must be [batch, ${want.join(', ')}] (or [${want.join(', ')}], shared by the batch), got [${s.map(String).join(', ')}]`,
    );
  }
}

registerLayer(ConvexLayer);

/** Creates a `ConvexLayer` from the one-object arguments (the lowercase factory, like `tf.layers.dense`). */
export function convexLayer(args: ConvexLayerArgs): ConvexLayer {
  return new ConvexLayer(args);
}
