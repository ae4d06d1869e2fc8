import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../solvers/errors.js';
import { assertFiniteRows, checkFloatTensor, checkIntegerInRange } from '../options_check.js';
import { isLayer, toDeqCell, type DeqCell, type DeqCellFn } from './deq_cell.js';
import { applySamplePolicy, zeroRows } from './sample_policy.js';
import { resolveDeqOptions, type DeqOptions, type ResolvedDeqBackwardOptions, type ResolvedDeqOptions } from './deq_options.js';
import type { FixedPointStats } from './fixed_point_monitor.js';
import { solveFixedPoint } from './solve_fixed_point.js';
import { gradsIsolated } from './tape_isolation.js';

/** Options of one `deq` call. */
export interface DeqCallOptions extends DeqOptions {
  /** Initial iterate [batch, units]. Default zeros of [batch, units]. */
  z0?: tf.Tensor2D;
  /** Width of z when `z0` is not given. Default: the width of x. */
  units?: number;
  /** Trainable variables a function cell reads (ignored for layer cells). */
  variables?: readonly tf.Variable[];
  /** Receives the statistics of the implicit backward solve when it runs. */
  onBackwardStats?: (stats: FixedPointStats) => void;
}

/** Output of `deq`: the equilibrium and the forward solver's statistics. */
export interface DeqResult {
  readonly z: tf.Tensor2D;
  readonly stats: FixedPointStats;
}

/**
 * Deep equilibrium layer, functional form (Bai, Kolter & Koltun 2019):
 * returns z* with z* = f(z*, x), found without recording a tape by the
 * forward solver, and differentiable in x and in the cell's trainable
 * variables through `tf.customGrad`:
 *  - implicit: u = u J_f(z*) + dl/dz* solved as a fixed point of
 *    vector-Jacobian products with the same solver family, then
 *    dl/dtheta = u df/dtheta(z*, x) (implicit function theorem, eq. 8);
 *  - phantom: backpropagate through k damped steps from the detached z*
 *    (Geng et al. 2021);
 *  - jfb: dl/dtheta = dl/dz* df/dtheta (Fung et al. 2022).
 * Works under `tf.grad`, `tf.variableGrads`, optimizers and `model.fit`.
 * The tape holds x and z* only, whatever the number of solver iterations.
 */
export function deq(cell: DeqCell | DeqCellFn | tf.layers.Layer, x: tf.Tensor2D, options: DeqCallOptions = {}): DeqResult {
  checkFloatTensor(x, 'deq: x');
  if (x.rank !== 2) throw new ShapeError(`deq: x must be [batch, features], got shape [${x.shape.join(', ')}]`);
  assertFiniteRows(x, 'deq: x');
  if (typeof cell !== 'function' && !isLayer(cell) && (cell === null || typeof cell !== 'object' || typeof (cell as DeqCell).apply !== 'function')) {
    throw new ValueError('deq: cell must be a function f(z, x), a tfjs layer or a DeqCell');
  }
  const { z0: _z0, units: _units, variables: _variables, onBackwardStats: _cb, ...solverOptions } = options;
  const c = toDeqCell(cell, options.variables);
  const resolved = resolveDeqOptions(solverOptions);
  if (options.units !== undefined) checkIntegerInRange(options.units, 1, Number.MAX_SAFE_INTEGER, 'deq: units');
  const units = options.z0 ? options.z0.shape[1] : (options.units ?? x.shape[1]);
  if (options.z0 && (options.z0.rank !== 2 || options.z0.shape[0] !== x.shape[0])) {
    throw new ShapeError(`deq: z0 must be [${x.shape[0]}, units], got [${options.z0.shape.join(', ')}]`);
  }
  return deqWithCell(c, x, resolved, units, options.z0, options.onBackwardStats);
}

/** `deq` on an already-normalized cell and resolved options (used by `DEQLayer`). */
export function deqWithCell(
  cell: DeqCell,
  x: tf.Tensor2D,
  options: ResolvedDeqOptions,
  units: number,
  z0?: tf.Tensor2D,
  onBackwardStats?: (stats: FixedPointStats) => void,
): DeqResult {
  const variables = cell.variables();
  let stats: FixedPointStats | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xIn = args[0] as tf.Tensor2D;
    const start = z0 ?? tf.zeros([xIn.shape[0], units]);
    const result = solveFixedPoint((z) => cell.apply(z, xIn), start as tf.Tensor2D, options.forward);
    if (start !== z0) start.dispose();
    // Per-sample failure stays per sample: only the diverged rows get the policy.
    const decided = applySamplePolicy(result.z, result.stats, options.onSolverFailure, 'deq');
    stats = decided.stats;
    save([xIn, decided.z]);
    return {
      value: decided.z,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        backward(cell, saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D, dy as tf.Tensor2D, variables, options, decided.rejected, onBackwardStats),
    };
  });
  const z = op(x, ...variables) as tf.Tensor2D;
  if (stats === undefined) throw new ValueError('deq: forward solve did not run');
  return { z, stats };
}

/** Gradients [dl/dx, dl/dvariables...] for one backward mode. */
function backward(
  cell: DeqCell,
  x: tf.Tensor2D,
  zStar: tf.Tensor2D,
  dyIn: tf.Tensor2D,
  variables: tf.Tensor[],
  all: ResolvedDeqOptions,
  rejected: Uint8Array,
  onBackwardStats?: (stats: FixedPointStats) => void,
): tf.Tensor[] {
  const options: ResolvedDeqBackwardOptions = all.backward;
  return tf.tidy(() => {
    const wrt = [x, ...variables];
    // Rejected samples ('zero-gradient') contribute nothing.
    const dy = rejected.some((r) => r === 1) ? zeroRows(dyIn, rejected) : dyIn;
    if (options.mode === 'phantom') {
      const tau = options.phantomDamping;
      return gradsIsolated(() => {
        let z: tf.Tensor2D = zStar;
        for (let k = 0; k < options.phantomSteps; k++) z = tf.add(tf.mul(z, 1 - tau), tf.mul(cell.apply(z, x), tau));
        return tf.sum(tf.mul(dy, z));
      }, wrt);
    }
    let u = dy;
    if (options.mode === 'implicit') {
      const vjp = (w: tf.Tensor2D): tf.Tensor2D => {
        const [gz] = gradsIsolated(() => tf.sum(tf.mul(w, cell.apply(zStar, x))), [zStar]);
        return tf.add(gz!, dy) as tf.Tensor2D;
      };
      const solved = solveFixedPoint(vjp, dy, options.solver);
      // A sample whose adjoint solve went non-finite gets the policy too (its gradient row is zeroed unless 'throw').
      const decided = applySamplePolicy(solved.z, solved.stats, all.onSolverFailure === 'best-effort' ? 'zero-gradient' : all.onSolverFailure, 'deq backward');
      onBackwardStats?.(decided.stats);
      u = decided.z;
    }
    return gradsIsolated(() => tf.sum(tf.mul(u, cell.apply(zStar, x))), wrt);
  });
}
