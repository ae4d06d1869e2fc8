import type { ConeProgram } from '../cone_program.js';
import { validateConeProgram } from '../cone_program.js';
import { coneResiduals, residualsWithin } from '../cones/cone_residuals.js';
import { ShapeError, ValueError } from '../errors.js';
import { STATUS_MESSAGES, type SolutionCheck, type SolverStatus } from '../status.js';
import { searchInfeasibilityCertificate, searchUnboundednessCertificate, verifyInfeasibility, verifyUnboundedness } from './scs_certificates.js';
import { resolveScsOptions, type ResolvedScsOptions, type ScsOptions } from './scs_options.js';
import { restorePoint, transformProgram, transformWarmStart, type TransformedProgram } from './scs_presolve.js';
import { runScsRaw, type RawOutcome } from './scs_raw.js';

/** Primal-dual point of a cone program plus how the solve went. */
export interface ConeSolution {
  /** Primal variable (NaN-filled when no point was found, e.g. with a certificate). */
  readonly x: Float64Array;
  /** Dual variable, projected onto K* (NaN-filled when no point was found). */
  readonly y: Float64Array;
  /** Primal slack, projected onto K, with Ax + s ~ b (NaN-filled when no point was found). */
  readonly s: Float64Array;
  readonly status: SolverStatus;
  /** A sentence explaining the status, with the checked residuals. */
  readonly message: string;
  readonly stats: ConeSolveStats;
}

/** How one `solveScs` call went: iterations, objectives, the checked residuals behind its status, timings. */
export interface ConeSolveStats {
  /** SCS iterations summed over every run of this solve (retries and certificate searches included). */
  readonly iterations: number;
  readonly primalObjective: number;
  readonly dualObjective: number;
  /** Checked relative primal residual (`SolutionCheck.primal`; NaN without a point). */
  readonly primalResidual: number;
  /** Checked relative dual residual (`SolutionCheck.dual`). */
  readonly dualResidual: number;
  /** Checked relative duality gap (`SolutionCheck.gap`). */
  readonly gap: number;
  readonly setupMs: number;
  readonly solveMs: number;
  /** The residuals and thresholds that decided the status. */
  readonly check: SolutionCheck;
  /** SCS runs of the main problem (1, or up to 4 with retries; certificate searches not counted). */
  readonly attempts: number;
  /** Rows dropped as never active by the presolve of the accepted run. */
  readonly droppedRows: number;
  /** SCS's own status string of the accepted run (e.g. 'SOLVED', 'INFEASIBLE'). */
  readonly scsStatus: string;
}

/** A previous solution used to warm-start SCS. */
export interface WarmStart {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly s: ArrayLike<number>;
}

/** One run of SCS on a transformed program, judged on the full data. */
interface Attempt {
  readonly status: SolverStatus;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly s: Float64Array;
  readonly check: SolutionCheck;
  readonly detail: string;
  readonly raw: RawOutcome;
  readonly iterations: number;
  readonly transformed: TransformedProgram;
  /** SCS claimed a solution or certificate that the check did not confirm. */
  readonly disputed: boolean;
  /** Primal and dual objectives of the restored point on the full data (NaN without a point). */
  readonly objectives?: readonly [number, number];
}

/**
 * SCS's own test scales the primal residual by max(||Ax||, ||s||, ||b||) (and
 * the dual one likewise), which grows with the iterate; the check uses the
 * fixed scales of `coneResiduals` instead and allows this factor for the
 * difference, so a point that SCS solved to eps passes at OPTIMAL_SLACK * eps
 * unless its iterate-based scale was far above the data's.
 */
export const OPTIMAL_SLACK = 10;

/** Threshold of 'optimal' on the checked residuals: OPTIMAL_SLACK * max(epsAbs, epsRel), at most tolInaccurate. */
export function optimalTolerance(opts: ResolvedScsOptions): number {
  return Math.min(OPTIMAL_SLACK * Math.max(opts.epsAbs, opts.epsRel), opts.tolInaccurate);
}

const RANK: Partial<Record<SolverStatus, number>> = {
  optimal: 6,
  infeasible: 5,
  unbounded: 5,
  optimal_inaccurate: 4,
  infeasible_inaccurate: 3,
  unbounded_inaccurate: 3,
  max_iters: 2,
  nonfinite: 1,
  singular: 1,
};

function isFinal(status: SolverStatus): boolean {
  return status === 'optimal' || status === 'infeasible' || status === 'unbounded';
}

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toExponential(1) : String(v);
}

