import type { CompiledProblem, ConstraintSlot, DataGradient, ParameterSlot, ShapedRef, VariableSlot } from '../../dsl/compiled_problem.js';
import { thetaGradient } from '../../dsl/index.js';
import { OptlayersError, ShapeError, SolverError, UnsupportedError, ValueError } from '../../solvers/errors.js';
import { cscMatVec, cscTransposeMatVec } from '../../solvers/sparse/csc.js';
import type { SolverStatus } from '../../solvers/status.js';
import { resolveConvexOptions, type ConvexLayerOptions, type ResolvedConvexOptions } from './convex_options.js';
import { compileForRoute, type ConvexProblem } from './problem_access.js';
import type { ConvexRoute, RouteSolver } from '../../dsl/solve/index.js';

/** What a convex layer maps: the parameters it takes (in call order), the variables and constraint duals it returns. */
export interface ConvexLayerSpec {
  /** Every parameter of the problem, each exactly once, in the order the call passes their values. */
  readonly parameters: readonly ShapedRef[];
  /** Variables whose optimal values are returned, in this order. */
  readonly variables: readonly ShapedRef[];
  /** Constraints whose optimal dual values are returned after the variables. */
  readonly duals?: readonly ShapedRef[];
}

/** One parameter's values for a call: either shared by the batch (`batched: false`) or one row-major copy per batch element. */
export interface ParameterValues {
  readonly data: Float64Array;
  readonly batched: boolean;
}

/**
 * What the failure policy did with one batch element: 'none' (the solve was
 * `optimal`), 'accepted-inaccurate' (`optimal_inaccurate` kept because
 * `acceptInaccurate` is set), 'zero-gradient' or 'best-effort' (the policy
 * was applied). Under 'throw' a failed element throws instead.
 */
export type PolicyApplied = 'none' | 'accepted-inaccurate' | 'zero-gradient' | 'best-effort';

/** The forward outcome of one batch element. */
export interface ConvexElementStats {
  readonly index: number;
  readonly route: ConvexRoute;
  readonly status: SolverStatus;
  readonly message: string;
  readonly iterations: number;
  readonly policyApplied: PolicyApplied;
}

/** What happened in one call. */
export interface ConvexCallStats {
  readonly route: ConvexRoute;
  readonly statuses: readonly SolverStatus[];
  readonly iterations: readonly number[];
  /** Batch indices whose solve failed and were handled by the `onSolverFailure` policy. */
  readonly failed: readonly number[];
  /** Wall-clock seconds of the forward solve (the whole batch). */
  readonly solveSeconds: number;
  /** Per batch element: status, message, iterations, route and what the policy did. */
  readonly elements: readonly ConvexElementStats[];
}

/** The backward outcome of one batch element. */
export interface ConvexBackwardElementStats {
  readonly index: number;
  /**
   * 'ok'; 'skipped' (no gradient asked, or the forward failed under
   * 'zero-gradient'); 'failed' (the derivative's checked linear solve did not
   * meet its residual tolerance, or could not be computed); 'nonfinite'.
   */
  readonly outcome: 'ok' | 'skipped' | 'failed' | 'nonfinite';
  readonly message: string;
  /** 'none', or the policy applied to a failed/non-finite element (its gradient is then zero). */
  readonly policyApplied: 'none' | 'zero-gradient' | 'best-effort';
}

/** What happened in one backward pass. */
export interface ConvexBackwardStats {
  readonly route: ConvexRoute;
  readonly elements: readonly ConvexBackwardElementStats[];
  /** Batch indices whose gradient failed and were handled by the policy. */
  readonly failed: readonly number[];
}

