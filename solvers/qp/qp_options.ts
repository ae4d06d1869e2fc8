import { ValueError } from '../errors.js';
import type { QpOptions } from './qp_types.js';

/**
 * Largest `maxIters` accepted: an interior point method that has not
 * converged in 10,000 iterations will not, and a larger request (e.g. from a
 * loaded model's JSON) would only burn time. Larger values throw a `ValueError`.
 */
export const MAX_QP_ITERATIONS = 10_000;

/** `QpOptions` with every field filled in. */
export type ResolvedQpOptions = Required<QpOptions>;

/**
 * Defaults of the batched interior point method:
 * - `tol` 1e-9: scaled primal residual, dual residual and complementarity
 *   (each divided by 1 + the norm of the matching data) must all fall below it;
 * - `maxIters` 50 (Mehrotra's method typically needs 8-25), at most
 *   `MAX_QP_ITERATIONS` (10,000);
 * - `tolInaccurate` 1e-5: best iterate reported `optimal_inaccurate` below it;
 * - `tolInfeas` 1e-8: normalized Farkas residual of an infeasibility
 *   (G'lam + A'nu = 0, h'lam + b'nu = -1, lam >= 0) or unboundedness
 *   (Qd = 0, Ad = 0, Gd <= 0, p'd = -1) certificate;
 * - `regularization` 1e-11: static delta added to the reduced KKT matrix,
 *   relative to its largest diagonal entry (undone by iterative refinement);
 * - `refinementSteps` 3; `stepFraction` 0.99;
 * - `polish` true: polish solved examples on their active set (see polish.ts);
 * - `threads` 0: automatic (see `QpOptions.threads`); explicit values are
 *   clamped to the available cores when the batch is planned.
 * Unknown keys throw a `ValueError` naming the key.
 */
export function resolveQpOptions(options: QpOptions = {}): ResolvedQpOptions {
  const r: ResolvedQpOptions = {
    tol: 1e-9,
    maxIters: 50,
    tolInaccurate: 1e-5,
    tolInfeas: 1e-8,
    regularization: 1e-11,
    refinementSteps: 3,
    stepFraction: 0.99,
    threads: 0,
    polish: true,
  };
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (!(k in r)) throw new ValueError(`unknown QP option '${k}'`);
    (r as unknown as Record<string, unknown>)[k] = v;
  }
  for (const key of ['tol', 'tolInaccurate', 'tolInfeas', 'regularization'] as const) {
    const v = r[key];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
      throw new ValueError(`QP option ${key} must be a positive finite number, got ${String(v)}`);
    }
  }
  if (r.tolInaccurate < r.tol) throw new ValueError(`QP option tolInaccurate (${r.tolInaccurate}) must be >= tol (${r.tol})`);
  for (const key of ['maxIters', 'refinementSteps', 'threads'] as const) {
    const v = r[key];
    if (!Number.isInteger(v) || v < (key === 'maxIters' ? 1 : 0)) {
      throw new ValueError(`QP option ${key} must be a ${key === 'maxIters' ? 'positive' : 'non-negative'} integer, got ${String(v)}`);
    }
  }
  if (typeof r.polish !== 'boolean') throw new ValueError(`QP option polish must be a boolean, got ${String(r.polish)}`);
  if (r.maxIters > MAX_QP_ITERATIONS) {
    throw new ValueError(`QP option maxIters must be at most ${MAX_QP_ITERATIONS}, got ${String(r.maxIters)}`);
  }
  if (r.refinementSteps > 100) throw new ValueError(`QP option refinementSteps must be at most 100, got ${String(r.refinementSteps)}`);
  if (!(r.stepFraction > 0 && r.stepFraction < 1)) {
    throw new ValueError(`QP option stepFraction must lie in (0, 1), got ${String(r.stepFraction)}`);
  }
  return r;
}
