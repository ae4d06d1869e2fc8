import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../../solvers/errors.js';
import type { FixedPointStats } from '../../deq/fixed_point_monitor.js';
import { solveFixedPoint } from '../../deq/solve_fixed_point.js';
import { applySamplePolicy, zeroRows } from '../../deq/sample_policy.js';
import { gradsIsolated } from '../../deq/tape_isolation.js';
import { monDeqOperator } from '../mondeq_operator.js';
import type { ResolvedMonDeqOptions } from '../mondeq_options.js';
import {
  backwardForwardBackwardMap,
  backwardPeacemanRachfordMap,
  forwardBackwardMap,
  peacemanRachfordMap,
} from '../mondeq_splitting.js';

/** Output of `monotoneEquilibrium`. */
export interface MonotoneEquilibriumResult {
  /** The equilibrium v = relu(W(M) v + s), shape of s. */
  readonly v: tf.Tensor2D;
  readonly stats: FixedPointStats;
  /** Step size used and ||I - W||_2 (power-iteration estimate, for the step only). */
  readonly alpha: number;
  readonly lipschitz: number;
}

/**
 * The equilibrium v = relu(W(M) v + s) for a weight map `weightOf` whose
 * value I - W(M) is m-strongly monotone for every M (the IBP-MonDEQ point
 * weight, or its interval operator W_I), found by the monDEQ splittings and
 * differentiated implicitly (Winston & Kolter 2020, section 4): with
 * D = diag(1[W v + s > 0]) and g = dl/dv, q solves q = D (W' q + g) by the
 * same splitting on the transposed operator (reusing the forward resolvent),
 * then dl/ds = q and dl/dM is the vector-Jacobian product of M -> W(M) v + s
 * with q. Implicit, not unrolled: the interval equilibrium is a genuine fixed
 * point (unique under the parametrization), so the implicit function theorem
 * applies wherever no pre-activation sits exactly at 0, and memory stays
 * constant in the iteration count.
 */
export function monotoneEquilibrium(
  s: tf.Tensor2D,
  M: tf.Tensor2D,
  weightOf: (M: tf.Tensor2D) => tf.Tensor2D,
  m: number,
  o: ResolvedMonDeqOptions,
  what: string,
  onBackwardStats?: (stats: FixedPointStats) => void,
): MonotoneEquilibriumResult {
  let stats: FixedPointStats | undefined;
  let alpha = 0;
  let lipschitz = 0;
  let rejected: Uint8Array = new Uint8Array(0);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [sIn, mIn] = args as tf.Tensor2D[];
    const W = weightOf(mIn!);
    const operator = monDeqOperator(W, m, o.splitting, o.alpha);
    alpha = operator.alpha;
    lipschitz = operator.lipschitz;
    const start = tf.zeros(sIn!.shape) as tf.Tensor2D;
    const r = o.splitting === 'forward_backward'
      ? solveFixedPoint(forwardBackwardMap(W, sIn!, alpha), start, o.forward)
      : solveFixedPoint(peacemanRachfordMap(operator.resolvent!, sIn!, alpha), start, o.forward);
    start.dispose();
    W.dispose();
    let decided;
    try {
      decided = applySamplePolicy(r.z, r.stats, o.onSolverFailure, what);
    } catch (e) {
      operator.dispose();
      throw e;
    }
    rejected = decided.rejected;
    stats = decided.stats;
    let v: tf.Tensor2D;
    if (o.splitting === 'forward_backward') v = decided.z;
    else {
      // Peaceman-Rachford iterates the auxiliary u; the equilibrium is relu(u*).
      v = tf.relu(decided.z) as tf.Tensor2D;
      decided.z.dispose();
    }
    save(operator.resolvent ? [sIn!, mIn!, v, operator.resolvent] : [sIn!, mIn!, v]);
    const stepUsed = alpha;
    return {
      value: v,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [sS, mS, vS, V] = saved as tf.Tensor2D[];
          const Wb = weightOf(mS!);
          const D = tf.cast(tf.greater(tf.add(tf.matMul(vS!, Wb, false, true), sS!), 0), 'float32') as tf.Tensor2D;
          const g = (rejected.some((x) => x === 1) ? zeroRows(dy as tf.Tensor2D, rejected) : dy) as tf.Tensor2D;
          // A non-finite adjoint has no best effort to keep: its row gets zero gradient.
          const backwardPolicy = o.onSolverFailure === 'best-effort' ? 'zero-gradient' : o.onSolverFailure;
          let q: tf.Tensor2D;
          if (o.splitting === 'forward_backward') {
            const rb = solveFixedPoint(backwardForwardBackwardMap(Wb, D, g, stepUsed), tf.mul(D, g) as tf.Tensor2D, o.backward);
            const db = applySamplePolicy(rb.z, rb.stats, backwardPolicy, `${what} backward`);
            onBackwardStats?.(db.stats);
            q = db.z;
          } else {
            const rb = solveFixedPoint(backwardPeacemanRachfordMap(V!, D, g, stepUsed), g, o.backward);
            const db = applySamplePolicy(rb.z, rb.stats, backwardPolicy, `${what} backward`);
            onBackwardStats?.(db.stats);
            q = tf.mul(D, db.z) as tf.Tensor2D;
          }
          return gradsIsolated(() => tf.sum(tf.mul(q, tf.add(tf.matMul(vS!, weightOf(mS!), false, true), sS!))), [sS!, mS!]);
        }),
    };
  });
  const v = op(s, M) as tf.Tensor2D;
  if (stats === undefined) throw new ValueError(`${what}: forward solve did not run`);
  return { v, stats, alpha, lipschitz };
}