function nanPoint(n: number, m: number): { x: Float64Array; y: Float64Array; s: Float64Array } {
  return { x: new Float64Array(n).fill(NaN), y: new Float64Array(m).fill(NaN), s: new Float64Array(m).fill(NaN) };
}

/** SCS exit codes (scs.h) that are not a point or a certificate. */
function failureStatus(code: number): SolverStatus {
  if (code === 0 || code === 2 || code === 1) return 'max_iters';
  if (code === -4) return 'singular';
  return 'nonfinite'; // -3 indeterminate (NaN), -5 interrupted
}

/** Runs SCS once on `t` and judges the outcome on `full` (see `solveScs`). */
function attempt(
  full: ConeProgram,
  t: TransformedProgram,
  opts: ResolvedScsOptions,
  retry: { tighten: number; maxIters: number } | undefined,
  warm: WarmStart | undefined,
): Attempt {
  const n = full.A.cols;
  const m = full.A.rows;
  const tol = optimalTolerance(opts);
  const tighten = retry?.tighten ?? 1;
  const settings = { epsAbs: opts.epsAbs * tighten, epsRel: opts.epsRel * tighten, maxIters: retry?.maxIters ?? opts.maxIters };
  const raw = runScsRaw(t.program, coneOf(t.program), opts, settings, warm ? transformWarmStart(t, warm) : undefined);
  const base = { tolerance: tol, inaccurateTolerance: opts.tolInaccurate };
  const none = { ...base, primal: NaN, dual: NaN, gap: NaN };
  if (raw.trap !== undefined) {
    const detail = `the WebAssembly module trapped (${raw.trap}) and was re-instantiated`;
    return { status: 'numerical_error', ...nanPoint(n, m), check: none, detail, raw, iterations: 0, transformed: t, disputed: false };
  }
  let iterations = raw.info.iter;
  if (raw.x && raw.y && raw.s) {
    if (!(allFinite(raw.x) && allFinite(raw.y) && allFinite(raw.s))) {
      return { status: 'nonfinite', ...nanPoint(n, m), check: none, detail: 'SCS returned non-finite values', raw, iterations, transformed: t, disputed: false };
    }
    const point = restorePoint(full, t, raw.x, raw.y, raw.s);
    const res = coneResiduals(full, point.x, point.y, point.s);
    const check: SolutionCheck = { ...base, primal: res.primal, dual: res.dual, gap: res.gap };
    const status: SolverStatus = residualsWithin(res, tol) ? 'optimal' : residualsWithin(res, opts.tolInaccurate) ? 'optimal_inaccurate' : 'max_iters';
    const limit = raw.code === 1 ? 'converged by its own test' : opts.timeLimitSecs > 0 && raw.info.iter < opts.maxIters ? 'stopped at the time limit' : 'stopped at the iteration limit';
    const detail =
      `SCS ${limit}; residuals on the unscaled data: primal ${fmt(res.primal)}, dual ${fmt(res.dual)}, gap ${fmt(res.gap)} ` +
      `(optimal <= ${fmt(tol)}, inaccurate <= ${fmt(opts.tolInaccurate)})`;
    const disputed = raw.code === 1 && status !== 'optimal';
    if (status === 'max_iters' && raw.code !== 1) {
      // Unconverged: a diverging iterate often means infeasible or unbounded; report it only if verified.
      const cert = certify(full, t, opts, ['infeasible', 'unbounded']);
      iterations += cert.iterations;
      if (cert.status !== 'max_iters') {
        const certCheck: SolutionCheck = { ...check, certificate: cert.measure };
        return { status: cert.status, ...nanPoint(n, m), check: certCheck, detail: `${detail}; ${cert.detail}`, raw, iterations, transformed: t, disputed: false };
      }
    }
    return { status, x: point.x, y: res.y, s: res.s, check, detail, raw, iterations, transformed: t, disputed, objectives: [res.primalObjective, res.dualObjective] };
  }
  const infeasible = raw.code === -2 || raw.code === -7;
  const unbounded = raw.code === -1 || raw.code === -6;
  if (!infeasible && !unbounded) {
    return { status: failureStatus(raw.code), ...nanPoint(n, m), check: none, detail: `SCS ended ${raw.statusText} without a point`, raw, iterations, transformed: t, disputed: false };
  }
  // SCS's own certificate is not returned by the WASM build: search for one on
  // the program SCS saw, then verify it on the full unscaled data.
  const cert = certify(full, t, opts, infeasible ? ['infeasible'] : ['unbounded', 'infeasible']);
  iterations += cert.iterations;
  const kind = infeasible ? 'infeasible' : 'unbounded';
  const check: SolutionCheck = { ...none, certificate: cert.measure };
  const detail =
    cert.status === 'max_iters'
      ? `SCS reported ${raw.statusText} but no certificate verified on the unscaled data (measure ${fmt(cert.measure)} > ${fmt(opts.tolInaccurate)})`
      : `SCS reported ${raw.statusText}; ${cert.detail}`;
  return { status: cert.status, ...nanPoint(n, m), check, detail, raw, iterations, transformed: t, disputed: cert.status !== kind };
}

