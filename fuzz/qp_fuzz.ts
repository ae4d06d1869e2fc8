import { OptlayersError } from '../solvers/errors.js';
import { solveQpBatch } from '../solvers/qp/solve_qp_batch.js';
import type { QpBatch, QpSolution } from '../solvers/qp/qp_types.js';
import { caseSeed } from './prng.js';
import { plantedQp, type PlantedKind, type PlantedQp } from './qp_planted.js';

/** Counts for one planted kind (solvable, infeasible or unbounded). */
export interface QpKindCounts {
  /** Examples of this kind. */
  total: number;
  /** The right status ('optimal' with the planted objective; 'infeasible'; 'unbounded'). */
  right: number;
  /** The right answer with an `_inaccurate` status. */
  inaccurate: number;
  /** Examples by returned status (or 'exception'). */
  byStatus: Record<string, number>;
}

/** A failing example, replayable by `plantedQp(caseSeed)`. */
export interface QpFuzzFailure {
  readonly index: number;
  readonly caseSeed: number;
  readonly family: string;
  readonly kind: PlantedKind;
  readonly example: number;
  readonly status: string;
  readonly detail: string;
}

/** Summary of a QP fuzz campaign (plain data, printable as JSON). */
export interface QpFuzzSummary {
  seed: number;
  cases: number;
  examples: number;
  solvable: QpKindCounts;
  infeasible: QpKindCounts;
  unbounded: QpKindCounts;
  /** 'optimal' (or 'optimal_inaccurate') whose objective or feasibility is wrong, or any optimal label on an infeasible/unbounded problem. */
  wrongOptimal: number;
  /** A certificate (infeasible/unbounded, accurate or not) on a problem of another kind. */
  falseCertificates: number;
  /** Solvable examples that ended without a solution (max_iters, singular, nonfinite). */
  unsolved: number;
  /** Infeasible/unbounded examples that ended without their certificate (max_iters, ...). */
  undetected: number;
  /** Exceptions that are not `OptlayersError`s. */
  untypedExceptions: number;
  typedExceptions: number;
  /** Slowest case, milliseconds (there is no per-case timer inside a synchronous solve; the iteration cap bounds it). */
  maxCaseMs: number;
  /** Up to 200 failing examples. */
  failures: QpFuzzFailure[];
}

/** Options of `runQpFuzz`. */
export interface QpFuzzOptions {
  /** Number of planted batches (each of 1-3 examples). */
  cases: number;
  /** Campaign seed; case i uses `caseSeed(seed, i)`. */
  seed: number;
  /** Called after every case with (done, cases). */
  onProgress?: (done: number, cases: number) => void;
  /** The solver under test (default `solveQpBatch` with default options). */
  solve?: (qp: QpBatch) => QpSolution;
}

/** Relative tolerances of the checks: objective and feasibility of an 'optimal' answer (looser for `_inaccurate`). */
const OBJECTIVE_TOL = 1e-6;
const INACCURATE_OBJECTIVE_TOL = 1e-3;

/** An `OptlayersError`, also from another copy of the module (its prototype chain names the class). */
function isTypedError(err: unknown): boolean {
  if (err instanceof OptlayersError) return true;
  for (let p = err === null || typeof err !== 'object' ? null : Object.getPrototypeOf(err); p; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'OptlayersError') return true;
  }
  return false;
}

const emptyCounts = (): QpKindCounts => ({ total: 0, right: 0, inaccurate: 0, byStatus: {} });

/** |f(z) - f*| / scale and the worst relative constraint violation of example e. */
function optimalityErrors(qp: QpBatch, e: number, z: Float64Array, planted: PlantedQp): { objective: number; feasibility: number } {
  const { n, nIneq: m, nEq: neq } = qp;
  const at = (arg: { data: Float64Array; batched: boolean }, size: number) => arg.data.subarray(arg.batched ? e * size : 0, (arg.batched ? e * size : 0) + size);
  const Q = at(qp.Q, n * n), p = at(qp.p, n), G = at(qp.G, m * n), h = at(qp.h, m), A = at(qp.A, neq * n), b = at(qp.b, neq);
  let f = 0;
  for (let i = 0; i < n; i++) {
    let qz = 0;
    for (let j = 0; j < n; j++) qz += Q[i * n + j]! * z[j]!;
    f += z[i]! * (0.5 * qz + p[i]!);
  }
  let feasibility = 0;
  const rows = (M: Float64Array, rhs: Float64Array, count: number, eq: boolean) => {
    for (let k = 0; k < count; k++) {
      let v = 0, mag = Math.abs(rhs[k]!);
      for (let j = 0; j < n; j++) {
        v += M[k * n + j]! * z[j]!;
        mag += Math.abs(M[k * n + j]! * z[j]!);
      }
      const viol = eq ? Math.abs(v - rhs[k]!) : Math.max(0, v - rhs[k]!);
      feasibility = Math.max(feasibility, viol / Math.max(mag, 1e-300));
    }
  };
  rows(G, h, m, false);
  rows(A, b, neq, true);
  const scale = Math.max(planted.objectiveScale[e]!, 1e-300);
  return { objective: Math.abs(f - planted.optimum[e]!) / scale, feasibility };
}

