import { ValueError } from '../errors.js';
import type { ConeDerivativeOptions } from './cone_derivative_types.js';

/** The option names `resolveDerivativeOptions` accepts. */
export const DERIVATIVE_OPTION_KEYS: readonly (keyof ConeDerivativeOptions)[] = ['method', 'tol', 'maxIters', 'denseLimit', 'restart', 'acceptResidual', 'singular'];

/** `ConeDerivativeOptions` with every default filled in. */
export type ResolvedDerivativeOptions = Required<ConeDerivativeOptions>;

/**
 * Defaults:
 * - method 'auto': dense LU when n + m + 1 <= denseLimit, otherwise GMRES.
 * - tol 1e-10: relative residual |M'r - g| / |g| at which GMRES stops.
 * - maxIters 0: meaning 20 (n + m + 1), at least 500, GMRES iterations.
 * - restart 0: automatic GMRES restart length min(N, max(50, 5e6 / N)) (a
 *   Krylov basis of at most ~40 MB; full GMRES for N up to ~2200). Short
 *   restarts stagnate on M, which is far from normal.
 * - denseLimit 1200: an LU of that size costs about 1 s here; beyond it the
 *   O(N^3) factorization loses to matrix-free GMRES at O(nnz(A)) per step.
 * - acceptResidual 1e-6: a solve whose final relative residual exceeds this
 *   throws `SolverError` (status 'singular' or 'max_iters') instead of
 *   returning an inaccurate gradient.
 * - singular 'throw': at a degenerate solution (Mhat singular) whose parameter
 *   gradient is not unique, the differentiating route throws `SolverError`
 *   (status 'singular') rather than return one of many candidates;
 *   'least-squares' opts in to LSQR's minimum-norm one. Unknown keys are rejected.
 */
export function resolveDerivativeOptions(options: ConeDerivativeOptions = {}): ResolvedDerivativeOptions {
  const r: ResolvedDerivativeOptions = {
    method: options.method ?? 'auto',
    tol: options.tol ?? 1e-10,
    maxIters: options.maxIters ?? 0,
    restart: options.restart ?? 0,
    denseLimit: options.denseLimit ?? 1200,
    acceptResidual: options.acceptResidual ?? 1e-6,
    singular: options.singular ?? 'throw',
  };
  for (const key of Object.keys(options)) {
    if (!(DERIVATIVE_OPTION_KEYS as readonly string[]).includes(key)) {
      throw new ValueError(`unknown derivative option '${key}'; known: ${DERIVATIVE_OPTION_KEYS.join(', ')}`);
    }
  }
  if (r.singular !== 'throw' && r.singular !== 'least-squares') {
    throw new ValueError(`derivative option singular must be 'throw' or 'least-squares', got '${String(r.singular)}'`);
  }
  if (!['auto', 'dense', 'iterative'].includes(r.method)) {
    throw new ValueError(`derivative option method must be 'auto', 'dense' or 'iterative', got '${r.method}'`);
  }
  if (!(r.tol > 0 && r.tol < 1)) throw new ValueError(`derivative option tol must lie in (0, 1), got ${r.tol}`);
  if (!Number.isInteger(r.maxIters) || r.maxIters < 0) throw new ValueError(`derivative option maxIters must be a nonnegative integer, got ${r.maxIters}`);
  if (!Number.isInteger(r.restart) || r.restart < 0) throw new ValueError(`derivative option restart must be a nonnegative integer, got ${r.restart}`);
  if (!Number.isInteger(r.denseLimit) || r.denseLimit < 0) throw new ValueError(`derivative option denseLimit must be a nonnegative integer, got ${r.denseLimit}`);
  if (!(r.acceptResidual > 0)) throw new ValueError(`derivative option acceptResidual must be positive, got ${r.acceptResidual}`);
  return r;
}