/** A solved batch: recovered variables and duals, and the vector-Jacobian product back to the parameters. */
export interface SolvedBatch {
  readonly batch: number;
  /** Per requested variable, batch x size values (row-major). */
  readonly variables: readonly Float64Array[];
  /** Per requested dual, batch x size values. */
  readonly duals: readonly Float64Array[];
  readonly stats: ConvexCallStats;
  /**
   * Given dl/d(variables) and dl/d(duals) (same layout as the outputs; omit
   * duals for zero), returns dl/dtheta (batch x thetaSize, compiled order).
   * Forward-failed slots get zero gradient under 'zero-gradient'. A slot
   * whose derivative fails its residual check, or is not finite, throws a
   * `SolverError` naming it under 'throw', else gets zero gradient; either
   * way `lastBackwardStats` records it.
   */
  backward(dVariables: readonly Float64Array[], dDuals?: readonly Float64Array[]): Float64Array;
}

function sameRef(a: ShapedRef, b: ShapedRef): boolean {
  return a === b || a.id === b.id;
}

function findSlot<S extends { ref: ShapedRef }>(slots: readonly S[], ref: ShapedRef, what: string): S {
  const slot = slots.find((s) => sameRef(s.ref, ref));
  if (!slot) throw new ValueError(`${what} '${ref.name}' is not part of the problem`);
  return slot;
}

function isFiniteArray(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

function zeroNonFinite(a: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) a[i] = 0;
  return a;
}

/**
 * The float64 core of a convex optimization layer: the map
 *   theta -> (A, b, c[, P])(theta) -> solve -> (x, y) -> variables = R x, duals = D y
 * (the affine-solver-affine form of Agrawal et al., "Differentiable Convex
 * Optimization Layers", NeurIPS 2019) and its vector-Jacobian product
 *   dl/dtheta = thetaGradient(adjoint(R' dl/dvariables, D' dl/dduals)).
 * `ConvexLayer` wraps it with tensors; tests check it against finite differences.
 */
export class ConvexSolutionMap {
  readonly options: ResolvedConvexOptions;
  readonly compiled: CompiledProblem;
  readonly solver: RouteSolver;
  /** Compiled parameter slot of each parameter, in the spec's order. */
  readonly parameterSlots: readonly ParameterSlot[];
  readonly variableSlots: readonly VariableSlot[];
  readonly dualSlots: readonly ConstraintSlot[];

  constructor(problem: ConvexProblem, spec: ConvexLayerSpec, options: ConvexLayerOptions = {}) {
    this.options = resolveConvexOptions(options);
    const duals = spec.duals ?? [];
    const built = compileForRoute(problem, this.options, duals.length > 0);
    this.compiled = built.compiled;
    this.solver = built.solver;
    const compiled = this.compiled;
    const seen = new Set<number>();
    this.parameterSlots = spec.parameters.map((p) => {
      const slot = compiled.parameters.find((s) => sameRef(s.ref, p));
      if (!slot) throw new ValueError(`parameter '${p.name}' is not a parameter of the problem (extra entry in 'parameters')`);
      if (seen.has(slot.ref.id)) throw new ValueError(`parameter '${p.name}' is listed twice in 'parameters'`);
      seen.add(slot.ref.id);
      return slot;
    });
    for (const s of compiled.parameters) {
      if (!seen.has(s.ref.id)) throw new ValueError(`parameter '${s.ref.name}' of the problem is missing from 'parameters'`);
    }
    if (spec.variables.length + duals.length === 0) throw new ValueError("a convex layer needs at least one entry in 'variables' or 'duals'");
    this.variableSlots = spec.variables.map((v) => findSlot(compiled.variables, v, 'variable'));
    this.dualSlots = duals.map((c) => findSlot(compiled.constraints, c, 'constraint (in duals)'));
  }

  get route(): ConvexRoute {
    return this.solver.route;
  }

  get thetaSize(): number {
    return this.compiled.thetaSize;
  }

