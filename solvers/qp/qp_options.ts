import { ValueError } from '../errors.js';
import type { QpOptions } from './qp_types.js';

/** `QpOptions` with every field filled in. */
export type ResolvedQpOptions = Required<QpOptions>;

/**
 * Defaults of the batched interior point method:
 * - `tol` 1e-9: scaled primal residual, dual residual and complementarity
 *   (each divided by 1 + the norm of the matching data) must all fall below it;
 * - `maxIters` 50 (Mehrotra's method typically needs 8-25);
 * - `tolInaccurate` 1e-5: best iterate reported `optimal_inaccurate` below it;
 * - `tolInfeas` 1e-8: normalized Farkas residual of an infeasibility
 *   (G'lam + A'nu = 0, h'lam + b'nu = -1, lam >= 0) or unboundedness
 *   (Qd = 0, Ad = 0, Gd <= 0, p'd = -1) certificate;
 * - `regularization` 1e-11: static delta added to the reduced KKT matrix,
 *   relative to its largest diagonal entry (undone by iterative refinement);
 * - `refinementSteps` 3; `stepFraction` 0.99;
 * - `threads` 0: automatic (see `QpOptions.threads`).
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
  if (!(r.stepFraction > 0 && r.stepFraction < 1)) {
    throw new ValueError(`QP option stepFraction must lie in (0, 1), got ${String(r.stepFraction)}`);
  }
  return r;
}
