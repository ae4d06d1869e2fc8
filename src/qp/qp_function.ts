import * as tf from '@tensorflow/tfjs';
import { ShapeError, SolverError, ValueError, assertFinite } from '../../solvers/errors.js';
import { solveQpBatch } from '../../solvers/qp/index.js';
import type { QpArgument, QpBatch, QpGradients, QpResult } from '../../solvers/qp/qp_types.js';
import { STATUS_MESSAGES } from '../../solvers/status.js';
import { qpBackwardFailures } from './qp_backward_check.js';
import { assertQpConvex } from './qp_psd_check.js';
import {
  resolveQpLayerOptions,
  type QpBackwardElementReport,
  type QpElementReport,
  type QpLayerOptions,
  type QpPolicyApplied,
  type ResolvedQpLayerOptions,
} from './qp_options.js';
import { QP_ARGUMENT_NAMES, resolveQpShapes, type QpArgumentName, type QpLayout } from './qp_shapes.js';

/** An optional QP argument: omitted as `undefined`/`null` or given with zero rows. */
export type OptionalTensor = tf.Tensor | null | undefined;

const GRAD_KEY: Readonly<Record<QpArgumentName, keyof QpGradients>> = { Q: 'dQ', p: 'dp', G: 'dG', h: 'dh', A: 'dA', b: 'db' };

/** Copies a tensor into float64 and rejects NaN/Inf, naming the argument. */
function toFloat64(t: tf.Tensor, name: string): Float64Array {
  const out = Float64Array.from(t.dataSync() as ArrayLike<number>);
  assertFinite(out, `qp argument ${name}`);
  return out;
}

const EMPTY: QpArgument = { data: new Float64Array(0), batched: false };

/**
 * Classifies the examples of a solved batch: `failed` are those whose status
 * is not 'optimal' (nor 'optimal_inaccurate' under `acceptInaccurate`) or
 * whose iterate is not finite; `rejected` (output zeros, no gradient) are all
 * failed ones under 'zero-gradient' and the non-finite ones under 'best-effort'.
 */
function classifyExamples(result: QpResult, n: number, opts: ResolvedQpLayerOptions): { failed: number[]; rejected: Set<number>; elements: QpElementReport[] } {
  const failed: number[] = [];
  const rejected = new Set<number>();
  const elements: QpElementReport[] = [];
  for (let i = 0; i < result.batch; i++) {
    const status = result.status[i]!;
    const finite = result.z.subarray(i * n, (i + 1) * n).every(Number.isFinite);
    const accepted = (status === 'optimal' || (status === 'optimal_inaccurate' && opts.acceptInaccurate)) && finite;
    const message = `QP interior point: ${status} after ${result.iterations[i]} iterations (KKT residual ${result.kktResidual[i]!.toExponential(2)})${finite ? '' : '; non-finite iterate'}`;
    let policyApplied: QpPolicyApplied = accepted ? (status === 'optimal' ? 'none' : 'accepted-inaccurate') : 'none';
    if (!accepted) {
      failed.push(i);
      if (opts.onSolverFailure !== 'best-effort' || !finite) rejected.add(i);
      if (opts.onSolverFailure !== 'throw') policyApplied = rejected.has(i) ? 'zero-gradient' : 'best-effort';
    }
    elements.push({ index: i, route: 'qp', status, message, iterations: result.iterations[i]!, policyApplied });
  }
  return { failed, rejected, elements };
}

/** The `SolverError` for the first failed example (policy 'throw'). */
function failureError(result: QpResult, layout: QpLayout, index: number): SolverError {
  const status = result.status[index]!;
  const finite = result.z.subarray(index * layout.n, (index + 1) * layout.n).every(Number.isFinite);
  const why = finite ? STATUS_MESSAGES[status] : `${STATUS_MESSAGES[status]}; the solution has non-finite entries`;
  const where = layout.batched ? ` at batch index ${index}` : '';
  const hint = status === 'optimal_inaccurate' ? "; pass acceptInaccurate: true to accept 'optimal_inaccurate'" : '';
  return new SolverError(`qp: the QP solve${where} ended with status '${status}' (${why}${hint})`, status, layout.batched ? index : undefined);
}

