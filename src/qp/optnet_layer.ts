import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../../solvers/errors.js';
import { registerLayer } from '../serialization.js';
import { argumentShape, resolveOptNetStructure, type FeasiblePoint, type FixedValue, type ResolvedOptNetStructure } from './optnet_args.js';
import { qp } from './qp_function.js';
import { checkFloatTensor, rejectUnknownLayerKeys } from '../options_check.js';
import type { QpBackwardReport, QpSolveReport, QpFailurePolicy } from './qp_options.js';
import { QP_ARGUMENT_NAMES, type QpArgumentName } from './qp_shapes.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;

/** softplus^{-1}(1): the raw slack weight that makes s0 = 1 initially. */
const SOFTPLUS_INV_ONE = Math.log(Math.E - 1);

/** n x n matrix of ones on and below the diagonal. */
function lowerTriangularMask(n: number): tf.Tensor2D {
  const mask = new Float32Array(n * n);
  for (let i = 0; i < n; i++) mask.fill(1, i * n, i * n + i + 1);
  return tf.tensor2d(mask, [n, n]);
}

/** Constructor arguments of `OptNetLayer`. */
export interface OptNetLayerArgs extends LayerArgs {
  /** Number of QP variables n; the layer outputs z* with shape [batch, n]. */
  nVariables: number;
  /** Number of inequality constraints m (rows of G, h); default 0. */
  nIneq?: number;
  /** Number of equality constraints k (rows of A, b); default 0. */
  nEq?: number;
  /**
   * QP arguments fed as layer inputs, in the order of the input list (a single
   * input is passed as one tensor); default `['p']`. Batched shapes:
   * Q [batch, n, n] (must be PSD), p [batch, n], G [batch, m, n], h [batch, m],
   * A [batch, k, n], b [batch, k].
   */
  inputs?: QpArgumentName[];
  /**
   * Constant arguments (not trained): a number (for Q, G, A that multiple of
   * the identity; for p, h, b a filled vector), a vector or nested rows.
   * Default: nothing fixed.
   */
  fixed?: Partial<Record<QpArgumentName, FixedValue>>;
  /** eps in the learned Q = L L' + eps I (L lower triangular); default 1e-3. */
  eps?: number;
  /** Parametrization of the learned feasible point z0 (see `FeasiblePoint`); default 'free'. */
  feasiblePoint?: FeasiblePoint;
  /** Seed of the random initialisers of G and A; default random. */
  seed?: number;
  /** Interior point tolerance; default: the solver's. */
  tol?: number;
  /** Absolute / relative tolerance (the vocabulary of `problem.solve`); the interior point method uses min(epsAbs, epsRel), saved as `tol`. */
  epsAbs?: number;
  /** See `epsAbs`. */
  epsRel?: number;
  /** Interior point iteration limit; default: the solver's. */
  maxIters?: number;
  /** Failed-solve policy (see `QpFailurePolicy`); default 'throw'. */
  onSolverFailure?: QpFailurePolicy;
  /** Accept 'optimal_inaccurate' as solved; default false. */
  acceptInaccurate?: boolean;
  /** Per-solve report callback, for logging; not serialized (`lastStats` holds the latest report too). */
  onSolve?: (report: QpSolveReport) => void;
  /** Per-backward report callback; not serialized (`lastBackwardStats` holds the latest report too). */
  onBackward?: (report: QpBackwardReport) => void;
}

const OWN_KEYS = ['nVariables', 'nIneq', 'nEq', 'inputs', 'fixed', 'eps', 'feasiblePoint', 'seed', 'tol', 'epsAbs', 'epsRel', 'maxIters', 'onSolverFailure', 'acceptInaccurate', 'onSolve', 'onBackward'];

