import { ValueError } from '../../solvers/errors.js';
import { rejectUnknownKeys } from '../options_check.js';
import { checkSamplePolicy, type SampleFailurePolicy } from '../deq/sample_policy.js';
import { resolveFixedPointOptions, type FixedPointOptions, type ResolvedFixedPointOptions } from '../deq/deq_options.js';

/** Operator splitting used to find the monDEQ equilibrium (and its backward solution). */
export type MonDeqSplitting = 'forward_backward' | 'peaceman_rachford';

/** Options of a monotone DEQ solve. */
export interface MonDeqOptions {
  /** Splitting. Default `'peaceman_rachford'` (converges for every alpha > 0). */
  splitting?: MonDeqSplitting;
  /**
   * Step size alpha, with L = ||I - W||_2 computed per forward pass. Default:
   * 1 / max(1, sqrt(L)) for Peaceman-Rachford (any alpha > 0 converges; this
   * one is fast across scales); m / L^2 for forward-backward (inside its
   * guaranteed range alpha < 2m / L^2).
   */
  alpha?: number;
  /**
   * Iteration options of the splitting map (stopping per sample on its
   * residual, iteration limit, and optionally Anderson acceleration of the
   * splitting map). Defaults: plain iteration, 200 iterations, relTol 1e-4, absTol 1e-6.
   */
  forward?: FixedPointOptions;
  /** Same for the backward (transposed) splitting; unset fields copy `forward`. */
  backward?: FixedPointOptions;
  /** What a sample whose splitting goes non-finite does (see `SampleFailurePolicy`). Default 'throw'. */
  onSolverFailure?: SampleFailurePolicy;
}

/** `MonDeqOptions` resolved. */
export interface ResolvedMonDeqOptions {
  readonly splitting: MonDeqSplitting;
  readonly alpha: number | undefined;
  readonly forward: ResolvedFixedPointOptions;
  readonly backward: ResolvedFixedPointOptions;
  readonly onSolverFailure: SampleFailurePolicy;
}

/** The keys of `MonDeqOptions`. */
export const MONDEQ_OPTION_KEYS: readonly string[] = ['splitting', 'alpha', 'forward', 'backward', 'onSolverFailure'];

const MONDEQ_FORWARD_DEFAULTS: ResolvedFixedPointOptions = {
  solver: 'fixed_point',
  maxIters: 200,
  absTol: 1e-6,
  relTol: 1e-4,
  memory: 5,
  ridge: 1e-4,
  damping: 1,
  throwOnFailure: false,
};

/** Resolves and validates `MonDeqOptions`. */
export function resolveMonDeqOptions(o: MonDeqOptions = {}): ResolvedMonDeqOptions {
  rejectUnknownKeys(o, MONDEQ_OPTION_KEYS, 'monDEQ option');
  const splitting = o.splitting ?? 'peaceman_rachford';
  if (splitting !== 'forward_backward' && splitting !== 'peaceman_rachford') {
    throw new ValueError(`splitting must be 'forward_backward' or 'peaceman_rachford', got '${splitting as string}'`);
  }
  if (o.alpha !== undefined && !(Number.isFinite(o.alpha) && o.alpha > 0)) throw new ValueError(`alpha must be > 0, got ${o.alpha}`);
  const forward = resolveFixedPointOptions(o.forward, MONDEQ_FORWARD_DEFAULTS, 'forward');
  const backward = resolveFixedPointOptions(o.backward, forward, 'backward');
  return { splitting, alpha: o.alpha, forward, backward, onSolverFailure: checkSamplePolicy(o.onSolverFailure, 'onSolverFailure') };
}

/** Validates the monotonicity parameter m (must lie in (0, 1]). */
export function checkMonotonicity(m: number): number {
  if (typeof m !== 'number' || !(m > 0 && m <= 1)) throw new ValueError(`monotonicity m must be in (0, 1], got ${m}`);
  return m;
}