/** Solves the sub-batch `keep` of `batch` (batched arguments sliced, shared ones kept). */
function subBatch(batch: QpBatch, keep: readonly number[], opts: ResolvedQpLayerOptions): QpResult {
  const slice = (arg: QpArgument): QpArgument => {
    if (!arg.batched) return arg;
    const per = arg.data.length / batch.batch;
    const data = new Float64Array(keep.length * per);
    keep.forEach((src, dst) => data.set(arg.data.subarray(src * per, (src + 1) * per), dst * per));
    return { data, batched: true };
  };
  return solveQpBatch(
    { ...batch, batch: keep.length, Q: slice(batch.Q), p: slice(batch.p), G: slice(batch.G), h: slice(batch.h), A: slice(batch.A), b: slice(batch.b) },
    { tol: opts.tol, maxIters: opts.maxIters },
  );
}

function allFinite(g: QpGradients): boolean {
  return [g.dQ, g.dp, g.dG, g.dh, g.dA, g.db].every((a) => a.every(Number.isFinite));
}

/**
 * Gradients of the loss with respect to the QP data, with the examples in
 * `rejected` contributing nothing. First tries the batch's own backward with
 * those rows of dl/dz zeroed (exact whenever the factorization is finite);
 * if that yields NaN/Inf, re-solves the accepted examples alone and scatters
 * their gradients back. Throws `SolverError('nonfinite')` if even that fails.
 */
function safeBackward(batch: QpBatch, result: QpResult, dlDz: Float64Array, rejected: ReadonlySet<number>, n: number, opts: ResolvedQpLayerOptions, layout: QpLayout): QpGradients {
  for (const i of rejected) dlDz.fill(0, i * n, (i + 1) * n);
  const elements: QpBackwardElementReport[] = [];
  for (let i = 0; i < batch.batch; i++) {
    const skipped = rejected.has(i);
    elements.push({ index: i, outcome: skipped ? 'skipped' : 'ok', message: skipped ? `forward status '${result.status[i]}': zero gradient` : '', policyApplied: skipped ? 'zero-gradient' : 'none' });
  }
  const first = result.backward(dlDz);
  // Every backward linear solve is residual-checked by the solver; a failed
  // example already has zero gradient there. 'throw' throws naming it; the
  // other policies keep that zero and report it.
  qpBackwardFailures(first, batch.batch).forEach((why, i) => {
    if (why === undefined || rejected.has(i)) return;
    if (opts.onSolverFailure === 'throw') {
      throw new SolverError(`qp: the backward pass${layout.batched ? ` at batch index ${i}` : ''} failed: ${why}`, 'singular', layout.batched ? i : undefined);
    }
    elements[i] = { index: i, outcome: 'failed', message: `${why}; zero gradient`, policyApplied: opts.onSolverFailure };
  });
  opts.onBackward?.({ elements, failed: elements.filter((e) => e.outcome === 'failed').map((e) => e.index) });
  if (allFinite(first)) return first;
  const keep: number[] = [];
  for (let i = 0; i < batch.batch; i++) if (!rejected.has(i)) keep.push(i);
  const scatter = (arg: QpArgument, sub: Float64Array): Float64Array => {
    if (!arg.batched) return sub;
    const per = arg.data.length / batch.batch;
    const out = new Float64Array(arg.data.length);
    keep.forEach((dst, src) => out.set(sub.subarray(src * per, (src + 1) * per), dst * per));
    return out;
  };
  if (keep.length > 0) {
    const again = subBatch(batch, keep, opts);
    const subDz = new Float64Array(keep.length * n);
    keep.forEach((src, dst) => subDz.set(dlDz.subarray(src * n, (src + 1) * n), dst * n));
    const g = again.backward(subDz);
    if (allFinite(g)) {
      return {
        dQ: scatter(batch.Q, g.dQ), dp: scatter(batch.p, g.dp), dG: scatter(batch.G, g.dG),
        dh: scatter(batch.h, g.dh), dA: scatter(batch.A, g.dA), db: scatter(batch.b, g.db),
      };
    }
  }
  throw new SolverError('qp: the backward pass produced non-finite gradients even after excluding the failed examples', 'nonfinite');
}