/**
 * The OptNet layer (Amos & Kolter, "OptNet: Differentiable Optimization as a
 * Layer in Neural Networks", ICML 2017, section 3): outputs
 *
 *   z* = argmin_z 1/2 z'Qz + p'z  s.t.  Gz <= h,  Az = b
 *
 * per example. Each of Q, p, G, h, A, b is a layer input, a fixed constant,
 * or learned, the learned ones parametrized as in the paper so the QP stays
 * convex and feasible: Q = L L' + eps I with L lower triangular (init I),
 * p (init 0), G (init uniform [-1, 1)), A (init uniform [0, 1)),
 * h = G z0 + s0 with slack s0 = softplus(w) > 0 (init 1), b = A z0, where z0
 * is a learned point (init 0, or 1 with `feasiblePoint: 'positive'`). When h
 * and b are both learned, z0 is feasible by construction.
 * Gradients come from the KKT implicit differentiation of `qp()`.
 */
export class OptNetLayer extends tf.layers.Layer {
  static className = 'OptNetLayer';
  private readonly structure: ResolvedOptNetStructure;
  private readonly weightsByName: Partial<Record<'L' | 'p' | 'G' | 'A' | 'z0' | 's0', LayerVariable>> = {};
  /** Report of the latest forward solve: per example status, message, iterations and the policy applied. */
  lastStats: QpSolveReport | undefined;
  /** Report of the latest backward pass: per example outcome of the checked KKT solve and the policy applied. */
  lastBackwardStats: QpBackwardReport | undefined;

  constructor(args: OptNetLayerArgs) {
    super(args);
    rejectUnknownLayerKeys(args, OWN_KEYS, 'OptNetLayer argument');
    const structure = resolveOptNetStructure(args);
    const user = structure.qp;
    // Keep the latest reports on the layer as well as handing them to the user's callbacks.
    this.structure = {
      ...structure,
      qp: {
        ...user,
        onSolve: (r) => {
          this.lastStats = r;
          user.onSolve?.(r);
        },
        onBackward: (r) => {
          this.lastBackwardStats = r;
          user.onBackward?.(r);
        },
      },
    };
  }

