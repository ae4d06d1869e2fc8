import type { QpBackwardResult } from '../../solvers/qp/qp_types.js';

/**
 * Per example, why its backward KKT solve failed its residual check, or
 * undefined when it passed: reads the solver's report (`backwardFailed`,
 * `backwardResidual` of `QpBackwardResult`, the normwise relative residual of
 * the adjoint solve; the solver gives a failed example zero gradient, never a
 * wrong one). A result without the report (an older solver) reads as passed.
 */
export function qpBackwardFailures(grads: Partial<Pick<QpBackwardResult, 'backwardFailed' | 'backwardResidual'>>, batch: number): (string | undefined)[] {
  const out: (string | undefined)[] = new Array<string | undefined>(batch).fill(undefined);
  const failed = grads.backwardFailed;
  if (!failed) return out;
  for (let i = 0; i < batch; i++) {
    if (!failed[i]) continue;
    const r = grads.backwardResidual?.[i];
    out[i] = `the backward KKT solve missed its residual tolerance (normwise relative residual ${r === undefined ? 'unknown' : r.toExponential(2)})`;
  }
  return out;
}