type CertificateKind = 'infeasible' | 'unbounded';

/**
 * Searches certificates of the given kinds on the program SCS saw and
 * verifies each on the full data. A verified unboundedness certificate
 * (dual infeasibility) is reported only when no infeasibility certificate
 * also verifies: a problem can be both primal and dual infeasible, and then
 * its value is +Infinity, not -Infinity.
 */
function certify(
  full: ConeProgram,
  t: TransformedProgram,
  opts: ResolvedScsOptions,
  kinds: readonly CertificateKind[],
): { status: SolverStatus; measure: number; iterations: number; detail: string } {
  let iterations = 0;
  const measures: Record<CertificateKind, number> = { infeasible: Infinity, unbounded: Infinity };
  for (const kind of kinds) {
    if (kind === 'unbounded' && measures.infeasible <= opts.tolInaccurate) continue;
    if (kind === 'infeasible' && kinds[0] === 'unbounded' && !(measures.unbounded <= opts.tolInaccurate)) continue;
    if (kind === 'infeasible') {
      const found = searchInfeasibilityCertificate(t.program, opts);
      if (!found) continue;
      iterations += found.iterations;
      const y = new Float64Array(full.A.rows);
      t.kept.forEach((i, k) => (y[i] = found.y[k]!));
      measures.infeasible = verifyInfeasibility(full, y);
    } else {
      const found = searchUnboundednessCertificate(t.program, opts);
      if (!found) continue;
      iterations += found.iterations;
      measures.unbounded = verifyUnboundedness(full, found.d);
    }
  }
  const grade = (kind: CertificateKind): SolverStatus | undefined => {
    const v = measures[kind];
    if (v <= opts.tolCertificate) return kind;
    if (v <= opts.tolInaccurate) return kind === 'infeasible' ? 'infeasible_inaccurate' : 'unbounded_inaccurate';
    return undefined;
  };
  const kind: CertificateKind = grade('infeasible') ? 'infeasible' : 'unbounded';
  const status = grade(kind) ?? 'max_iters';
  const measure = Math.min(measures.infeasible, measures.unbounded);
  const detail = `${kind === 'infeasible' ? 'infeasibility' : 'unboundedness'} certificate verified on the unscaled data (measure ${fmt(measures[kind])}, exact <= ${fmt(opts.tolCertificate)})`;
  return { status, measure, iterations, detail };
}

function coneOf(p: ConeProgram): { z: number; l: number; q: readonly number[]; ep: number; ed: number; p: readonly number[] } {
  return { z: p.cones.zero, l: p.cones.nonneg, q: p.cones.soc, ep: p.cones.exp, ed: 0, p: p.cones.power };
}

function checkWarmStart(warm: WarmStart, n: number, m: number): void {
  if (warm.x.length !== n || warm.y.length !== m || warm.s.length !== m) {
    throw new ShapeError(`warm start has sizes x ${warm.x.length}, y ${warm.y.length}, s ${warm.s.length}; expected ${n}, ${m}, ${m}`);
  }
  for (const [name, v] of [['x', warm.x], ['y', warm.y], ['s', warm.s]] as const) {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) throw new ValueError(`warm start ${name}[${i}] is ${v[i]}`);
  }
}

