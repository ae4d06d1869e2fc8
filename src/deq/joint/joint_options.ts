import type * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../../solvers/errors.js';
import { ITERATION_CAPS, checkIntegerInRange, rejectUnknownKeys } from '../../options_check.js';
import { MAX_MEMORY, resolveFixedPointOptions, FIXED_POINT_DEFAULTS, type FixedPointOptions, type ResolvedFixedPointOptions } from '../deq_options.js';
import type { InputProjection } from './input_projection.js';

/** Anderson acceleration of the joint iteration on the stacked state (z, u, x). */
export interface JointAndersonOptions {
  /** Memory m (past iterates mixed). Default 5. */
  memory?: number;
  /** Ridge lambda, relative to the largest diagonal of G G'. Default 1e-4. */
  ridge?: number;
  /** Damping beta in s+ = beta sum(alpha T(s)) + (1 - beta) sum(alpha s). Default 1. */
  damping?: number;
  /**
   * Weight of the x-block in the residual norm that the mixing weights
   * minimize (the x-block residual is a g, step times projected gradient).
   * Default 1, the plain Euclidean norm of the stacked state; larger values
   * make the mixing favour the input block over the inner equilibrium.
   */
  inputWeight?: number;
}

/**
 * Options of `jointInputOptimization`. A sample has converged when, at the
 * returned state, every block residual is below `tol` relative to its block:
 *   ||f(z, x) - z|| <= tol (1 + ||z||),
 *   ||(df/dz)' u + dL/dz - u|| <= tol (1 + ||u||),
 *   ||x - Proj(x - a g)|| / a <= tol (1 + ||x||),  g = dL/dx + (df/dx)' u
 * (the last is the norm of the projected-gradient map, independent of a).
 */
export interface JointInputOptions {
  /** Iteration limit of the joint solve. Default 200. */
  maxIterations?: number;
  /** Relative block-residual tolerance (see above). Default 1e-4. */
  tol?: number;
  /** Gradient step a on the input. Default 0.1. */
  stepSize?: number;
  /** Feasible set of x. Default `{ kind: 'none' }`. */
  projection?: InputProjection;
  /** Anderson options of the joint iteration. */
  anderson?: JointAndersonOptions;
  /** Initial equilibrium guess [batch, units]. Default zeros. */
  z0?: tf.Tensor2D;
  /**
   * Trainable variables the objective reads besides the DEQ's own weights
   * (e.g. a readout head): gradients reach them through the joint equilibrium.
   */
  variables?: readonly tf.Variable[];
  /**
   * Solver of the backward (adjoint) fixed point of the augmented map, used
   * only when a gradient flows back. Default: Anderson, the joint `maxIterations`,
   * relTol = tol, absTol 1e-6.
   */
  backward?: FixedPointOptions;
  /** Throw a `SolverError` when the status is not `optimal`. Default false. */
  throwOnFailure?: boolean;
}

/** `JointInputOptions` resolved (projection and tensors are checked against the data separately). */
export interface ResolvedJointOptions {
  readonly maxIterations: number;
  readonly tol: number;
  readonly stepSize: number;
  readonly memory: number;
  readonly ridge: number;
  readonly damping: number;
  readonly inputWeight: number;
  readonly backward: ResolvedFixedPointOptions;
  readonly throwOnFailure: boolean;
}

/** The keys of `JointInputOptions`. */
export const JOINT_OPTION_KEYS: readonly string[] = ['maxIterations', 'tol', 'stepSize', 'projection', 'anderson', 'z0', 'variables', 'backward', 'throwOnFailure'];
const ANDERSON_KEYS: readonly string[] = ['memory', 'ridge', 'damping', 'inputWeight'];

/** Throws `ValueError` naming `what` unless v is a finite number > 0. */
export function positive(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ValueError(`${what} must be a finite number > 0, got ${String(v)}`);
  return v;
}

/** Resolves and validates `JointInputOptions` (unknown keys throw). */
export function resolveJointOptions(options: JointInputOptions = {}, what = 'jointInputOptimization option'): ResolvedJointOptions {
  rejectUnknownKeys(options, JOINT_OPTION_KEYS, what);
  rejectUnknownKeys(options.anderson, ANDERSON_KEYS, `${what} anderson`);
  const a = options.anderson ?? {};
  const maxIterations = checkIntegerInRange(options.maxIterations ?? 200, 1, ITERATION_CAPS.fixedPoint, `${what} maxIterations`);
  const tol = positive(options.tol ?? 1e-4, `${what} tol`);
  const stepSize = positive(options.stepSize ?? 0.1, `${what} stepSize`);
  const memory = checkIntegerInRange(a.memory ?? 5, 1, MAX_MEMORY, `${what} anderson.memory`);
  const ridge = a.ridge ?? 1e-4;
  if (typeof ridge !== 'number' || !Number.isFinite(ridge) || ridge < 0) throw new ValueError(`${what} anderson.ridge must be a finite number >= 0, got ${String(ridge)}`);
  const damping = a.damping ?? 1;
  if (typeof damping !== 'number' || !(damping > 0 && damping <= 1)) throw new ValueError(`${what} anderson.damping must be in (0, 1], got ${String(damping)}`);
  const inputWeight = positive(a.inputWeight ?? 1, `${what} anderson.inputWeight`);
  const throwOnFailure = options.throwOnFailure ?? false;
  if (typeof throwOnFailure !== 'boolean') throw new ValueError(`${what} throwOnFailure must be a boolean, got ${String(throwOnFailure)}`);
  const backwardBase: ResolvedFixedPointOptions = { ...FIXED_POINT_DEFAULTS, maxIters: maxIterations, relTol: tol };
  const backward = resolveFixedPointOptions(options.backward, backwardBase, `${what} backward`);
  if (options.variables !== undefined && !Array.isArray(options.variables)) throw new ValueError(`${what} variables must be an array of tf.Variable`);
  return { maxIterations, tol, stepSize, memory, ridge, damping, inputWeight, backward, throwOnFailure };
}