  /**
   * Builds theta for every batch element from per-parameter values (spec
   * order), checking sizes and finiteness. Returns the batch size (1 when no
   * parameter is batched) and the stacked thetas.
   */
  packThetas(values: readonly ParameterValues[]): { batch: number; thetas: Float64Array } {
    if (values.length !== this.parameterSlots.length) {
      throw new ShapeError(`expected values for ${this.parameterSlots.length} parameters, got ${values.length}`);
    }
    let batch = -1;
    values.forEach((v, i) => {
      const slot = this.parameterSlots[i]!;
      if (!v.batched) {
        if (v.data.length !== slot.size) throw new ShapeError(`parameter '${slot.ref.name}' needs ${slot.size} values, got ${v.data.length}`);
        return;
      }
      if (v.data.length % slot.size !== 0) throw new ShapeError(`parameter '${slot.ref.name}': ${v.data.length} values is not a multiple of its size ${slot.size}`);
      const b = v.data.length / slot.size;
      if (batch >= 0 && b !== batch) throw new ShapeError(`parameter '${slot.ref.name}' has batch size ${b} but an earlier parameter has ${batch}`);
      batch = b;
    });
    if (batch === 0) throw new ShapeError('batch size must be at least 1');
    if (batch < 0) batch = 1;
    const T = this.thetaSize;
    const thetas = new Float64Array(batch * T);
    values.forEach((v, i) => {
      const slot = this.parameterSlots[i]!;
      for (let k = 0; k < v.data.length; k++) {
        if (!Number.isFinite(v.data[k]!)) {
          const where = v.batched ? `batch element ${Math.floor(k / slot.size)}, entry ${k % slot.size}` : `entry ${k}`;
          throw new ValueError(`parameter '${slot.ref.name}' has a non-finite value ${v.data[k]} at ${where}`);
        }
        const sign = slot.ref as { nonneg?: boolean; nonpos?: boolean };
        if ((sign.nonneg && v.data[k]! < 0) || (sign.nonpos && v.data[k]! > 0)) {
          const where = v.batched ? `batch element ${Math.floor(k / slot.size)}, entry ${k % slot.size}` : `entry ${k}`;
          throw new ValueError(`parameter '${slot.ref.name}' is declared ${sign.nonneg ? 'nonneg' : 'nonpos'} but has value ${v.data[k]} at ${where}`);
        }
      }
      for (let e = 0; e < batch; e++) {
        const src = v.batched ? v.data.subarray(e * slot.size, (e + 1) * slot.size) : v.data;
        thetas.set(src, e * T + slot.offset);
      }
    });
    return { batch, thetas };
  }

  /** Splits dl/dtheta (batch x thetaSize) into per-parameter gradients; unbatched parameters get the sum over the batch. */
  unpackGradient(dThetas: Float64Array, batch: number, batched: readonly boolean[]): Float64Array[] {
    const T = this.thetaSize;
    return this.parameterSlots.map((slot, i) => {
      const out = new Float64Array(batched[i] ? batch * slot.size : slot.size);
      for (let e = 0; e < batch; e++) {
        const src = dThetas.subarray(e * T + slot.offset, e * T + slot.offset + slot.size);
        const off = batched[i] ? e * slot.size : 0;
        for (let k = 0; k < slot.size; k++) out[off + k] += src[k]!;
      }
      return out;
    });
  }

  /** Forward statistics of the most recent `solve` (set before a 'throw' policy throws, so the failure can be inspected). */
  lastStats: ConvexCallStats | undefined;
  /** Statistics of the most recent backward pass. */
  lastBackwardStats: ConvexBackwardStats | undefined;

  /** True when batch element status `status` counts as solved under the options (`acceptInaccurate`). */
  private accepts(status: SolverStatus): boolean {
    return status === 'optimal' || (status === 'optimal_inaccurate' && this.options.acceptInaccurate);
  }