/**
 * Runs `cases` planted QP batches (see `plantedQp`: solvable ones with a
 * known optimal value, infeasible ones with a built-in Farkas certificate,
 * unbounded ones with a built-in ray; degenerate families and 1e-6..1e8
 * scalings) through the solver and counts what came back:
 * - solvable: 'optimal' with objective within 1e-6 (relative to
 *   |p||x*| + |x*|'|Q||x*| + |f*|) and every constraint within 1e-6 relative
 *   -> right; objective or feasibility off -> wrongOptimal; a certificate ->
 *   falseCertificates; max_iters/singular/nonfinite -> unsolved;
 * - infeasible / unbounded: the matching certificate -> right; an optimal
 *   label -> wrongOptimal; the other certificate -> falseCertificates;
 *   anything else -> undetected.
 * Exceptions are counted as typed (`OptlayersError`) or untyped. Yields to
 * the event loop every 50 cases.
 */
export async function runQpFuzz(options: QpFuzzOptions): Promise<QpFuzzSummary> {
  const { cases, seed, onProgress } = options;
  const solve = options.solve ?? ((qp: QpBatch) => solveQpBatch(qp));
  const s: QpFuzzSummary = {
    seed, cases, examples: 0, solvable: emptyCounts(), infeasible: emptyCounts(), unbounded: emptyCounts(),
    wrongOptimal: 0, falseCertificates: 0, unsolved: 0, undetected: 0, untypedExceptions: 0, typedExceptions: 0, maxCaseMs: 0, failures: [],
  };
  const fail = (f: QpFuzzFailure) => {
    if (s.failures.length < 200) s.failures.push(f);
  };
  for (let index = 0; index < cases; index++) {
    const cs = caseSeed(seed, index);
    const planted = plantedQp(cs);
    const { qp, kind, family } = planted;
    const counts = s[kind];
    counts.total += qp.batch;
    s.examples += qp.batch;
    const t0 = performance.now();
    let result: QpSolution;
    try {
      result = solve(qp);
    } catch (err) {
      const typed = isTypedError(err);
      if (typed) s.typedExceptions++;
      else s.untypedExceptions++;
      counts.byStatus.exception = (counts.byStatus.exception ?? 0) + qp.batch;
      fail({ index, caseSeed: cs, family, kind, example: -1, status: 'exception', detail: `${typed ? '' : 'untyped '}${String(err)}` });
      continue;
    } finally {
      s.maxCaseMs = Math.max(s.maxCaseMs, performance.now() - t0);
    }
    for (let e = 0; e < qp.batch; e++) {
      const status = result.status[e]!;
      counts.byStatus[status] = (counts.byStatus[status] ?? 0) + 1;
      const report = (detail: string) => fail({ index, caseSeed: cs, family, kind, example: e, status, detail });
      const optimalLabel = status === 'optimal' || status === 'optimal_inaccurate';
      const certificate = status.startsWith('infeasible') ? 'infeasible' : status.startsWith('unbounded') ? 'unbounded' : null;
      if (kind === 'solvable') {
        if (optimalLabel) {
          const z = result.z.subarray(e * qp.n, (e + 1) * qp.n);
          const err = optimalityErrors(qp, e, z, planted);
          const tol = status === 'optimal' ? OBJECTIVE_TOL : INACCURATE_OBJECTIVE_TOL;
          if (err.objective > tol || err.feasibility > tol) {
            s.wrongOptimal++;
            report(`objective error ${err.objective.toExponential(2)}, feasibility error ${err.feasibility.toExponential(2)}`);
          } else if (status === 'optimal') counts.right++;
          else counts.inaccurate++;
        } else if (certificate) {
          s.falseCertificates++;
          report('certificate on a solvable problem');
        } else {
          s.unsolved++;
          report('not solved');
        }
      } else if (certificate === kind) {
        if (status === kind) counts.right++;
        else counts.inaccurate++;
      } else if (optimalLabel) {
        s.wrongOptimal++;
        report(`optimal label on an ${kind} problem`);
      } else if (certificate) {
        s.falseCertificates++;
        report(`${certificate} certificate on an ${kind} problem`);
      } else {
        s.undetected++;
        report(`${kind} not detected`);
      }
    }
    onProgress?.(index + 1, cases);
    if (index % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return s;
}