/**
 * Solves `minimize 1/2 x'Px + c'x s.t. Ax + s = b, s in K` with SCS 3 (WASM)
 * and labels the result only with what it checked on the unscaled data:
 * - a returned point is `optimal` when its residuals (`coneResiduals`:
 *   primal, dual, gap relative to 1 + ||b||, 1 + ||c||, 1 + |pobj| + |dobj|)
 *   are all <= `optimalTolerance` = OPTIMAL_SLACK * max(epsAbs, epsRel)
 *   (plus float64 rounding), else
 *   `optimal_inaccurate` when <= `tolInaccurate`, else `max_iters` — on the
 *   iteration-limit and time-limit paths alike;
 * - `infeasible`/`unbounded` only with a certificate verified on the unscaled
 *   data (`verifyInfeasibility`/`verifyUnboundedness` <= `tolCertificate`;
 *   `*_inaccurate` <= `tolInaccurate`); SCS's word alone is not enough;
 * - a WebAssembly trap is `numerical_error` (the module is re-instantiated).
 * SCS first sees the program with never-active huge bounds dropped (see
 * `TransformedProgram`). When SCS claims a solution or certificate that the
 * check rejects, it is re-run (tolerances 100x tighter if it claimed a
 * solution) on transformed programs until one run is final: columns scaled
 * by their bounds; b and c divided by their norms; the full program
 * rescaled if rows were dropped. The best-checked run is returned, so each
 * of `maxIters`/`timeLimitSecs` bounds one run of at most four (plus
 * certificate searches of at most `CERTIFICATE_SEARCH_ITERS` iterations each).
 * Requires `loadScs()` to have resolved. Throws `ShapeError`/`ValueError`
 * for bad data or options (validated before any WASM call, `validateConeProgram`).
 */
export function solveScs(problem: ConeProgram, options: ScsOptions = {}, warm?: WarmStart): ConeSolution {
  validateConeProgram(problem);
  const opts = resolveScsOptions(options);
  const m = problem.A.rows;
  const n = problem.A.cols;
  if (n === 0) throw new ShapeError('the cone program has no variables (c is empty); SCS needs n >= 1');
  if (warm) checkWarmStart(warm, n, m);
  const started = Date.now();
  const first = attempt(problem, transformProgram(problem, true, false), opts, undefined, warm);
  const attempts: Attempt[] = [first];
  if (!isFinal(first.status) && first.disputed) {
    // A retry of a claimed solution tightens SCS's tolerance 100x and may take
    // a few times the first run's iterations, not a fresh full budget.
    const claimedSolution = first.raw.code === 1;
    const tighten = {
      tighten: claimedSolution ? 0.01 : 1,
      maxIters: claimedSolution ? Math.min(opts.maxIters, Math.max(1000, 4 * first.raw.info.iter)) : opts.maxIters,
    };
    const fromFirst = allFinite(first.x) ? { x: first.x, y: first.y, s: first.s } : warm;
    // Retries, in order, until one is final: columns scaled by their bounds
    // (SCS's row equilibration then evens out b); b and c divided by their
    // norms; and, if rows were dropped, the full program rescaled.
    const retries: [boolean, boolean, boolean][] = [
      [true, false, true],
      [true, true, false],
    ];
    if (first.transformed.dropped > 0) retries.push([false, true, false]);
    for (const [presolve, rescale, scaleColumns] of retries) {
      const t = transformProgram(problem, presolve, rescale, scaleColumns);
      if (scaleColumns && !t.columnScale?.some((d) => d !== 1)) continue; // same program as the first run
      const a = attempt(problem, t, opts, tighten, fromFirst);
      attempts.push(a);
      if (isFinal(a.status)) break;
    }
  }
  let best = attempts[0]!;
  for (const a of attempts) if ((RANK[a.status] ?? 0) > (RANK[best.status] ?? 0)) best = a;
  const iterations = attempts.reduce((acc, a) => acc + a.iterations, 0);
  const retried = attempts.length > 1 ? ` [${attempts.length} SCS runs: ${attempts.map((a) => a.status).join(', ')}]` : '';
  const dropped = best.transformed.dropped > 0 ? ` (${best.transformed.dropped} never-active rows dropped)` : '';
  const elapsed = Date.now() - started;
  return {
    x: best.x,
    y: best.y,
    s: best.s,
    status: best.status,
    message: `SCS: ${STATUS_MESSAGES[best.status]}: ${best.detail}${dropped}${retried} (${iterations} iterations)`,
    stats: {
      iterations,
      primalObjective: best.objectives?.[0] ?? NaN,
      dualObjective: best.objectives?.[1] ?? NaN,
      primalResidual: best.check.primal,
      dualResidual: best.check.dual,
      gap: best.check.gap,
      setupMs: best.raw.info.setupTime,
      solveMs: attempts.length > 1 ? elapsed : best.raw.info.solveTime,
      check: best.check,
      attempts: attempts.length,
      droppedRows: best.transformed.dropped,
      scsStatus: best.raw.statusText,
    },
  };
}