/**
 * Differentiable batched quadratic program (the OptNet layer of Amos & Kolter,
 * "OptNet: Differentiable Optimization as a Layer in Neural Networks", ICML 2017):
 *
 *   z*(Q, p, G, h, A, b) = argmin_z 1/2 z'Qz + p'z  s.t.  Gz <= h,  Az = b.
 *
 * Takes float32 tensors, solves in float64 with the batched primal-dual
 * interior point method of `solvers/qp` and returns z* as float32, shaped
 * [batch, n] if any argument has a leading batch dimension, else [n].
 * Unbatched arguments are shared by every example (their gradients are summed
 * over the batch). G/h and A/b may be omitted (`undefined`/`null`) or given
 * with zero rows for equality-only / inequality-only / unconstrained
 * problems. Q must be symmetric positive semidefinite.
 *
 * Gradients (through `tf.customGrad`) come from implicit differentiation of
 * the KKT conditions at the solver's final KKT matrix (OptNet eq. 7-8); its
 * factorization is the polishing one, or is computed on the first backward
 * call, so a forward pass that is never differentiated does not pay for it:
 * dp = dz, dQ = 1/2 (dz z' + z dz'), dG = D(lam) dlam z' + lam dz',
 * dh = -D(lam) dlam, dA = dnu z' + nu dz', db = -dnu.
 *
 * Bad shapes throw a `ShapeError` and NaN/Inf data a `ValueError`, naming the
 * argument; a failed solve follows `options.onSolverFailure` (default: throw
 * a `SolverError` naming the batch index and status).
 */
export function qp(
  Q: tf.Tensor,
  p: tf.Tensor,
  G?: OptionalTensor,
  h?: OptionalTensor,
  A?: OptionalTensor,
  b?: OptionalTensor,
  options: QpLayerOptions = {},
): tf.Tensor {
  const opts = resolveQpLayerOptions(options);
  const given: Record<QpArgumentName, tf.Tensor | undefined> = { Q, p, G: G ?? undefined, h: h ?? undefined, A: A ?? undefined, b: b ?? undefined };
  for (const name of QP_ARGUMENT_NAMES) {
    const t = given[name];
    if (t !== undefined && !(t instanceof tf.Tensor)) throw new ShapeError(`qp: argument ${name} must be a tf.Tensor`);
    if (t !== undefined && t.dtype !== 'float32') throw new ValueError(`qp: argument ${name} must have dtype float32, got ${t.dtype}`);
  }
  const layout = resolveQpShapes({
    Q: Q.shape, p: p.shape, G: given.G?.shape, h: given.h?.shape, A: given.A?.shape, b: given.b?.shape,
  });
  // Only non-empty arguments become inputs of the custom-gradient op.
  const present = QP_ARGUMENT_NAMES.filter((name) => {
    if ((name === 'G' || name === 'h') && layout.nIneq === 0) return false;
    if ((name === 'A' || name === 'b') && layout.nEq === 0) return false;
    return true;
  });
  const outShape = layout.batched ? [layout.batch, layout.n] : [layout.n];

  const op = tf.customGrad((...args: unknown[]) => {
    const inputs = args.slice(0, present.length) as tf.Tensor[];
    const data: Record<QpArgumentName, QpArgument> = { Q: EMPTY, p: EMPTY, G: EMPTY, h: EMPTY, A: EMPTY, b: EMPTY };
    present.forEach((name, i) => {
      data[name] = { data: toFloat64(inputs[i]!, name), batched: layout.isBatched[name] };
    });
    const batch: QpBatch = { batch: layout.batch, n: layout.n, nIneq: layout.nIneq, nEq: layout.nEq, ...data };
    assertQpConvex(data.Q.data, layout.n, data.Q.batched, layout.batch);
    const result = solveQpBatch(batch, { tol: opts.tol, maxIters: opts.maxIters });
    const { failed, rejected, elements } = classifyExamples(result, layout.n, opts);
    opts.onSolve?.({ batch: result.batch, status: result.status, iterations: result.iterations, kktResidual: result.kktResidual, failed, elements });
    if (opts.onSolverFailure === 'throw' && failed.length > 0) throw failureError(result, layout, failed[0]!);
    const z = new Float32Array(layout.batch * layout.n);
    for (let i = 0; i < layout.batch; i++) {
      if (!rejected.has(i)) z.set(result.z.subarray(i * layout.n, (i + 1) * layout.n), i * layout.n);
    }
    return {
      value: tf.tensor(z, outShape, 'float32'),
      gradFunc: (dy: tf.Tensor) => {
        const dlDz = toFloat64(dy, 'dl/dz (incoming gradient)');
        const grads = safeBackward(batch, result, dlDz, rejected, layout.n, opts, layout);
        return inputs.map((input, i) => tf.tensor(Float32Array.from(grads[GRAD_KEY[present[i]!]]), input.shape, 'float32'));
      },
    };
  });
  return op(...present.map((name) => given[name]!));
}