  /** Where each QP argument comes from: 'input', 'fixed', 'learned' or 'absent'. */
  get sources(): Readonly<Record<QpArgumentName, string>> {
    return this.structure.source;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = this.structure;
    // One input arrives as a shape (numbers), several as a list of shapes.
    const many = Array.isArray(inputShape) && inputShape.length > 0 && Array.isArray(inputShape[0]);
    const shapes = (many ? inputShape : [inputShape]) as tf.Shape[];
    if (shapes.length !== s.inputs.length) {
      throw new ShapeError(`OptNetLayer expects ${s.inputs.length} input(s) (${s.inputs.join(', ')}), got ${shapes.length}`);
    }
    s.inputs.forEach((name, i) => {
      const want = argumentShape(name, s.n, s.nIneq, s.nEq);
      const got = shapes[i]!;
      if (got.length !== want.length + 1 || want.some((d, j) => got[j + 1] !== d)) {
        throw new ShapeError(`OptNetLayer input ${name} must have shape [batch, ${want.join(', ')}], got [${got.map(String).join(', ')}]`);
      }
    });
    const { n, nIneq: m, nEq: k, source, seed } = s;
    if (source.Q === 'learned') this.weightsByName.L = this.addWeight('L', [n, n], 'float32', tf.initializers.identity({ gain: 1 }));
    if (source.p === 'learned') this.weightsByName.p = this.addWeight('p', [n], 'float32', tf.initializers.zeros());
    if (source.G === 'learned') this.weightsByName.G = this.addWeight('G', [m, n], 'float32', tf.initializers.randomUniform({ minval: -1, maxval: 1, seed }));
    if (source.A === 'learned') {
      this.weightsByName.A = this.addWeight('A', [k, n], 'float32', tf.initializers.randomUniform({ minval: 0, maxval: 1, seed: seed === undefined ? undefined : seed + 1 }));
    }
    if (source.h === 'learned' || source.b === 'learned') this.weightsByName.z0 = this.addWeight('z0', [n], 'float32', tf.initializers.zeros());
    if (source.h === 'learned') this.weightsByName.s0 = this.addWeight('s0', [m], 'float32', tf.initializers.constant({ value: SOFTPLUS_INV_ONE }));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const first = (this.structure.inputs.length === 1 ? inputShape : (inputShape as tf.Shape[])[0]) as tf.Shape;
    return [first[0] ?? null, this.structure.n];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const s = this.structure;
      const list = Array.isArray(inputs) ? inputs : [inputs];
      if (list.length !== s.inputs.length) throw new ShapeError(`OptNetLayer expects ${s.inputs.length} input(s) (${s.inputs.join(', ')}), got ${list.length}`);
      list.forEach((t, i) => {
        checkFloatTensor(t, `OptNetLayer input ${s.inputs[i]}`);
        const want = argumentShape(s.inputs[i]!, s.n, s.nIneq, s.nEq);
        if (t.rank !== want.length + 1 || want.some((d, j) => t.shape[j + 1] !== d)) {
          throw new ShapeError(`OptNetLayer input ${s.inputs[i]} must have shape [batch, ${want.join(', ')}], got [${t.shape.join(', ')}]`);
        }
      });
      const w = (key: keyof OptNetLayer['weightsByName']): tf.Tensor => this.weightsByName[key]!.read();
      const args: Partial<Record<QpArgumentName, tf.Tensor>> = {};
      s.inputs.forEach((name, i) => (args[name] = list[i]!));
      for (const name of QP_ARGUMENT_NAMES) {
        if (s.source[name] === 'fixed') args[name] = tf.tensor(s.constants[name]!, argumentShape(name, s.n, s.nIneq, s.nEq));
      }
      if (s.source.Q === 'learned') {
        // Lower-triangular mask by multiplication: tf.linalg.bandPart's gradient (through unstack) fails here.
        const L = tf.mul(w('L'), lowerTriangularMask(s.n));
        args.Q = tf.add(tf.matMul(L, L, false, true), tf.mul(tf.eye(s.n), s.eps));
      }
      if (s.source.p === 'learned') args.p = w('p');
      if (s.source.G === 'learned') args.G = w('G');
      if (s.source.A === 'learned') args.A = w('A');
      const z0 = this.weightsByName.z0 ? (s.feasiblePoint === 'positive' ? tf.exp(w('z0')) : w('z0')) : undefined;
      // G z0 and A z0 as broadcast row sums, so batched (input) G or A give batched h or b.
      if (s.source.h === 'learned') args.h = tf.add(tf.sum(tf.mul(args.G!, z0!), -1), tf.softplus(w('s0')));
      if (s.source.b === 'learned') args.b = tf.sum(tf.mul(args.A!, z0!), -1);
      return qp(args.Q!, args.p!, args.G, args.h, args.A, args.b, s.qp);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const s = this.structure;
    const config: tf.serialization.ConfigDict = {
      nVariables: s.n,
      nIneq: s.nIneq,
      nEq: s.nEq,
      // Lowercase names: tfjs serialization lowercases string values and keys ('Q' -> 'q').
      inputs: s.inputs.map((name) => name.toLowerCase()),
      fixed: s.fixedConfig as tf.serialization.ConfigDict,
      eps: s.eps,
      feasiblePoint: s.feasiblePoint,
      onSolverFailure: s.qp.onSolverFailure,
      acceptInaccurate: s.qp.acceptInaccurate,
    };
    if (s.seed !== undefined) config['seed'] = s.seed;
    if (s.qp.tol !== undefined) config['tol'] = s.qp.tol;
    if (s.qp.maxIters !== undefined) config['maxIters'] = s.qp.maxIters;
    return { ...super.getConfig(), ...config };
  }
}

registerLayer(OptNetLayer);

/** Creates an `OptNetLayer` (the lowercase factory, like `tf.layers.dense`). */
export function optNetLayer(args: OptNetLayerArgs): OptNetLayer {
  return new OptNetLayer(args);
}