  /**
   * Solves every batch element (thetas: batch x thetaSize) and recovers the
   * requested variables and duals. Any element whose status is not 'optimal'
   * (or 'optimal_inaccurate' with `acceptInaccurate`), or whose point is not
   * finite, gets the failure policy: 'throw' throws a `SolverError` naming
   * the batch index; 'zero-gradient' zeroes its non-finite entries and gives
   * it no gradient; 'best-effort' keeps its point and tries its gradient.
   */
  solve(thetas: Float64Array, batch: number): SolvedBatch {
    const policy = this.options.onSolverFailure;
    const route = this.route;
    const t0 = performance.now();
    const sol = this.solver.solve(thetas, batch);
    const solveSeconds = (performance.now() - t0) / 1000;
    const failed: number[] = [];
    const elements: ConvexElementStats[] = [];
    for (let e = 0; e < batch; e++) {
      const status = sol.statuses[e]!;
      const finite = isFiniteArray(sol.x[e]!) && isFiniteArray(sol.y[e]!);
      const usable = this.accepts(status) && finite;
      const message = finite ? sol.messages[e]! : `${sol.messages[e]}; the solution has non-finite entries`;
      const policyApplied: PolicyApplied = usable ? (status === 'optimal' ? 'none' : 'accepted-inaccurate') : policy === 'throw' ? 'none' : policy;
      elements.push({ index: e, route, status, message, iterations: sol.iterations[e]!, policyApplied });
      if (!usable) failed.push(e);
    }
    const stats: ConvexCallStats = { route, statuses: sol.statuses, iterations: sol.iterations, failed, solveSeconds, elements };
    this.lastStats = stats;
    if (policy === 'throw' && failed.length > 0) {
      const e = failed[0]!;
      const status = sol.statuses[e]!;
      const hint = status === 'optimal_inaccurate' ? " (pass acceptInaccurate: true to accept 'optimal_inaccurate')" : '';
      throw new SolverError(`convex layer: batch element ${e} failed with status '${status}' on the ${route} route: ${elements[e]!.message}${hint}`, status, e);
    }
    for (const e of failed) {
      zeroNonFinite(sol.x[e] as Float64Array);
      zeroNonFinite(sol.y[e] as Float64Array);
    }
    const recover = <S extends { size: number }>(slots: readonly S[], matrix: (s: S) => Parameters<typeof cscMatVec>[0], source: readonly Float64Array[]) =>
      slots.map((slot) => {
        const out = new Float64Array(batch * slot.size);
        for (let e = 0; e < batch; e++) cscMatVec(matrix(slot), source[e]!, out.subarray(e * slot.size, (e + 1) * slot.size));
        return out;
      });
    const variables = recover(this.variableSlots, (s) => s.recovery, sol.x);
    const duals = recover(this.dualSlots, (s) => s.dualRecovery, sol.y);
    const failedSet = new Set(failed);
    return {
      batch,
      variables,
      duals,
      stats,
      backward: (dVariables, dDuals = []) => {
        if (dVariables.length !== this.variableSlots.length) throw new ShapeError(`expected ${this.variableSlots.length} variable gradients, got ${dVariables.length}`);
        const { dx, dy } = this.cotangents(batch, dVariables, dDuals, (e) => failedSet.has(e) && policy === 'zero-gradient');
        const outcome: ConvexBackwardElementStats[] = dx.map((g, e) => ({
          index: e,
          outcome: g === null && dy[e] === null ? 'skipped' : 'ok',
          message: failedSet.has(e) && policy === 'zero-gradient' ? `forward status '${sol.statuses[e]}': zero gradient` : '',
          policyApplied: failedSet.has(e) && policy === 'zero-gradient' ? 'zero-gradient' : 'none',
        }));
        const markFailed = (e: number, kind: 'failed' | 'nonfinite', message: string): void => {
          if (policy === 'throw') throw new SolverError(`convex layer: the backward pass of batch element ${e} ${kind === 'failed' ? 'failed' : 'is not finite'}: ${message}`, kind === 'nonfinite' ? 'nonfinite' : 'singular', e);
          outcome[e] = { index: e, outcome: kind, message, policyApplied: policy };
        };
        // Failed slots are differentiated one by one under 'best-effort' (their
        // derivative may legitimately be unavailable); the rest in one call.
        const isolated = (e: number): boolean => failedSet.has(e) && policy === 'best-effort';
        const only = <G>(gs: readonly (G | null)[], keep: (e: number) => boolean) => gs.map((g, e) => (keep(e) ? g : null));
        const trySlot = (e: number): DataGradient | null => {
          try {
            return sol.dataGradients(only(dx, (k) => k === e), only(dy, (k) => k === e))[e] ?? null;
          } catch (err) {
            if (err instanceof UnsupportedError || !(err instanceof OptlayersError)) throw err;
            markFailed(e, 'failed', err.message);
            return null;
          }
        };
        let data: (DataGradient | null)[];
        try {
          data = sol.dataGradients(only(dx, (e) => !isolated(e)), only(dy, (e) => !isolated(e)));
        } catch (err) {
          if (!(err instanceof SolverError)) throw err;
          if (policy === 'throw') {
            if (err.batchIndex !== undefined) throw err;
            // The route did not say which element failed: find it, one slot at a time, to name it.
            for (let e = 0; e < batch; e++) {
              if (dx[e] === null && dy[e] === null) continue;
              try {
                sol.dataGradients(only(dx, (k) => k === e), only(dy, (k) => k === e));
              } catch (inner) {
                if (inner instanceof SolverError) throw new SolverError(`convex layer: the backward pass of batch element ${e} failed: ${inner.message}`, inner.status, e);
                throw inner;
              }
            }
            throw new SolverError(`convex layer: the backward pass failed: ${err.message}`, err.status);
          }
          data = dx.map((_, e) => (isolated(e) ? null : trySlot(e)));
        }
        for (let e = 0; e < batch; e++) if (isolated(e)) data[e] = trySlot(e);
        const T = this.thetaSize;
        const dThetas = new Float64Array(batch * T);
        for (let e = 0; e < batch; e++) {
          const g = data[e];
          if (!g) continue;
          const dt = thetaGradient(this.compiled, g);
          if (!isFiniteArray(dt)) {
            markFailed(e, 'nonfinite', 'the parameter gradient has NaN/Inf entries');
            continue;
          }
          dThetas.set(dt, e * T);
        }
        this.lastBackwardStats = { route, elements: outcome, failed: outcome.filter((o) => o.outcome === 'failed' || o.outcome === 'nonfinite').map((o) => o.index) };
        return dThetas;
      },
    };
  }

