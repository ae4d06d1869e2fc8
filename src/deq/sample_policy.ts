import * as tf from '@tensorflow/tfjs';
import { SolverError, ValueError } from '../../solvers/errors.js';
import type { FixedPointStats } from './fixed_point_monitor.js';

/**
 * What a DEQ or monDEQ does with a sample whose fixed-point solve went
 * non-finite (NaN/Inf from the cell on finite input: divergence):
 * - 'throw' (default): a `SolverError` naming the batch index;
 * - 'zero-gradient': that sample's output row is zeros and it gets no gradient;
 * - 'best-effort': its best finite iterate is returned and differentiated.
 * The other samples are untouched either way: each sample has its own
 * residual, stopping and status. Samples that only reach the iteration limit
 * ('max_iters') return their best iterate and are reported in the statistics
 * (they throw only with `forward.throwOnFailure`).
 */
export type SampleFailurePolicy = 'throw' | 'zero-gradient' | 'best-effort';

/** The accepted values of `SampleFailurePolicy`. */
export const SAMPLE_FAILURE_POLICIES: readonly SampleFailurePolicy[] = ['throw', 'zero-gradient', 'best-effort'];

/** Validates a `SampleFailurePolicy` (default 'throw'), naming `what` in the `ValueError`. */
export function checkSamplePolicy(value: unknown, what: string): SampleFailurePolicy {
  const v = value ?? 'throw';
  if (!SAMPLE_FAILURE_POLICIES.includes(v as SampleFailurePolicy)) {
    throw new ValueError(`${what} must be one of ${SAMPLE_FAILURE_POLICIES.join(', ')}, got '${String(v)}'`);
  }
  return v as SampleFailurePolicy;
}

/** Outcome of applying the policy to one solve. */
export interface SamplePolicyResult {
  /** The output: the solver's iterate with rejected rows zeroed. The caller owns it. */
  readonly z: tf.Tensor2D;
  readonly stats: FixedPointStats;
  /** Per sample: 1 when its row was rejected (zero output, zero gradient). */
  readonly rejected: Uint8Array;
}

/**
 * Applies `policy` to the samples whose status is 'nonfinite' (see
 * `SampleFailurePolicy`). Takes ownership of `z` (returns it or a masked copy).
 */
export function applySamplePolicy(z: tf.Tensor2D, stats: FixedPointStats, policy: SampleFailurePolicy, what: string): SamplePolicyResult {
  const rejected = new Uint8Array(stats.statuses.length);
  const bad = stats.statuses.map((s, i) => (s === 'nonfinite' ? i : -1)).filter((i) => i >= 0);
  if (bad.length === 0) return { z, stats, rejected };
  if (policy === 'throw') {
    z.dispose();
    throw new SolverError(
      `${what}: the fixed-point solve of batch sample ${bad[0]} went non-finite (NaN/Inf) after finite input; ` +
        `${bad.length} of ${stats.statuses.length} samples affected (onSolverFailure 'zero-gradient' or 'best-effort' keeps the others)`,
      'nonfinite',
      bad[0],
    );
  }
  const policyApplied = stats.statuses.map((s) => (s === 'nonfinite' ? policy : 'none'));
  const next: FixedPointStats = { ...stats, policyApplied };
  if (policy === 'best-effort') return { z, stats: next, rejected };
  for (const i of bad) rejected[i] = 1;
  const masked = zeroRows(z, rejected);
  z.dispose();
  return { z: masked, stats: next, rejected };
}

/** `t` with the rows flagged in `rows` set to zero (a new tensor); NaN rows become 0, not NaN * 0. */
export function zeroRows(t: tf.Tensor2D, rows: Uint8Array): tf.Tensor2D {
  return tf.tidy(() => {
    const keep = tf.tensor2d(Array.from(rows, (r) => (r ? 0 : 1)), [rows.length, 1], 'bool').tile([1, t.shape[1]]);
    return tf.where(keep, t, tf.zerosLike(t)) as tf.Tensor2D;
  });
}