  /** dl/dx = R' dl/dvariables and dl/dy = D' dl/dduals per element (null where `skip(e)`). */
  private cotangents(
    batch: number,
    dVariables: readonly Float64Array[],
    dDuals: readonly Float64Array[],
    skip: (e: number) => boolean,
  ): { dx: (Float64Array | null)[]; dy: (Float64Array | null)[] } {
    const { n, m } = this.compiled;
    const dx: (Float64Array | null)[] = [];
    const dy: (Float64Array | null)[] = [];
    for (let e = 0; e < batch; e++) {
      if (skip(e)) {
        dx.push(null);
        dy.push(null);
        continue;
      }
      const gx = new Float64Array(n);
      this.variableSlots.forEach((slot, v) => {
        cscTransposeMatVec(slot.recovery, dVariables[v]!.subarray(e * slot.size, (e + 1) * slot.size), gx, true);
      });
      let gy: Float64Array<ArrayBuffer> | null = null;
      this.dualSlots.forEach((slot, c) => {
        const g = dDuals[c];
        if (!g) return;
        const acc = gy ?? new Float64Array(m);
        cscTransposeMatVec(slot.dualRecovery, g.subarray(e * slot.size, (e + 1) * slot.size), acc, true);
        gy = acc;
      });
      dx.push(gx);
      dy.push(gy);
    }
    return { dx, dy };
  }
}
